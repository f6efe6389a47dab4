import { closeSync, mkdirSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import type { LokiOptions } from 'pino-loki';
import { describeError } from '../protocol/codes';
import type { EventBus, JourneyEvent, SignallingEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { type WriteFailure, type WriteLedger, appendWholeFd, writeFailure } from './durable-write';

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
  /** Counts log lines that could not be written (disk full, read-only): the run's summary names them. */
  ledger?: WriteLedger;
}

export interface RoamsimLogger {
  readonly file: string;
  /** For free-form lines; the redact paths still apply, raw identifiers must not be passed. */
  readonly log: pino.Logger;
  signalling(event: SignallingEvent): void;
  journey(event: JourneyEvent): void;
  attach(bus: EventBus): () => void;
  /** Resolves once everything logged so far is in the file (lines are written as they are logged). */
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

  // Not pino.destination: on a full disk SonicBoom keeps the unwritten tail, retries it and never drains,
  // so close() would wait forever. Each line is one whole append instead; a failure is counted, reported
  // once and ends writing to the file (see durable-write.ts), never a loop.
  const fileStream = new LineFile(file, options.ledger, (failure) => warnOnce('file', `log file ${file}: ${failure.code} (${failure.reason}); no further lines are written to it`));
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

  const close = async () => {
    fileStream.end();
    if (loki) await endTransport(loki);
    await lokiProbe.catch(() => undefined);
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
    flush: async () => undefined,
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

/**
 * pino's file destination: every chunk pino hands over (one or more whole lines) is appended with one
 * write, synchronously, so nothing waits in a buffer. After the first failure the file is written no more:
 * that line and each later one is counted in the ledger as not written.
 */
class LineFile {
  private fd = -1;
  private failed?: WriteFailure;

  constructor(
    readonly file: string,
    private readonly ledger: WriteLedger | undefined,
    private readonly onFailure: (failure: WriteFailure) => void,
  ) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.fd = openSync(file, 'a');
    } catch (error) {
      this.fail(writeFailure(file, 'log line', error), 0);
    }
  }

  write(chunk: string): boolean {
    if (this.failed || this.fd < 0) {
      if (this.failed) this.ledger?.notWritten(this.failed);
      return true;
    }
    try {
      appendWholeFd(this.fd, this.file, Buffer.from(chunk), 'log line');
    } catch (error) {
      this.fail(writeFailure(this.file, 'log line', error), 1);
    }
    return true;
  }

  end(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private fail(failure: WriteFailure, lines: number): void {
    this.failed = failure;
    this.onFailure(failure);
    this.ledger?.notWritten(failure, lines);
  }
}
