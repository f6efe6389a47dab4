import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { subscriberId } from './logger';
import { deadLetterDeduper, isDeadLettered } from './metrics';

/*
 * Audit file format: one JSON object per line, `\n`-terminated, in audit-YYYY-MM-DD.jsonl (UTC day of the
 * event). Each line ends with two fields:
 *   prev_sha256  SHA-256 (hex) of the previous line's bytes in the same file, without its newline; the
 *                first line of a file carries 64 zeros. The chain is per file on purpose: retention deletes
 *                whole old files and must not break the chain of the ones that stay.
 *   sha256       SHA-256 of the line itself up to that field (the JSON text before `,"sha256":...` plus
 *                the closing brace), so an edited line is named directly, including the last line, which
 *                no successor protects.
 */

export const GENESIS_SHA256 = '0'.repeat(64);
const FILE_NAME = /^audit-(\d{4})-(\d{2})-(\d{2})\.jsonl$/;
const SEALED_LINE = /^(\{.*),"sha256":"([0-9a-f]{64})"\}$/;
const DAY_MS = 86_400_000;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

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
  /** How the run drives the network (`simulated`, `live`, `load`). */
  mode: string;
  environment: string;
  pseudonymizer: Pseudonymizer;
  log?: (message: string) => void;
  /** Read for the `who` field; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

interface Tail {
  size: number;
  sha256: string;
  /** False when the file ends in a partial line, which the next write must not extend. */
  terminated: boolean;
}

export class AuditTrail {
  readonly dir: string;
  readonly retentionDays: number;
  readonly who: string;
  private readonly now: () => number;
  private readonly mode: string;
  private readonly environment: string;
  private readonly pseudonymizer: Pseudonymizer;
  private readonly log: (message: string) => void;
  private readonly tails = new Map<string, Tail>();
  private readonly byScenario = new Map<string, string[]>();
  private readonly firstDeadLetterReport = deadLetterDeduper();

  constructor(options: AuditTrailOptions) {
    this.dir = options.dir;
    this.retentionDays = options.retentionDays ?? 30;
    this.now = options.now ?? Date.now;
    this.mode = options.mode;
    this.environment = options.environment;
    this.pseudonymizer = options.pseudonymizer;
    this.log = options.log ?? (() => undefined);
    this.who = auditWho(options.env);
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Deletes audit files whose name dates them more than retentionDays before today (UTC, from `now`): with
   * 30 days a file 31 days old goes, one 30 or 29 days old stays. Each deletion is logged and audited.
   */
  applyRetention(): string[] {
    const now = this.now();
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const deleted: string[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      const day = fileDay(name);
      if (day === undefined) continue;
      const ageDays = Math.round((today - day) / DAY_MS);
      if (ageDays <= this.retentionDays) continue;
      unlinkSync(join(this.dir, name));
      this.tails.delete(join(this.dir, name));
      deleted.push(name);
      this.log(`audit retention: deleted ${join(this.dir, name)} (${ageDays} days old, keeping ${this.retentionDays})`);
      this.append(now, undefined, {
        event: 'retention-delete',
        who: this.who,
        when: new Date(now).toISOString(),
        mode: this.mode,
        environment: this.environment,
        file: name,
        age_days: ageDays,
        retention_days: this.retentionDays,
      });
    }
    return deleted;
  }

  attach(bus: EventBus): () => void {
    return bus.onJourney((event) => {
      this.record(event);
    });
  }

  /** Writes the audit line for a registration attempt or a detach; returns it, or undefined if not audited. */
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
    return this.append(event.at, event.scenario, {
      event: event.type === 'detach' ? 'detach' : 'registration',
      who: this.who,
      when: new Date(event.at).toISOString(),
      mode: this.mode,
      environment: this.environment,
      scenario: event.scenario ?? null,
      subscriber_id: subscriberId(this.pseudonymizer, event.subscriber.imsi, event.homePlmn),
      home_plmn: event.homePlmn,
      visited_plmn: event.visitedPlmn ?? null,
      rat: event.rat ?? null,
      outcome,
      error: event.error?.name ?? null,
    });
  }

