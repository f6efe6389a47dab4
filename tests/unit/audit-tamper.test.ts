import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { JourneyEvent } from '../../src/roaming/events';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';
import { AuditTrail, auditFileName, verifyAudit } from '../../src/telemetry/audit';
import { AuditMac, DIGEST_FILE, sealLine } from '../../src/telemetry/audit-chain';

/*
 * One keyed trail (three days, three runs, one retention), then one tampering per case on a copy of it:
 * `roamsim audit verify` must refuse every one, naming the file and why.
 */

const KEY = 'audit-key-for-tests-0123456789abcdef';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 10, 12, 0, 0);
const root = mkdtempSync(join(tmpdir(), 'roamsim-tamper-'));
after(() => rmSync(root, { recursive: true, force: true }));
const pristine = join(root, 'pristine');
const [DAY1, DAY2, DAY3] = [NOW - 2 * DAY, NOW - DAY, NOW].map(auditFileName);

function trail(now: number, key = KEY): AuditTrail {
  return new AuditTrail({ dir: pristine, now: () => now, mode: 'simulated', environment: 'test', pseudonymizer: new Pseudonymizer('tamper'), env: { ROAMSIM_AUDIT_USER: 'auditor' }, key, retentionDays: 30 });
}

function event(at: number, index: number): JourneyEvent {
  return { type: 'registration', scenario: `s${index}`, at, subscriber: { imsi: `26201000000${String(index).padStart(4, '0')}` }, homePlmn: '262-01', visitedPlmn: '208-01', rat: 'LTE', outcome: index % 3 === 0 ? 'rejected' : 'accepted' };
}

// Three runs; the first also leaves a day old enough for retention to delete in the third.
{
  const old = trail(NOW - 40 * DAY);
  old.record(event(NOW - 40 * DAY, 0));
  old.seal();
  const first = trail(NOW - 2 * DAY);
  for (let i = 1; i <= 4; i++) first.record(event(NOW - 2 * DAY + i, i));
  first.seal();
  const second = trail(NOW - DAY);
  for (let i = 5; i <= 9; i++) second.record(event(NOW - DAY + i, i));
  second.seal();
  const third = trail(NOW);
  third.applyRetention();
  for (let i = 10; i <= 14; i++) third.record(event(NOW + i, i));
  third.seal();
}

