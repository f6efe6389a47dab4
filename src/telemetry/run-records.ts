import { join, resolve } from 'node:path';
import type { RoamingConfig } from '../config/load';
import { DeadLetterLog } from '../roaming/dead-letter';
import type { EventBus } from '../roaming/events';
import { runPseudonymizer } from '../subscribers/run-pseudonymizer';
import { AuditTrail } from './audit';
import { WriteFailure, WriteLedger } from './durable-write';

/** Where a run's compliance records go: ROAMSIM_LOG_DIR (default logs) holds audit/ and dead-letter.jsonl. */
export interface RecordPaths {
  readonly logDir: string;
  readonly auditDir: string;
  readonly deadLetterFile: string;
}

export function recordPaths(env: NodeJS.ProcessEnv = process.env): RecordPaths {
  const logDir = resolve(env.ROAMSIM_LOG_DIR?.trim() || 'logs');
  return { logDir, auditDir: join(logDir, 'audit'), deadLetterFile: join(logDir, 'dead-letter.jsonl') };
}

/** What a run (or a load worker thread) needs to write its records; plain data, so it crosses to workers. */
export interface RecordsSpec {
  readonly paths: RecordPaths;
  /** `load`, `roam`, `mocks`: the audit lines' `mode`. */
  readonly mode: string;
  readonly environment: string;
}

export function recordsSpec(mode: string, env: NodeJS.ProcessEnv = process.env): RecordsSpec {
  return { paths: recordPaths(env), mode, environment: env.ROAMSIM_ENV?.trim() || 'local' };
}

/**
 * The audit trail and dead-letter log of a CLI entry point (`roamsim load`, `roam`, `mocks`), by the same
 * rules as a feature run: one audit line per attempt and detach, one dead-letter line per dead-lettered
 * attempt, whole-line appends, a digest when the run ends. Load runs batch both (one write per batch); the
 * others write each record as it happens. A record that cannot be written is counted in `ledger` and
 * reported through `onFailure`; the caller decides how the run fails (a load run stops and exits 1).
 */
export class RunRecords {
  readonly ledger = new WriteLedger();
  readonly audit: AuditTrail;
  readonly deadLetters: DeadLetterLog;

  constructor(
    spec: RecordsSpec,
    config: RoamingConfig,
    options: { batched?: boolean; wallClock?: boolean; onFailure?: (failure: WriteFailure) => void } = {},
  ) {
    const pseudonymizer = runPseudonymizer(config);
    this.audit = new AuditTrail({
      dir: spec.paths.auditDir,
      retentionDays: config.audit.retentionDays,
      mode: spec.mode,
      environment: spec.environment,
      pseudonymizer,
      key: config.secrets.auditKey,
      ledger: this.ledger,
      batched: options.batched ?? false,
      wallClock: options.wallClock ?? false,
    });
    this.deadLetters = new DeadLetterLog({ file: spec.paths.deadLetterFile, pseudonymizer, ledger: this.ledger, batched: options.batched ?? false });
    if (options.onFailure) this.ledger.onFailure(options.onFailure);
  }

  /** Follows the bus. Failures are already counted in the ledger: they do not reach the bus's sink handler. */
  attach(bus: EventBus): () => void {
    const guard =
      <T>(sink: (event: T) => unknown) =>
      (event: T) => {
        try {
          sink(event);
        } catch (error) {
          if (!(error instanceof WriteFailure)) throw error;
        }
      };
    const offAudit = bus.onJourney(guard((event) => this.audit.record(event)));
    const offSignalling = bus.onSignalling(guard((event) => this.deadLetters.signalling(event)));
    const offJourney = bus.onJourney(guard((event) => this.deadLetters.journey(event)));
    return () => {
      offAudit();
      offSignalling();
      offJourney();
    };
  }

  /** Writes what is batched and appends the run's digest; failures are counted, not thrown. */
  finish(): void {
    for (const step of [() => this.deadLetters.flush(), () => this.audit.seal()]) {
      try {
        step();
      } catch (error) {
        if (!(error instanceof WriteFailure)) throw error;
      }
    }
  }
}
