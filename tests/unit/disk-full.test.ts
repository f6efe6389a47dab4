import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

/*
 * A full disk under logs/: a feature run must end non-zero, name the file and count what it could not write,
 * leave no torn line, and end at all (no retry loop, no drain that never comes). Each test mounts its own
 * 64 KiB tmpfs (root only) and unmounts it whatever happens.
 */

const root = resolve(__dirname, '..', '..');
const cucumberBin = join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
const work = mkdtempSync(join(tmpdir(), 'roamsim-disk-full-'));
const mounted: string[] = [];
after(() => {
  for (const dir of mounted.splice(0)) unmount(dir);
  rmSync(work, { recursive: true, force: true });
});

/** Why tmpfs tests cannot run here, or undefined when they can. */
function cannotMount(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to mount a tmpfs (run the unit tests as root, e.g. in the CI container)';
  const probe = join(work, 'probe');
  mkdirSync(probe, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n')[0]})`;
  }
  unmount(probe);
  return undefined;
}

function mountTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
  mounted.push(dir);
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Already unmounted.
  }
  const index = mounted.indexOf(dir);
  if (index >= 0) mounted.splice(index, 1);
}

/** Fills the filesystem of `dir` until only `leaveBytes` (rounded to pages) remain. */
function fill(dir: string, leaveBytes: number): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const page = Buffer.alloc(4096, 0x61);
  let total = 0;
  try {
    for (;;) {
      writeSync(fd, page);
      total += page.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  if (leaveBytes > 0) execFileSync('truncate', ['-s', String(Math.max(0, total - leaveBytes)), join(dir, 'filler')]);
}

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the features; a run that has not ended after `limitMs` is killed (and the test fails). */
function runFeatures(features: string[], env: NodeJS.ProcessEnv, limitMs = 180_000): Promise<ChildRun & { killed: boolean }> {
  const child = spawn(process.execPath, [cucumberBin, '--profile', 'test', ...features], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, killed });
    });
  });
}

function describe(run: ChildRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`;
}

function assertNoTornLine(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl') && !name.endsWith('.log')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    if (text === '') continue;
    assert.ok(text.endsWith('\n'), `${name} ends in a torn line: ${JSON.stringify(text.slice(-80))}`);
    for (const line of text.slice(0, -1).split('\n')) assert.doesNotThrow(() => JSON.parse(line), `${name}: not a whole JSON line: ${line.slice(0, 120)}`);
  }
}

const skip = cannotMount();
const FEATURES = ['features/registration', 'features/mobility', 'features/resilience'];

test('audit disk full: the run fails, names the audit file and counts the records not written; no torn line', { skip }, async () => {
  const logDir = join(work, 'audit-full', 'logs');
  const auditDir = join(logDir, 'audit');
  try {
    mountTmpfs(auditDir);
    fill(auditDir, 4096);
    const env = { ...process.env, ROAMSIM_LOG_DIR: logDir, ROAMSIM_REPORTS_DIR: join(work, 'audit-full', 'reports'), ROAMSIM_MODE: 'direct' };
    const run = await runFeatures(FEATURES, env);
    assert.equal(run.killed, false, `the run did not end: ${describe(run)}`);
    assert.notEqual(run.code, 0, describe(run));
    const summary = /NOT WRITTEN: (\d+) audit records? to (\S+) \(ENOSPC/.exec(run.stderr);
    assert.ok(summary, `no summary line naming the audit file: ${describe(run)}`);
    assert.ok(Number(summary[1]) > 0);
    assert.ok(summary[2].startsWith(`${auditDir}/audit-`), summary[2]);
    assertNoTornLine(auditDir);
  } finally {
    unmount(auditDir);
  }
});

test('logs/ full: the run ends by itself, non-zero, naming the log file; no torn line', { skip }, async () => {
  const logDir = join(work, 'logs-full', 'logs');
  try {
    mountTmpfs(logDir);
    fill(logDir, 0);
    const env = { ...process.env, ROAMSIM_LOG_DIR: logDir, ROAMSIM_REPORTS_DIR: join(work, 'logs-full', 'reports'), ROAMSIM_MODE: 'direct' };
    const run = await runFeatures(FEATURES, env);
    assert.equal(run.killed, false, `the run did not end: ${describe(run)}`);
    assert.notEqual(run.code, 0, describe(run));
    assert.match(run.stderr, new RegExp(`NOT WRITTEN: .*to ${logDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+ \\(ENOSPC`), describe(run));
    assertNoTornLine(logDir);
    assertNoTornLine(join(logDir, 'audit'));
  } finally {
    unmount(logDir);
  }
});

test('billing disk full: the scenarios fail and the run counts the billing records not written; no torn line', { skip }, async () => {
  const logDir = join(work, 'billing-full', 'logs');
  const billingDir = join(logDir, 'billing');
  try {
    mountTmpfs(billingDir);
    fill(billingDir, 4096);
    const env = { ...process.env, ROAMSIM_LOG_DIR: logDir, ROAMSIM_REPORTS_DIR: join(work, 'billing-full', 'reports'), ROAMSIM_MODE: 'direct' };
    const run = await runFeatures(['features/billing'], env);
    assert.equal(run.killed, false, `the run did not end: ${describe(run)}`);
    assert.notEqual(run.code, 0, describe(run));
    const summary = /NOT WRITTEN: .*?(\d+) billing records? to (\S+) \(ENOSPC/.exec(run.stderr);
    assert.ok(summary, `no summary line naming the billing file: ${describe(run)}`);
    assert.ok(summary[2].startsWith(`${billingDir}/triggers-`), summary[2]);
    assertNoTornLine(billingDir);
  } finally {
    unmount(billingDir);
  }
});
