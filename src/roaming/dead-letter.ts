import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProtocolError } from '../protocol/codes';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { type WriteLedger, appendWhole, writeFailure } from '../telemetry/durable-write';
import { imsiPrefixLength } from '../subscribers/run-pseudonymizer';
import type { EventBus, JourneyEvent, Procedure, SignallingEvent } from './events';
import type { AttemptRecord } from './link';

export const DEFAULT_DEAD_LETTER_FILE = 'logs/dead-letter.jsonl';

/** One dead-lettered attempt, as one JSON line. Identities are pseudonymised; no key material, no vectors. */
export interface DeadLetterRecord {
  /** When the last attempt failed (ISO 8601, on the scenario's clock). */
  readonly at: string;
  readonly scenario?: string;
  /** The IMSI pseudonym: MCC+MNC kept, the MSIN replaced by keyed digits. */
  readonly subscriber: string;
  /** The core-network procedure that ran out of attempts (`UpdateLocation`, `Authentication-Information`, …). */
  readonly procedure: Procedure | 'unknown';
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly rat: string;
  readonly error: DeadLetterError;
  readonly attempts: ReadonlyArray<{ readonly attempt: number; readonly at: string; readonly error: DeadLetterError }>;
}

export interface DeadLetterError {
  readonly kind: ProtocolError['kind'];
  readonly name: string;
  readonly code?: number;
}

export interface DeadLetterOptions {
  /** Defaults to logs/dead-letter.jsonl (relative to the working directory); the folder is created. */
  readonly file?: string;
  readonly pseudonymizer: Pseudonymizer;
  /** Counts records that could not be written, for the run's summary. */
  readonly ledger?: WriteLedger;
  /** Load runs: lines are written DEAD_LETTER_BATCH at a time and at flush(), and not kept in `lines`. */
  readonly batched?: boolean;
}

const DEAD_LETTER_BATCH = 256;

/**
 * The dead-letter log: on every `dead-letter` journey event it appends one JSON line naming the subscriber
 * (pseudonymised), the procedure, home and visited PLMN, RAT and each attempt's error and time. The line
 * is written synchronously, so a step right after the journey finds it in the file.
 */
export class DeadLetterLog {
  readonly file: string;
  /** Lines this log wrote, in order (the file may hold lines of earlier runs too). */
  readonly lines: string[] = [];
  private readonly lastCoreFailure = new Map<string, SignallingEvent>();
  private readonly lastAccessFailure = new Map<string, SignallingEvent>();
  private pending: string[] = [];

  constructor(private readonly options: DeadLetterOptions) {
    this.file = resolve(options.file ?? DEFAULT_DEAD_LETTER_FILE);
  }

  get records(): DeadLetterRecord[] {
    return this.lines.map((line) => JSON.parse(line) as DeadLetterRecord);
  }

  /** Follows a bus: signalling events tell which procedure failed, journey events trigger the line. */
  attach(bus: EventBus): () => void {
    return bus.subscribe(this);
  }

  signalling(event: SignallingEvent): void {
    // The UE's own leg (NAS) names the procedure only when no core-network request failed: a lost
    // connection to the visited network is retried and dead-lettered there too.
    if (event.protocol === 'NAS' || (event.to.kind !== 'HLR' && event.to.kind !== 'HSS')) {
      if (event.protocol === 'NAS' && event.outcome.status === 'error') this.lastAccessFailure.set(event.subscriber.imsi, event);
      return;
    }
    if (event.outcome.status === 'error') this.lastCoreFailure.set(event.subscriber.imsi, event);
    else this.lastCoreFailure.delete(event.subscriber.imsi);
  }

  journey(event: JourneyEvent): void {
    if (event.type !== 'dead-letter') return;
    const line = JSON.stringify(this.record(event));
    this.lastCoreFailure.delete(event.subscriber.imsi);
    this.lastAccessFailure.delete(event.subscriber.imsi);
    this.pending.push(line);
    if (!this.options.batched || this.pending.length >= DEAD_LETTER_BATCH) this.flush();
  }

  /** Writes the pending lines with one append. Fails closed: a WriteFailure names the file; the lines are counted as not written. */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    try {
      appendWhole(this.file, `${lines.join('\n')}\n`, 'dead-letter record');
    } catch (error) {
      const failure = writeFailure(this.file, 'dead-letter record', error);
      this.options.ledger?.notWritten(failure, lines.length);
      throw failure;
    }
    if (!this.options.batched) this.lines.push(...lines);
  }

  record(event: JourneyEvent): DeadLetterRecord {
    const imsi = event.subscriber.imsi;
    const attempts = ((event.detail?.attempts as readonly AttemptRecord[] | undefined) ?? []).map((attempt) => ({
      attempt: attempt.attempt,
      at: isoTime(attempt.at),
      error: errorSummary(attempt.error),
    }));
    const failed = this.lastCoreFailure.get(imsi) ?? this.lastAccessFailure.get(imsi);
    const procedure = (event.detail?.procedure as Procedure | undefined) ?? failed?.procedure ?? 'unknown';
    const last = attempts[attempts.length - 1];
    return {
      at: last?.at ?? isoTime(event.at),
      ...(event.scenario === undefined ? {} : { scenario: event.scenario }),
      subscriber: this.options.pseudonymizer.imsi(imsi, imsiPrefixLength(event.homePlmn)),
      procedure,
      homePlmn: event.homePlmn,
      visitedPlmn: event.visitedPlmn ?? failed?.visitedPlmn ?? '',
      rat: event.rat ?? failed?.rat ?? '',
      error: event.error ? errorSummary(event.error) : (last?.error ?? { kind: 'local', name: 'transportError' }),
      attempts,
    };
  }
}

/** Reads a dead-letter file back (missing file: no lines); a line that is not JSON is an error naming it. */
export function readDeadLetters(file = DEFAULT_DEAD_LETTER_FILE): DeadLetterRecord[] {
  const path = resolve(file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as DeadLetterRecord;
      } catch {
        throw new Error(`${path} line ${index + 1} is not JSON: ${line.slice(0, 80)}`);
      }
    });
}

/** Name and number only: a local error's free-text detail may carry addresses and stays out of the log. */
function errorSummary(error: ProtocolError): DeadLetterError {
  return error.kind === 'local' ? { kind: error.kind, name: error.name } : { kind: error.kind, name: error.name, code: error.code };
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
