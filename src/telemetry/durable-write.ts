import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * Compliance and result files (audit trail, dead-letter log, billing records, logs, reports) are appended a
 * whole record at a time: one write() of the full bytes. A short write (the disk filled mid-line) is
 * completed or rolled back by truncating the file to where it was, so no reader ever sees a torn line; the
 * caller gets a WriteFailure naming the file and the OS error and counts the record as not written.
 */

/** A record that did not reach its file: the file, the OS error code and its text. */
export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    readonly reason: string,
    readonly what: string,
  ) {
    super(`cannot write ${what} to ${file}: ${code} (${reason})`);
    this.name = 'WriteFailure';
  }
}

function osError(error: unknown): { code: string; reason: string } {
  const failure = error as NodeJS.ErrnoException;
  const code = failure.code ?? 'EIO';
  // Node's message repeats the code and the path: keep the OS's own words.
  const reason = (failure.message ?? String(error)).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return { code, reason };
}

/** Wraps an fs error thrown for `file` into a WriteFailure. */
export function writeFailure(file: string, what: string, error: unknown): WriteFailure {
  if (error instanceof WriteFailure) return error;
  const { code, reason } = osError(error);
  return new WriteFailure(file, code, reason, what);
}

/**
 * Appends `bytes` to the open descriptor as one write. A short write is completed once; if that fails the
 * file is truncated back to its size before the call (only when nobody else appended meanwhile), and the
 * error is thrown as a WriteFailure.
 */
export function appendWholeFd(fd: number, file: string, bytes: Buffer, what: string): void {
  let before = -1;
  let written = 0;
  try {
    before = fstatSync(fd).size;
    written = writeSync(fd, bytes, 0, bytes.length);
    // The kernel wrote part of it (disk full, quota): the second write names the error, or finishes.
    if (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    if (written < bytes.length) throw Object.assign(new Error(`short write: ${written} of ${bytes.length} bytes`), { code: 'ENOSPC' });
  } catch (error) {
    if (written > 0 && before >= 0) rollBack(fd, before, written);
    throw writeFailure(file, what, error);
  }
}

function rollBack(fd: number, before: number, written: number): void {
  try {
    if (fstatSync(fd).size === before + written) ftruncateSync(fd, before);
  } catch {
    // Truncation only fails on a file we can no longer touch at all; the verifier names the torn line.
  }
}

/** Opens (creating its folder), appends `data` whole, closes. */
export function appendWhole(file: string, data: string | Buffer, what: string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, 'a');
  } catch (error) {
    throw writeFailure(file, what, error);
  }
  try {
    appendWholeFd(fd, file, bytes, what);
  } finally {
    closeSync(fd);
  }
}

/** Counts what a run could not write, per kind of record and file, for its closing summary line. */
export class WriteLedger {
  private readonly lost = new Map<string, { what: string; file: string; count: number; code: string; reason: string }>();
  private readonly listeners: Array<(failure: WriteFailure) => void> = [];

  /** Called once per failure: the run's fail-fast watchdog and its report hook here. */
  onFailure(listener: (failure: WriteFailure) => void): void {
    this.listeners.push(listener);
  }

  notWritten(failure: WriteFailure, records = 1): void {
    const key = `${failure.what}|${failure.file}`;
    const entry = this.lost.get(key) ?? { what: failure.what, file: failure.file, count: 0, code: failure.code, reason: failure.reason };
    entry.count += records;
    this.lost.set(key, entry);
    for (const listener of this.listeners) listener(failure);
  }

  get failed(): boolean {
    return this.lost.size > 0;
  }

  /** Records not written, in total. */
  get count(): number {
    let total = 0;
    for (const entry of this.lost.values()) total += entry.count;
    return total;
  }

  private reported = false;

  /** The summary the first time it is asked for with something to say (the fail-fast path and the exit hook share it). */
  takeSummary(): string | undefined {
    if (this.reported || !this.failed) return undefined;
    this.reported = true;
    return this.summary();
  }

  /** `NOT WRITTEN: 70 audit records to logs/audit/… (ENOSPC: no space left on device); …`, or undefined. */
  summary(): string | undefined {
    if (!this.failed) return undefined;
    const parts = [...this.lost.values()].map((entry) => `${entry.count} ${entry.what}${entry.count === 1 ? '' : 's'} to ${entry.file} (${entry.code}: ${entry.reason})`);
    return `NOT WRITTEN: ${parts.join('; ')}`;
  }
}

/** How long a process that can no longer write its logs or reports may take to end, at most. */
export const FAIL_FAST_MS = 5_000;

/**
 * Ends the process once a compliance or result file could not be written: after FAIL_FAST_MS (time for
 * the run to report the failing attempt) it prints the ledger's summary and exits 1, whatever is still
 * pending (a drain that never comes, a retry loop elsewhere). The timer does not keep a finished process
 * alive. Returns the disarm function.
 */
export function failFast(ledger: WriteLedger, print: (line: string) => void, exit: (code: number) => void = (code) => process.exit(code), graceMs = FAIL_FAST_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  ledger.onFailure(() => {
    if (timer) return;
    timer = setTimeout(() => {
      print(`roamsim: ${ledger.takeSummary() ?? ledger.summary() ?? 'a record could not be written'}; ending the run`);
      exit(1);
    }, graceMs);
    timer.unref();
  });
  return () => {
    if (timer) clearTimeout(timer);
  };
}
