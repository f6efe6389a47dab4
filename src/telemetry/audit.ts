import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { AuditMac, DIGEST_FILE, sealLine } from './audit-chain';
import { withDirLock } from './dir-lock';
import { WriteFailure, type WriteLedger, appendWhole, writeFailure } from './durable-write';
import { subscriberId } from './logger';
import { deadLetterDeduper, isDeadLettered } from './metrics';

export { verifyAudit, type AuditVerification } from './audit-verify';

/*
 * Audit files: one JSON object per line, `\n`-terminated, in audit-YYYY-MM-DD.jsonl (UTC day of the event).
 * Every line ends with
 *   seq       its line number in the file (1, 2, …)
 *   prev_mac  the mac of the line before; a file's first line carries genesis(file name), so a renamed or
 *             back-dated file does not verify
 *   mac       HMAC-SHA-256 under ROAMSIM_AUDIT_KEY (SHA-256 when unkeyed) of the line up to prev_mac
 * At the end of each run (and after retention deleted anything) one digest is appended to
 * audit-digests.jsonl: for every audit file its line count, first and last mac; for the run its own line
 * count, first and last mac and the records it could not write; the files retention deleted; the previous
 * digest's mac. The chain is the model of CloudTrail digest files and RFC 5848 signature blocks: a line
 * removed from the end, a truncated, emptied, deleted or renamed file, and lines nobody sealed all show up.
 */

const FILE_NAME = /^audit-(\d{4})-(\d{2})-(\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;
/** Load runs hand the trail this many records at a time (one write per file per batch). */
const BATCH_RECORDS = 512;
/** Pseudonyms remembered per trail (a few MB at most). */
const PSEUDONYM_CACHE = 65_536;

export function auditFileName(time: number): string {
  return `audit-${new Date(time).toISOString().slice(0, 10)}.jsonl`;
}

/** Who runs this: ROAMSIM_AUDIT_USER, else the CI job (CI_JOB_ID, GITHUB_RUN_ID), else the OS user. */
export function auditWho(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROAMSIM_AUDIT_USER) return env.ROAMSIM_AUDIT_USER;
  if (env.CI_JOB_ID) return `ci-job:${env.CI_JOB_ID}`;
  if (env.GITHUB_RUN_ID) return `ci-job:${env.GITHUB_RUN_ID}`;
  try {
    return userInfo().username;
  } catch {
    // Containers often run as a uid with no passwd entry.
    return typeof process.getuid === 'function' ? `uid:${process.getuid()}` : 'unknown';
  }
}

export interface AuditTrailOptions {
  dir: string;
  retentionDays?: number;
  now?: () => number;
  /** How the run drives the network (`simulated`, `live`, `load`, `mocks`). */
  mode: string;
  environment: string;
  pseudonymizer: Pseudonymizer;
  log?: (message: string) => void;
  /** Read for the `who` field; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** ROAMSIM_AUDIT_KEY; undefined or '' gives an unkeyed trail (plain SHA-256), which the run must say. */
  key?: string;
  /** Where records that could not be written are counted. */
  ledger?: WriteLedger;
  /** Batched (load runs): records are written BATCH_RECORDS at a time and at flush(); otherwise one by one. */
  batched?: boolean;
  /**
   * Date lines by `now` instead of the event's own time: for runs on a fixed simulated clock (`roamsim
   * roam` starts at 2026-01-01), whose event times would file the line under a day long past.
   */
  wallClock?: boolean;
}

interface Tail {
  size: number;
  mac: string;
  seq: number;
}

interface FileState {
  readonly file: string;
  readonly lines: number;
  readonly firstMac: string;
  readonly lastMac: string;
}

interface Pending {
  readonly time: number;
  readonly scenario: string | undefined;
  readonly fields: Record<string, unknown>;
}

export class AuditTrail {
  readonly dir: string;
  readonly retentionDays: number;
  readonly who: string;
  readonly mac: AuditMac;
  /** This run's id, in every digest it writes. */
  readonly runId = randomUUID();
  private readonly now: () => number;
  private readonly mode: string;
  private readonly environment: string;
  private readonly pseudonymizer: Pseudonymizer;
  private readonly log: (message: string) => void;
  private readonly ledger?: WriteLedger;
  private readonly batched: boolean;
  private readonly wallClock: boolean;
  private readonly startedAt: number;
  private readonly tails = new Map<string, Tail>();
  private readonly byScenario = new Map<string, string[]>();
  private readonly firstDeadLetterReport = deadLetterDeduper();
  private readonly pseudonyms = new Map<string, string>();
  private pending: Pending[] = [];
  private deleted: Array<{ file: string; lines: number; last_mac: string; age_days: number }> = [];
  private run = { lines: 0, firstMac: '', lastMac: '', notWritten: 0 };