  /** The audit lines this trail wrote for a scenario, exactly as in the file, for the scenario's report. */
  linesFor(scenario: string): string[] {
    return [...(this.byScenario.get(scenario) ?? [])];
  }

  private append(time: number, scenario: string | undefined, fields: Record<string, unknown>): string {
    const file = join(this.dir, auditFileName(time));
    const tail = this.tailOf(file);
    const body = JSON.stringify({ ...fields, prev_sha256: tail.sha256 });
    const line = `${body.slice(0, -1)},"sha256":"${sha256(body)}"}`;
    const bytes = Buffer.from(`${tail.terminated ? '' : '\n'}${line}\n`);
    appendFileSync(file, bytes);
    this.tails.set(file, { size: tail.size + bytes.length, sha256: sha256(line), terminated: true });
    if (scenario !== undefined) {
      const lines = this.byScenario.get(scenario) ?? [];
      lines.push(line);
      this.byScenario.set(scenario, lines);
    }
    return line;
  }

  /** The hash to chain onto: cached while only this trail appends, re-read when the size says otherwise. */
  private tailOf(file: string): Tail {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return { size: 0, sha256: GENESIS_SHA256, terminated: true };
    }
    const cached = this.tails.get(file);
    if (cached && cached.size === size) return cached;
    const tail = readTail(file);
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

/** Reads backwards from the end only as far as the start of the last line. */
function readTail(file: string): Tail {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { size, sha256: GENESIS_SHA256, terminated: true };
    const lastByte = Buffer.alloc(1);
    readSync(fd, lastByte, 0, 1, size - 1);
    const terminated = lastByte[0] === 0x0a;
    let buffer = Buffer.alloc(0);
    let position = size;
    for (;;) {
      const length = Math.min(65_536, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, position);
      buffer = Buffer.concat([chunk, buffer]);
      // The newline that ends the last line is not the one that starts it.
      const searchFrom = terminated ? buffer.length - 2 : buffer.length - 1;
      const newline = searchFrom >= 0 ? buffer.lastIndexOf(0x0a, searchFrom) : -1;
      if (newline >= 0 || position === 0) {
        const line = buffer.subarray(newline + 1, terminated ? buffer.length - 1 : buffer.length);
        return { size, sha256: sha256(line), terminated };
      }
    }
  } finally {
    closeSync(fd);
  }
}

export type AuditVerification = { ok: true; files: number; lines: number } | { ok: false; file: string; line: number; reason: string };

/** Checks every audit-*.jsonl in `dir`: each line's own sha256 and its prev_sha256 link (per file). */
export function verifyAudit(dir: string): AuditVerification {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, file: dir, line: 0, reason: 'no such directory' };
  const names = readdirSync(dir)
    .filter((name) => FILE_NAME.test(name))
    .sort();
  let lines = 0;
  for (const name of names) {
    const file = join(dir, name);
    const data = readFileSync(file);
    let expectedPrev = GENESIS_SHA256;
    let offset = 0;
    for (let number = 1; offset < data.length; number++) {
      const end = data.indexOf(0x0a, offset);
      if (end < 0) return { ok: false, file, line: number, reason: 'line has no terminating newline (interrupted write?)' };
      const raw = data.subarray(offset, end);
      offset = end + 1;
      const problem = checkLine(raw.toString('utf8'), expectedPrev, number);
      if (problem) return { ok: false, file, line: number, reason: problem };
      expectedPrev = sha256(raw);
      lines++;
    }
  }
  return { ok: true, files: names.length, lines };
}

function checkLine(text: string, expectedPrev: string, number: number): string | undefined {
  if (text.length === 0) return 'empty line';
  const sealed = SEALED_LINE.exec(text);
  if (!sealed) return 'no sha256 field at the end of the line';
  if (sha256(`${sealed[1]}}`) !== sealed[2]) return 'line content does not match its sha256 (line was changed)';
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const prev = (record as { prev_sha256?: unknown }).prev_sha256;
  if (prev !== expectedPrev) {
    return number === 1 ? `prev_sha256 of a file's first line must be ${GENESIS_SHA256}` : `prev_sha256 does not match line ${number - 1}`;
  }
  return undefined;
}