let copies = 0;
function copy(): string {
  const dir = join(root, `case-${++copies}`);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const write = (file: string, lines: string[]) => writeFileSync(file, lines.map((line) => `${line}\n`).join(''));

/** An accepted attempt turned into a rejected one (the line must be one that was accepted). */
function flip(line: string): string {
  const changed = line.replace('"outcome":"rejected"', '"outcome":"accepted"');
  assert.notEqual(changed, line, 'the tampering changes nothing');
  return changed;
}

/** What a forger without the key can do: rebuild a file's chain from line `from` on under `mac`. */
function reseal(lines: string[], name: string, mac: AuditMac, from = 0): string[] {
  const out = lines.slice(0, from);
  let prev = from === 0 ? mac.genesis(name) : (JSON.parse(out[from - 1]) as { mac: string }).mac;
  for (const line of lines.slice(from)) {
    const { prev_mac: _p, mac: _m, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const sealed = sealLine(mac, fields, prev);
    out.push(sealed.line);
    prev = sealed.mac;
  }
  return out;
}

test('the untouched trail verifies with its key, and only with it', () => {
  const result = verifyAudit(pristine, KEY);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.deepEqual(result.ok && [result.files, result.lines, result.digests, result.keyed], [3, 15, 5, true]);
  assert.deepEqual(readdirSync(pristine).filter((name) => name.endsWith('.jsonl')).sort(), [DAY1, DAY2, DAY3, DIGEST_FILE].sort());
  const noKey = verifyAudit(pristine);
  assert.equal(noKey.ok, false);
  assert.match(noKey.ok ? '' : noKey.reason, /the trail is keyed: set ROAMSIM_AUDIT_KEY/);
  const wrongKey = verifyAudit(pristine, `${KEY}x`);
  assert.match(wrongKey.ok ? '' : wrongKey.reason, /digest: line does not match its mac under ROAMSIM_AUDIT_KEY/);
});

const CASES: Array<{ name: string; tamper: (dir: string) => void; file?: string; reason: RegExp }> = [
  { name: 'deleting the last line of a file', file: DAY3, reason: /has 5 lines, digest \d recorded 6/, tamper: (dir) => write(join(dir, DAY3), linesOf(join(dir, DAY3)).slice(0, -1)) },
  { name: 'deleting the last lines of an older file', file: DAY1, reason: /has 2 lines, digest \d recorded 4/, tamper: (dir) => write(join(dir, DAY1), linesOf(join(dir, DAY1)).slice(0, 2)) },
  { name: 'truncating at a line boundary in the middle', file: DAY2, reason: /has 3 lines, digest \d recorded 5/, tamper: (dir) => write(join(dir, DAY2), linesOf(join(dir, DAY2)).slice(0, 3)) },
  { name: 'truncating in the middle of a line', file: DAY2, reason: /no terminating newline/, tamper: (dir) => writeFileSync(join(dir, DAY2), readFileSync(join(dir, DAY2)).subarray(0, 700)) },
  { name: 'emptying a file', file: DAY1, reason: /has 0 lines, digest \d recorded 4/, tamper: (dir) => writeFileSync(join(dir, DAY1), '') },
  { name: 'deleting a file', file: DAY2, reason: /missing: digest \d recorded 5 lines in it/, tamper: (dir) => unlinkSync(join(dir, DAY2)) },
  { name: 'renaming a file to another day', file: auditFileName(NOW - 5 * DAY), reason: /first line does not start this file's chain/, tamper: (dir) => renameSync(join(dir, DAY1), join(dir, auditFileName(NOW - 5 * DAY))) },
  { name: 'renaming a file out of the trail', file: DAY1, reason: /missing/, tamper: (dir) => renameSync(join(dir, DAY1), join(dir, 'kept-elsewhere.bak')) },
  { name: 'renaming a file to a name that is no day', file: 'audit-2026-02-30.jsonl', reason: /not an audit file name/, tamper: (dir) => renameSync(join(dir, DAY1), join(dir, 'audit-2026-02-30.jsonl')) },
  { name: 'back-dating a file (its content under an earlier day)', file: DAY1, reason: /first line does not start this file's chain/, tamper: (dir) => writeFileSync(join(dir, DAY1), readFileSync(join(dir, DAY2))) },
  { name: 'back-dating a line (its time moved a day back)', file: DAY3, reason: /line does not match its mac/, tamper: (dir) => { const lines = linesOf(join(dir, DAY3)); lines[3] = lines[3].replace(new Date(NOW).toISOString().slice(0, 10), new Date(NOW - DAY).toISOString().slice(0, 10)); write(join(dir, DAY3), lines); } },
  { name: 'editing a line', file: DAY2, reason: /line does not match its mac under ROAMSIM_AUDIT_KEY/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); lines[1] = flip(lines[1]); write(join(dir, DAY2), lines); } },
  { name: 'editing a line and recomputing every later hash (SHA-256, no key)', file: DAY2, reason: /line does not match its mac under ROAMSIM_AUDIT_KEY/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); lines[1] = flip(lines[1]); write(join(dir, DAY2), reseal(lines, DAY2, new AuditMac(), 1)); } },
  { name: 'editing a line and recomputing every later hash under a guessed key', file: DAY2, reason: /line does not match its mac under ROAMSIM_AUDIT_KEY/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); lines[1] = flip(lines[1]); write(join(dir, DAY2), reseal(lines, DAY2, new AuditMac('roamsim-default-admin-token'), 1)); } },
  { name: 'deleting a line in the middle', file: DAY2, reason: /prev_mac does not match line 2/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); lines.splice(2, 1); write(join(dir, DAY2), lines); } },
  { name: 'swapping two lines', file: DAY2, reason: /prev_mac does not match line 1/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); [lines[1], lines[2]] = [lines[2], lines[1]]; write(join(dir, DAY2), lines); } },
  { name: 'replaying (duplicating) a line', file: DAY2, reason: /prev_mac does not match line 3/, tamper: (dir) => { const lines = linesOf(join(dir, DAY2)); lines.splice(3, 0, lines[2]); write(join(dir, DAY2), lines); } },
  { name: 'inserting a line taken from another day', file: DAY3, reason: /prev_mac does not match line 2/, tamper: (dir) => { const lines = linesOf(join(dir, DAY3)); lines.splice(2, 0, linesOf(join(dir, DAY1))[1]); write(join(dir, DAY3), lines); } },
  { name: 'appending a forged line after the last digest', file: DAY3, reason: /line does not match its mac under ROAMSIM_AUDIT_KEY/, tamper: (dir) => { const lines = linesOf(join(dir, DAY3)); write(join(dir, DAY3), [...lines, sealLine(new AuditMac(), { event: 'registration', when: new Date(NOW).toISOString(), seq: lines.length + 1 }, (JSON.parse(lines[lines.length - 1]) as { mac: string }).mac).line]); } },
  { name: 'deleting the digest file', file: DIGEST_FILE, reason: /no digest: nothing shows the trail is complete/, tamper: (dir) => unlinkSync(join(dir, DIGEST_FILE)) },
  { name: 'emptying the digest file', file: DIGEST_FILE, reason: /no digest/, tamper: (dir) => writeFileSync(join(dir, DIGEST_FILE), '') },
  { name: 'deleting the last digest', file: DAY3, reason: /lines 2-6 are covered by no digest/, tamper: (dir) => write(join(dir, DIGEST_FILE), linesOf(join(dir, DIGEST_FILE)).slice(0, -1)) },
  { name: 'deleting a digest in the middle of the chain', file: DIGEST_FILE, reason: /prev_mac does not match digest 2/, tamper: (dir) => { const lines = linesOf(join(dir, DIGEST_FILE)); lines.splice(2, 1); write(join(dir, DIGEST_FILE), lines); } },
  { name: 'deleting the first digest', file: DIGEST_FILE, reason: /first digest does not start the chain/, tamper: (dir) => write(join(dir, DIGEST_FILE), linesOf(join(dir, DIGEST_FILE)).slice(1)) },
  { name: 'editing a digest (a smaller line count)', file: DIGEST_FILE, reason: /digest: line does not match its mac/, tamper: (dir) => { const lines = linesOf(join(dir, DIGEST_FILE)); lines[4] = lines[4].replace('"lines":6', '"lines":5'); write(join(dir, DIGEST_FILE), lines); } },
  { name: 'truncating a file and re-sealing the digests without the key', file: DIGEST_FILE, reason: /digest was written without ROAMSIM_AUDIT_KEY/, tamper: (dir) => { write(join(dir, DAY3), linesOf(join(dir, DAY3)).slice(0, 4)); const digests = linesOf(join(dir, DIGEST_FILE)).map((line) => line.replace('"keyed":true', '"keyed":false').replace(/"lines":6/, '"lines":4')); const mac = new AuditMac(); let prev = mac.digestGenesis(); write(join(dir, DIGEST_FILE), digests.map((line) => { const { prev_mac: _p, mac: _m, ...fields } = JSON.parse(line) as Record<string, unknown>; const sealed = sealLine(mac, fields, prev); prev = sealed.mac; return sealed.line; })); } },
  { name: 'rewriting the whole trail without the key', file: DIGEST_FILE, reason: /written without ROAMSIM_AUDIT_KEY|the trail may have been rewritten/, tamper: (dir) => { rmSync(dir, { recursive: true }); const forger = new AuditTrail({ dir, now: () => NOW, mode: 'simulated', environment: 'test', pseudonymizer: new Pseudonymizer('x'), env: { ROAMSIM_AUDIT_USER: 'auditor' } }); forger.record(event(NOW, 1)); forger.seal(); } },
  { name: 'deleting the whole trail', file: '', reason: /no audit trail here/, tamper: (dir) => { for (const name of readdirSync(dir)) unlinkSync(join(dir, name)); } },
  { name: 'restoring a day retention deleted, without its digest', file: auditFileName(NOW - 40 * DAY), reason: /first line does not start this file's chain|covered by no digest/, tamper: (dir) => writeFileSync(join(dir, auditFileName(NOW - 40 * DAY)), readFileSync(join(dir, DAY1))) },
];

for (const { name, tamper, file, reason } of CASES) {
  test(`verify detects ${name}`, () => {
    const dir = copy();
    tamper(dir);
    const result = verifyAudit(dir, KEY);
    assert.equal(result.ok, false, `${name}: still verifies`);
    if (result.ok) return;
    assert.match(result.reason, reason, `${name}: ${result.file} line ${result.line}: ${result.reason}`);
    if (file !== undefined) assert.equal(result.file, file === '' ? dir : join(dir, file), `${name}: ${result.reason}`);
  });
}

test('retention deletes whole days and the next digest records it', () => {
  const digests = linesOf(join(pristine, DIGEST_FILE)).map((line) => JSON.parse(line) as { reason: string; deleted: Array<{ file: string; lines: number }> });
  const retention = digests.find((digest) => digest.reason === 'retention');
  assert.deepEqual(retention?.deleted.map((entry) => [entry.file, entry.lines]), [[auditFileName(NOW - 40 * DAY), 1]]);
  assert.ok(!readdirSync(pristine).includes(auditFileName(NOW - 40 * DAY)));
});