  constructor(options: AuditTrailOptions) {
    this.dir = options.dir;
    this.retentionDays = options.retentionDays ?? 30;
    this.now = options.now ?? Date.now;
    this.mode = options.mode;
    this.environment = options.environment;
    this.pseudonymizer = options.pseudonymizer;
    this.log = options.log ?? (() => undefined);
    this.who = auditWho(options.env);
    this.mac = new AuditMac(options.key);
    this.ledger = options.ledger;
    this.batched = options.batched ?? false;
    this.wallClock = options.wallClock ?? false;
    this.startedAt = this.now();
  }

  /** Records this trail could not write (also counted in the ledger). */
  get notWritten(): number {
    return this.run.notWritten;
  }

  /**
   * Deletes whole audit files (one UTC day each) dated more than retentionDays before today: with 30 days
   * a file 31 days old goes, one 30 or 29 days old stays. Each deletion is logged, audited and listed in a
   * digest written right away, so the verifier can tell retention from a deleted file.
   */
  applyRetention(): string[] {
    return this.locked(() => {
      const now = this.now();
      const today = Math.floor(now / DAY_MS) * DAY_MS;
      const deleted: string[] = [];
      for (const name of readdirSync(this.dir).sort()) {
        const day = fileDay(name);
        if (day === undefined) continue;
        const ageDays = Math.round((today - day) / DAY_MS);
        if (ageDays <= this.retentionDays) continue;
        const file = join(this.dir, name);
        const tail = this.tailOf(file);
        unlinkSync(file);
        this.tails.delete(file);
        deleted.push(name);
        this.deleted.push({ file: name, lines: tail.seq, last_mac: tail.mac, age_days: ageDays });
        this.log(`audit retention: deleted ${file} (${ageDays} days old, keeping ${this.retentionDays})`);
        this.pending.push({
          time: now,
          scenario: undefined,
          fields: {
            event: 'retention-delete',
            who: this.who,
            when: new Date(now).toISOString(),
            mode: this.mode,
            environment: this.environment,
            file: name,
            age_days: ageDays,
            retention_days: this.retentionDays,
          },
        });
      }
      this.writePending();
      if (deleted.length > 0) this.writeDigest('retention');
      return deleted;
    });
  }

  attach(bus: EventBus): () => void {
    return bus.onJourney((event) => {
      this.record(event);
    });
  }

  /**
   * Audits a registration attempt or a detach. Unbatched, the line is in the file when this returns (and is
   * returned); a write that fails throws a WriteFailure naming the file, so the attempt fails.
   */
  record(event: JourneyEvent): string | undefined {
    let outcome: string;
    if (isDeadLettered(event)) {
      if (!this.firstDeadLetterReport(event)) return undefined;
      outcome = 'dead-lettered';
    } else if (event.type === 'registration') {
      outcome = event.outcome === 'accepted' ? 'accepted' : 'rejected';
    } else if (event.type === 'detach') {
      outcome = event.outcome ?? 'ok';
    } else {
      return undefined;
    }
    const at = this.wallClock ? this.now() : event.at;
    return this.audit(at, event.scenario, {
      event: event.type === 'detach' ? 'detach' : 'registration',
      who: this.who,
      when: new Date(at).toISOString(),
      mode: this.mode,
      environment: this.environment,
      scenario: event.scenario ?? null,
      subscriber_id: this.subscriberIdOf(event.subscriber.imsi, event.homePlmn),
      home_plmn: event.homePlmn,
      visited_plmn: event.visitedPlmn ?? null,
      rat: event.rat ?? null,
      outcome,
      error: event.error?.name ?? null,
    });
  }

