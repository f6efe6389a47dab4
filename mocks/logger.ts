import { once } from 'node:events';
import pino from 'pino';
import type { LokiOptions } from 'pino-loki';
import { describeError } from '../src/protocol/codes';
import type { EventBus, SignallingEvent } from '../src/roaming/events';
import type { ElementKind } from '../src/roaming/transport';
import type { Pseudonymizer } from '../src/subscribers/pseudonym';
import { REDACT_PATHS, subscriberId } from '../src/telemetry/logger';

export interface MockLoggerOptions {
  readonly pseudonymizer: Pseudonymizer;
  /** Where the JSON lines go; stdout (fd 1) when absent, as a container's log collector expects. */
  readonly destination?: NodeJS.WritableStream;
  /** Loki base URL; undefined reads LOKI_URL, '' turns Loki off. */
  readonly lokiUrl?: string;
  /** Deployment label, also a Loki label. */
  readonly env?: string;
  readonly level?: pino.Level;
  /** The single "Loki unreachable" warning. */
  readonly warn?: (message: string) => void;
}

export interface MockLogger {
  readonly log: pino.Logger;
  /** An answered HTTP request: refusals (4xx, 5xx) at warn/error, the rest at debug. */
  request(info: { element: ElementKind; method: string; route: string; status: number }): void;
  /** Element-to-element exchanges (authentication, location update, cancel, purge), pseudonymised. */
  attach(bus: EventBus): () => void;
  close(): Promise<void>;
}

/**
 * The standalone mocks' log: one JSON line per event on stdout, the same redaction paths and pseudonyms as
 * the run log (src/telemetry/logger.ts), and a copy to Loki when LOKI_URL is set. No file: the mocks run in
 * containers with a read-only tree, and a log collector reads stdout.
 */
export function createMockLogger(options: MockLoggerOptions): MockLogger {
  const env = options.env ?? process.env.ROAMSIM_ENV ?? 'local';
  const level = options.level ?? (process.env.ROAMSIM_LOG_LEVEL as pino.Level | undefined) ?? 'info';
  const lokiUrl = options.lokiUrl ?? process.env.LOKI_URL ?? '';
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  let warned = false;
  const lokiDown = (reason: string) => {
    if (warned) return;
    warned = true;
    warn(`Loki at ${lokiUrl} is unreachable (${reason}); mock logs go to stdout only`);
  };

  const out = options.destination ?? pino.destination({ dest: 1, sync: false });
  const streams: pino.StreamEntry[] = [{ stream: out, level }];
  let loki: ReturnType<typeof pino.transport> | undefined;
  if (lokiUrl) {
    try {
      const lokiOptions: LokiOptions = {
        host: lokiUrl,
        batching: { interval: 2 },
        labels: { app: 'roamsim-mocks', env },
        propsToLabels: ['component', 'element'],
        silenceErrors: true,
        timeout: 3_000,
      };
      loki = pino.transport<LokiOptions>({ target: 'pino-loki', options: lokiOptions });
      loki.on('error', (error: Error) => lokiDown(error.message));
      streams.push({ stream: loki, level });
    } catch (error) {
      lokiDown((error as Error).message);
      loki = undefined;
    }
  }

  const log = pino(
    { level: pino.levels.values[level] === undefined ? 'info' : level, base: { app: 'roamsim-mocks', env }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.multistream(streams),
  );
  const http = log.child({ component: 'http' });
  const signallingLog = log.child({ component: 'signalling' });
  let closing: Promise<void> | undefined;

  const signalling = (event: SignallingEvent) => {
    if (closing) return;
    const error = event.outcome.status === 'error' ? event.outcome.error : undefined;
    const record = {
      event_type: event.procedure,
      element: event.from.kind,
      subscriber_id: subscriberId(options.pseudonymizer, event.subscriber.imsi, event.homePlmn),
      home_mcc_mnc: event.homePlmn,
      visited_mcc_mnc: event.visitedPlmn,
      protocol: event.protocol,
      from: event.from.kind,
      to: event.to.kind,
      latency_ms: event.latencyMs,
      attempt: event.attempt,
      result: error ? error.name : 'ok',
      failure_reason: error ? describeError(error) : null,
    };
    if (error) signallingLog.warn(record, `${event.procedure} ${event.from.kind}->${event.to.kind} failed: ${record.failure_reason}`);
    else signallingLog.info(record, `${event.procedure} ${event.from.kind}->${event.to.kind} ok`);
  };

  return {
    log,
    request({ element, method, route, status }) {
      if (closing) return;
      const record = { element, method, route, status };
      if (status >= 500) http.error(record, `${method} ${route} ${status}`);
      else if (status >= 400) http.warn(record, `${method} ${route} ${status}`);
      else http.debug(record, `${method} ${route} ${status}`);
    },
    attach: (bus) => bus.onSignalling(signalling),
    close: () =>
      (closing ??= (async () => {
        if (loki) {
          const stream = loki as ReturnType<typeof pino.transport> & { ref(): void; closed: boolean };
          const closed = once(stream, 'close').catch(() => undefined);
          stream.ref();
          stream.end();
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        }
        if ('flushSync' in out && typeof (out as { flushSync?: () => void }).flushSync === 'function') {
          try {
            (out as { flushSync(): void }).flushSync();
          } catch {
            // a closed stdout: nothing more to write
          }
        }
      })()),
  };
}
