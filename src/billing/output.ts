import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { appendWhole, writeFailure } from '../telemetry/durable-write';
import type { BillingEmulator, BillingTrigger } from './emulator';

export const DEFAULT_TRIGGER_LOG_DIR = join('logs', 'billing');
export const DEFAULT_TRIGGER_REPORT_DIR = join('reports', 'billing');

/** CSV column order; also the JSON field names. */
export const TRIGGER_COLUMNS = [
  'type',
  'scenario',
  'timestamp',
  'subscriberId',
  'homePlmn',
  'visitedPlmn',
  'homeTadig',
  'visitedTadig',
  'service',
  'quantity',
  'unit',
  'charge',
  'wholesale',
  'currency',
  'agreement',
  'zone',
] as const satisfies readonly (keyof BillingTrigger)[];

/** The run id becomes part of a file name, so it must not be able to point anywhere else. */
function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new InputError(runId, 'run id', 'letters, digits, ".", "_" or "-", starting with a letter or digit');
  return runId;
}

export function triggerLogPath(runId: string, dir: string = DEFAULT_TRIGGER_LOG_DIR): string {
  return join(dir, `triggers-${checkRunId(runId)}.jsonl`);
}

export function triggerReportPath(runId: string, dir: string = DEFAULT_TRIGGER_REPORT_DIR): string {
  return join(dir, `triggers-${checkRunId(runId)}.csv`);
}

/** Appends one JSON line per trigger to `<dir>/triggers-<runId>.jsonl`; returns the file's path. */
export function appendTriggerLines(triggers: readonly BillingTrigger[], runId: string, dir: string = DEFAULT_TRIGGER_LOG_DIR): string {
  const path = triggerLogPath(runId, dir);
  // One append of whole lines: a full disk loses the batch (WriteFailure naming the file), never half a line.
  if (triggers.length > 0) appendWhole(path, triggers.map((t) => `${JSON.stringify({ runId, ...t })}\n`).join(''), 'billing record');
  return path;
}

/** Streams the emulator's triggers to its JSONL log as they are emitted; returns the unsubscribe. */
export function streamTriggerLog(emulator: BillingEmulator, dir: string = DEFAULT_TRIGGER_LOG_DIR): () => void {
  triggerLogPath(emulator.runId, dir);
  return emulator.onTrigger((trigger) => appendTriggerLines([trigger], emulator.runId, dir));
}

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, with quotes doubled. */
export function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header plus one record per trigger, CRLF line ends as RFC 4180 has them. */
export function triggersToCsv(triggers: readonly BillingTrigger[]): string {
  const lines = [TRIGGER_COLUMNS.join(',')];
  for (const trigger of triggers) lines.push(TRIGGER_COLUMNS.map((column) => csvField(trigger[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Writes (replaces) `<dir>/triggers-<runId>.csv`; returns the file's path. */
export function writeTriggerReport(triggers: readonly BillingTrigger[], runId: string, dir: string = DEFAULT_TRIGGER_REPORT_DIR): string {
  const path = triggerReportPath(runId, dir);
  const partial = `${path}.partial`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(partial, triggersToCsv(triggers));
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw writeFailure(path, 'billing report', error);
  }
  return path;
}