  /**
   * The keyed pseudonym costs most of an audit line (tens of µs); a journey audits its subscriber two or three
   * times (attach, move, detach), so recent ones are remembered. Bounded: cleared when full.
   */
  private subscriberIdOf(imsi: string, homePlmn: string): string {
    const key = `${imsi}|${homePlmn}`;
    let id = this.pseudonyms.get(key);
    if (id === undefined) {
      if (this.pseudonyms.size >= PSEUDONYM_CACHE) this.pseudonyms.clear();
      id = subscriberId(this.pseudonymizer, imsi, homePlmn);
      this.pseudonyms.set(key, id);
    }
    return id;
  }

  /** An administrative action (the mocks' admin endpoint: fault rules, provisioning), audited like an attempt. */
  action(action: string, detail: Record<string, unknown>, time = this.now()): string | undefined {
    return this.audit(time, undefined, { event: 'admin', who: this.who, when: new Date(time).toISOString(), mode: this.mode, environment: this.environment, action, ...detail });
  }

  /** The audit lines this trail wrote for a scenario, exactly as in the file, for the scenario's report. */
  linesFor(scenario: string): string[] {
    return [...(this.byScenario.get(scenario) ?? [])];
  }

  /** Writes what is batched. A failure is counted (and thrown). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.locked(() => this.writePending());
  }

  /**
   * Ends the run's part of the trail: flushes and appends the run's digest (every audit file's line count,
   * first and last mac; this run's lines and what it could not write; the previous digest's mac). Returns
   * the digest line, or throws a WriteFailure.
   */
  seal(): string {
    return this.locked(() => {
      this.writePending();
      return this.writeDigest('run');
    });
  }

  private audit(time: number, scenario: string | undefined, fields: Record<string, unknown>): string | undefined {
    this.pending.push({ time, scenario, fields });
    if (this.batched && this.pending.length < BATCH_RECORDS) return undefined;
    const lines = this.locked(() => this.writePending());
    return this.batched ? undefined : lines[lines.length - 1];
  }

  private locked<T>(action: () => T): T {
    try {
      return withDirLock(this.dir, action);
    } catch (error) {
      if (error instanceof WriteFailure) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      // The folder or its lock cannot be created (disk full, read-only, permissions).
      const failure = writeFailure(this.dir, 'audit record', error);
      const lost = this.pending.length;
      this.pending = [];
      this.run.notWritten += lost;
      if (lost > 0) this.ledger?.notWritten(failure, lost);
      throw failure;
    }
  }

  /** Seals and appends every pending record, one write per file; holds the lock. Returns the lines. */
  private writePending(): string[] {
    const pending = this.pending;
    this.pending = [];
    const byFile = new Map<string, Pending[]>();
    for (const item of pending) {
      const file = join(this.dir, auditFileName(item.time));
      const list = byFile.get(file) ?? [];
      list.push(item);
      byFile.set(file, list);
    }
    const written: string[] = [];
    let failure: WriteFailure | undefined;
    for (const [file, items] of byFile) {
      if (failure) {
        this.lost(failure, items.length);
        continue;
      }
      const tail = this.tailOf(file);
      let { mac, seq } = tail;
      const lines: string[] = [];
      for (const item of items) {
        const sealed = sealLine(this.mac, { ...item.fields, seq: ++seq }, mac);
        lines.push(sealed.line);
        mac = sealed.mac;
      }
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      try {
        appendWhole(file, bytes, 'audit record');
      } catch (error) {
        failure = writeFailure(file, 'audit record', error);
        this.lost(failure, items.length);
        continue;
      }
      this.tails.set(file, { size: tail.size + bytes.length, mac, seq });
      items.forEach((item, index) => {
        const line = lines[index];
        if (this.run.lines++ === 0) this.run.firstMac = JSON.parse(line).mac as string;
        if (item.scenario !== undefined) {
          const list = this.byScenario.get(item.scenario) ?? [];
          list.push(line);
          this.byScenario.set(item.scenario, list);
        }
        written.push(line);
      });
      this.run.lastMac = mac;
    }
    if (failure) throw failure;
    return written;
  }

  private lost(failure: WriteFailure, records: number): void {
    this.run.notWritten += records;
    this.ledger?.notWritten(failure, records);
  }

