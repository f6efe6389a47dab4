import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import type { LokiOptions } from 'pino-loki';
import { describeError } from '../protocol/codes';
import type { EventBus, JourneyEvent, SignallingEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';

export const DEFAULT_LOG_FILE = 'logs/roamsim.log';

/** Keys that hold key material, vectors or raw subscriber identities, wherever they sit (3 levels deep). */
const SECRET_KEYS = ['ki', 'k', 'opc', 'op', 'rand', 'xres', 'sres', 'autn', 'kasme', 'kc', 'ck', 'ik', 'imsi', 'msisdn', 'imei', 'imeisv'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * The IMSI pseudonym keeps MCC+MNC, whose length the home PLMN tells (`262-01` → 5 digits); when it is
 * unknown only 5 digits stay, never more than a 2-digit MNC needs.
 */
export function subscriberId(pseudonymizer: Pseudonymizer, imsi: string, homePlmn?: string): string {
  const keep = homePlmn && /^\d{3}-\d{2,3}$/.test(homePlmn) ? homePlmn.length - 1 : 5;
  return pseudonymizer.imsi(imsi, keep);
}

export interface LoggerOptions {
  /** Defaults to logs/roamsim.log; the directory is created. */
  file?: string;
  /** Deployment label (`local`, `ci`, `staging`): low cardinality, also a Loki label. */
  env?: string;
  /** Loki base URL; undefined reads LOKI_URL, '' turns Loki off. */
  lokiUrl?: string;
  pseudonymizer: Pseudonymizer;
  /** Where the single "Loki unreachable" (or log file) warning goes. */
  warn?: (message: string) => void;
  level?: pino.Level;
}

export interface RoamsimLogger {
  readonly file: string;
  /** For free-form lines; the redact paths still apply, raw identifiers must not be passed. */
  readonly log: pino.Logger;
  signalling(event: SignallingEvent): void;
  journey(event: JourneyEvent): void;
  attach(bus: EventBus): () => void;
  /** Resolves once everything logged so far is in the file. */
  flush(): Promise<void>;
  /** Flushes the file and hands the last Loki batch over; call once at the end of a run. */
  close(): Promise<void>;
}

export function createLogger(options: LoggerOptions): RoamsimLogger {
  const file = resolve(options.file ?? DEFAULT_LOG_FILE);
  const env = options.env ?? 'local';
  const lokiUrl = options.lokiUrl ?? process.env.LOKI_URL ?? '';
  const { pseudonymizer } = options;
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const warned = new Set<string>();
  const warnOnce = (topic: string, message: string) => {
    if (warned.has(topic)) return;
    warned.add(topic);
    warn(message);
  };

  mkdirSync(dirname(file), { recursive: true });
  // SonicBoom's typings omit the fd/destroyed state that flush and close need to look at.
  const fileStream = pino.destination({ dest: file, sync: false }) as ReturnType<typeof pino.destination> & { fd: number; destroyed: boolean };
  fileStream.on('error', (error: Error) => warnOnce('file', `log file ${file}: ${error.message}`));
  const streams: pino.StreamEntry[] = [{ stream: fileStream, level: options.level ?? 'info' }];

  let loki: ReturnType<typeof pino.transport> | undefined;
  let lokiProbe: Promise<void> = Promise.resolve();
  if (lokiUrl) {
    const lokiDown = (reason: string) => warnOnce('loki', `Loki at ${lokiUrl} is unreachable (${reason}); logs go to ${file} only`);
    try {
      const lokiOptions: LokiOptions = {
        host: lokiUrl,
        batching: { interval: 2 },
        labels: { app: 'roamsim', env },
        propsToLabels: ['component'],
        // Failures surface once through the probe below instead of one console line per batch.
        silenceErrors: true,
        timeout: 3_000,
      };
      loki = pino.transport<LokiOptions>({ target: 'pino-loki', options: lokiOptions });
      loki.on('error', (error: Error) => lokiDown(error.message));
      streams.push({ stream: loki, level: options.level ?? 'info' });
      lokiProbe = fetch(new URL('ready', lokiUrl.endsWith('/') ? lokiUrl : `${lokiUrl}/`), { signal: AbortSignal.timeout(3_000) }).then(
        // Any HTTP answer means Loki (or a gateway in front of it) is there to take pushes.
        () => undefined,
        (error: unknown) => lokiDown(causeOf(error)),
      );
    } catch (error) {
      lokiDown(causeOf(error));
      loki = undefined;
    }
  }

  const log = pino(
    {
      level: options.level ?? 'info',
      base: { app: 'roamsim', env },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
  const signallingLog = log.child({ component: 'signalling' });
  const journeyLog = log.child({ component: 'journey' });

  const hide = (text: string, subscriber: JourneyEvent['subscriber'], homePlmn: string): string => {
    let out = text.split(subscriber.imsi).join(subscriberId(pseudonymizer, subscriber.imsi, homePlmn));
    if (subscriber.msisdn) out = out.split(subscriber.msisdn).join(pseudonymizer.msisdn(subscriber.msisdn));
    return out;
  };

  /** Journey details are free-form: identifiers inside strings are replaced, nesting is bounded. */
  const scrub = (value: unknown, subscriber: JourneyEvent['subscriber'], homePlmn: string, depth = 0): unknown => {
    if (typeof value === 'string') return hide(value, subscriber, homePlmn);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= 3) return '[nested]';
    if (Array.isArray(value)) return value.map((item) => scrub(item, subscriber, homePlmn, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = scrub(item, subscriber, homePlmn, depth + 1);
    return out;
  };

  // Events that arrive after close (a late timer in a journey) are dropped rather than thrown at the bus.
  let closing: Promise<void> | undefined;

  const signalling = (event: SignallingEvent) => {
    if (closing) return;
    const error = event.outcome.status === 'error' ? event.outcome.error : undefined;
    const record = {
      event_type: event.procedure,
      timestamp: new Date(event.endedAt).toISOString(),
      subscriber_id: subscriberId(pseudonymizer, event.subscriber.imsi, event.homePlmn),
      msisdn_id: event.subscriber.msisdn === undefined ? undefined : pseudonymizer.msisdn(event.subscriber.msisdn),
      home_mcc_mnc: event.homePlmn,
      visited_mcc_mnc: event.visitedPlmn,
      latency_ms: event.latencyMs,
      result: error ? error.name : 'ok',
      failure_reason: error ? describeError(error) : null,
      protocol: event.protocol,
      rat: event.rat,
      from: event.from.kind,
      to: event.to.kind,
      attempt: event.attempt,
      transaction_id: event.id,
      scenario: event.scenario,
    };
    if (error) signallingLog.warn(record, `${event.procedure} ${event.from.kind}->${event.to.kind} failed: ${record.failure_reason}`);
    else signallingLog.info(record, `${event.procedure} ${event.from.kind}->${event.to.kind} ok`);
  };

  const journey = (event: JourneyEvent) => {
    if (closing) return;
    const record = {
      event_type: event.type,
      timestamp: new Date(event.at).toISOString(),
      subscriber_id: subscriberId(pseudonymizer, event.subscriber.imsi, event.homePlmn),
      msisdn_id: event.subscriber.msisdn === undefined ? undefined : pseudonymizer.msisdn(event.subscriber.msisdn),
      home_mcc_mnc: event.homePlmn,
      visited_mcc_mnc: event.visitedPlmn ?? null,
      latency_ms: null,
      result: event.outcome ?? 'ok',
      failure_reason: event.error ? describeError(event.error) : null,
      rat: event.rat,
      scenario: event.scenario,
      detail: event.detail === undefined ? undefined : scrub(event.detail, event.subscriber, event.homePlmn),
    };
    const failed = event.type === 'dead-letter' || event.type === 'usage-refused' || event.outcome === 'rejected' || event.outcome === 'dead-lettered';
    if (failed) journeyLog.warn(record, `${event.type} ${record.result}`);
    else journeyLog.info(record, `${event.type} ${record.result}`);
  };

  // With minLength 0 SonicBoom's flush(cb) answers at once; what matters is that no fs.write is still in
  // flight, which its (untyped) _writing/_len state tells and its 'drain' event ends.
  const fileBusy = () => {
    const state = fileStream as unknown as { _writing?: boolean; _len?: number };
    return state._writing === true || (state._len ?? 0) > 0;
  };
  const flushFile = async () => {
    if (fileStream.destroyed) return;
    if (fileStream.fd < 0) await once(fileStream, 'ready');
    while (!fileStream.destroyed && fileBusy()) await once(fileStream, 'drain');
  };

  const close = async () => {
    await flushFile().catch(() => undefined);
    const pending: Promise<unknown>[] = [];
    if (!fileStream.destroyed) {
      pending.push(once(fileStream, 'close'));
      fileStream.end();
    }
    if (loki) await endTransport(loki);
    pending.push(lokiProbe);
    await Promise.all(pending.map((p) => p.catch(() => undefined)));
  };

  return {
    file,
    log,
    signalling,
    journey,
    attach(bus) {
      const offSignalling = bus.onSignalling(signalling);
      const offJourney = bus.onJourney(journey);
      return () => {
        offSignalling();
        offJourney();
      };
    },
    flush: flushFile,
    close: () => (closing ??= close()),
  };
}

type Transport = ReturnType<typeof pino.transport> & { readonly ready: boolean; readonly closed: boolean; readonly destroyed: boolean; ref(): void };

/**
 * end() blocks until the worker has pushed its last batch (a dead Loki costs at most the push timeout).
 * pino unrefs the worker once it is ready, so wait for ready, then ref it: otherwise the event loop can
 * drain before the worker's 'close' arrives and the awaiting run would just stop.
 */
async function endTransport(transport: ReturnType<typeof pino.transport>): Promise<void> {
  const stream = transport as Transport;
  if (stream.closed || stream.destroyed) return;
  const closed = once(stream, 'close').catch(() => undefined);
  if (!stream.ready) await Promise.race([once(stream, 'ready').catch(() => undefined), closed]);
  if (stream.closed || stream.destroyed) return;
  stream.ref();
  stream.end();
  await closed;
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