  private writeDigest(reason: 'run' | 'retention'): string {
    const file = join(this.dir, DIGEST_FILE);
    const files: Array<{ file: string; lines: number; first_mac: string; last_mac: string }> = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (fileDay(name) === undefined) continue;
      const state = fileState(join(this.dir, name), this.tailOf(join(this.dir, name)));
      if (state.lines > 0) files.push({ file: name, lines: state.lines, first_mac: state.firstMac, last_mac: state.lastMac });
    }
    const previous = lastDigest(file);
    const now = this.now();
    const sealed = sealLine(
      this.mac,
      {
        type: 'digest',
        reason,
        keyed: this.mac.keyed,
        run: this.runId,
        who: this.who,
        mode: this.mode,
        environment: this.environment,
        started: new Date(this.startedAt).toISOString(),
        when: new Date(now).toISOString(),
        run_lines: this.run.lines,
        run_first_mac: this.run.firstMac || null,
        run_last_mac: this.run.lastMac || null,
        not_written: this.run.notWritten,
        files,
        deleted: this.deleted,
        seq: previous ? previous.seq + 1 : 1,
      },
      previous ? previous.mac : this.mac.digestGenesis(),
    );
    try {
      appendWhole(file, `${sealed.line}\n`, 'audit digest');
    } catch (error) {
      const failure = writeFailure(file, 'audit digest', error);
      this.ledger?.notWritten(failure);
      throw failure;
    }
    this.deleted = [];
    return sealed.line;
  }

  /** The mac and seq to chain onto: cached while only this trail appends, re-read when the size says otherwise. */
  private tailOf(file: string): Tail {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return { size: 0, mac: this.mac.genesis(file.slice(file.lastIndexOf('/') + 1)), seq: 0 };
    }
    const cached = this.tails.get(file);
    if (cached && cached.size === size) return cached;
    const tail = readTail(file, this.mac);
    this.tails.set(file, tail);
    return tail;
  }
}

function fileDay(name: string): number | undefined {
  const match = FILE_NAME.exec(name);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  // Rejects 2024-02-31 and friends, which Date.UTC would roll over silently.
  return new Date(time).toISOString().slice(0, 10) === `${match[1]}-${match[2]}-${match[3]}` ? time : undefined;
}

export { fileDay as auditFileDay };

/** The last complete line of a file, read backwards from the end only as far as its start. */
function lastLine(file: string): { size: number; text: string | undefined } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { size, text: undefined };
    let buffer = Buffer.alloc(0);
    let position = size;
    for (;;) {
      const length = Math.min(65_536, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, position);
      buffer = Buffer.concat([chunk, buffer]);
      // A torn last fragment (no newline) is skipped: the next line chains onto the last whole one.
      const end = buffer.lastIndexOf(0x0a);
      if (end >= 0) {
        const start = buffer.lastIndexOf(0x0a, end - 1);
        if (start >= 0 || position === 0) return { size, text: buffer.subarray(start + 1, end).toString('utf8') };
      } else if (position === 0) {
        return { size, text: undefined };
      }
    }
  } finally {
    closeSync(fd);
  }
}

function readTail(file: string, mac: AuditMac): Tail {
  const { size, text } = lastLine(file);
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (text === undefined) return { size, mac: mac.genesis(name), seq: 0 };
  const record = parseQuietly(text);
  return { size, mac: typeof record?.mac === 'string' ? record.mac : mac.mac(text), seq: typeof record?.seq === 'number' ? record.seq : 0 };
}

function fileState(file: string, tail: Tail): FileState {
  let firstMac = '';
  if (tail.seq > 0) {
    const fd = openSync(file, 'r');
    try {
      const chunk = Buffer.alloc(4096);
      const read = readSync(fd, chunk, 0, chunk.length, 0);
      const end = chunk.subarray(0, read).indexOf(0x0a);
      const first = parseQuietly(chunk.subarray(0, end < 0 ? read : end).toString('utf8'));
      firstMac = typeof first?.mac === 'string' ? first.mac : '';
    } finally {
      closeSync(fd);
    }
  }
  return { file, lines: tail.seq, firstMac, lastMac: tail.mac };
}

function lastDigest(file: string): { mac: string; seq: number } | undefined {
  let text: string | undefined;
  try {
    text = lastLine(file).text;
  } catch {
    return undefined;
  }
  const record = text === undefined ? undefined : parseQuietly(text);
  if (!record || typeof record.mac !== 'string') return undefined;
  return { mac: record.mac, seq: typeof record.seq === 'number' ? record.seq : 0 };
}

function parseQuietly(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads every line of an audit file (for tests and tools). */
export function auditLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}
