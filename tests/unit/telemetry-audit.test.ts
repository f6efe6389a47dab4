import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run } from '../../src/cli/audit';
import { mapError } from '../../src/protocol/codes';
import { EventBus, type JourneyEvent } from '../../src/roaming/events';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';
import { AuditTrail, auditFileName, auditWho, verifyAudit } from '../../src/telemetry/audit';
import { AuditMac } from '../../src/telemetry/audit-chain';
import { subscriberId } from '../../src/telemetry/logger';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 2, 31, 9, 30, 0);
const IMSI = '262011234567890';
const pseudonymizer = new Pseudonymizer('audit-test-key');

const root = mkdtempSync(join(tmpdir(), 'roamsim-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `case-${++dirs}`);

function trail(dir: string, overrides: { now?: () => number; log?: (message: string) => void; env?: NodeJS.ProcessEnv } = {}): AuditTrail {
  return new AuditTrail({
    dir,
    now: overrides.now ?? (() => NOW),
    mode: 'simulated',
    environment: 'test',
    pseudonymizer,
    log: overrides.log,
    env: overrides.env ?? { ROAMSIM_AUDIT_USER: 'alice' },
  });
}

function registration(overrides: Partial<JourneyEvent> = {}): JourneyEvent {
  return {
    type: 'registration',
    scenario: 'German subscriber roams in France',
    at: NOW,
    subscriber: { imsi: IMSI, msisdn: '491701234567' },
    homePlmn: '262-01',
    visitedPlmn: '208-01',
    rat: 'LTE',
    outcome: 'accepted',
    ...overrides,
  };
}

const unkeyed = new AuditMac();
const macOf = (line: string) => (JSON.parse(line) as { mac: string }).mac;
const okTrail = (files: number, lines: number, digests: number) => ({ ok: true, files, lines, digests, keyed: false });
function verified(dir: string, key?: string) {
  const result = verifyAudit(dir, key);
  return result.ok ? { ok: true, files: result.files, lines: result.lines, digests: result.digests, keyed: result.keyed } : result;
}
const fileLines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

test('attempts and detaches are chained per UTC day file and verify', () => {
  const dir = freshDir();
  const audit = trail(dir);
  const bus = new EventBus();
  audit.attach(bus);
  bus.emitJourney(registration());
  bus.emitJourney(registration({ outcome: 'rejected', error: mapError('roamingNotAllowed'), visitedPlmn: '214-07', rat: 'GSM' }));
  bus.emitJourney(registration({ type: 'usage', outcome: 'ok' }));
  bus.emitJourney(registration({ type: 'detach', outcome: undefined }));
  // 23:59:59.999 is still the same UTC day, the next millisecond starts a new file.
  bus.emitJourney(registration({ at: Date.UTC(2025, 2, 31, 23, 59, 59, 999), scenario: 'other' }));
  bus.emitJourney(registration({ at: Date.UTC(2025, 3, 1), scenario: 'other' }));
  assert.equal(bus.sinkErrors, 0);

  assert.deepEqual(readdirSync(dir).sort(), ['audit-2025-03-31.jsonl', 'audit-2025-04-01.jsonl']);
  const lines = fileLines(join(dir, 'audit-2025-03-31.jsonl'));
  assert.equal(lines.length, 4);
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(records[0].prev_mac, unkeyed.genesis('audit-2025-03-31.jsonl'));
  for (let i = 1; i < lines.length; i++) assert.equal(records[i].prev_mac, macOf(lines[i - 1]));
  assert.deepEqual(
    { ...records[1], prev_mac: undefined, mac: undefined },
    {
      event: 'registration',
      who: 'alice',
      when: new Date(NOW).toISOString(),
      mode: 'simulated',
      environment: 'test',
      scenario: 'German subscriber roams in France',
      subscriber_id: subscriberId(pseudonymizer, IMSI, '262-01'),
      home_plmn: '262-01',
      visited_plmn: '214-07',
      rat: 'GSM',
      outcome: 'rejected',
      error: 'roamingNotAllowed',
      seq: 2,
      prev_mac: undefined,
      mac: undefined,
    },
  );
  assert.equal(records[2].event, 'detach');
  assert.equal(records[2].outcome, 'ok');
  assert.equal((JSON.parse(fileLines(join(dir, 'audit-2025-04-01.jsonl'))[0]) as { prev_mac: string }).prev_mac, unkeyed.genesis('audit-2025-04-01.jsonl'));
  assert.ok(!readFileSync(join(dir, 'audit-2025-03-31.jsonl'), 'utf8').includes(IMSI));

  // Lines without a digest are not vouched for until the run seals them.
  assert.match(String((verifyAudit(dir) as { reason: string }).reason), /no digest/);
  audit.seal();
  assert.deepEqual(verified(dir), okTrail(2, 5, 1));
  assert.deepEqual(audit.linesFor('other'), [fileLines(join(dir, 'audit-2025-03-31.jsonl'))[3], fileLines(join(dir, 'audit-2025-04-01.jsonl'))[0]]);
  assert.equal(audit.linesFor('German subscriber roams in France').length, 3);
  assert.deepEqual(audit.linesFor('never ran'), []);
});

test('a new trail continues an existing file from its last line', () => {
  const dir = freshDir();
  trail(dir).record(registration());
  const second = trail(dir);
  second.record(registration({ outcome: 'rejected' }));
  second.seal();
  const third = trail(dir);
  third.record(registration({ type: 'detach' }));
  third.record(registration());
  third.seal();
  const lines = fileLines(join(dir, auditFileName(NOW)));
  assert.equal(lines.length, 4);
  assert.equal((JSON.parse(lines[1]) as { prev_mac: string }).prev_mac, macOf(lines[0]));
  assert.equal((JSON.parse(lines[2]) as { prev_mac: string }).prev_mac, macOf(lines[1]));
  assert.deepEqual(lines.map((line) => (JSON.parse(line) as { seq: number }).seq), [1, 2, 3, 4]);
  assert.deepEqual(verified(dir), okTrail(1, 4, 2));
});

test('a dead-lettered attempt is one line, whether reported as dead-letter, registration or both', () => {
  const dir = freshDir();
  const audit = trail(dir);
  assert.ok(audit.record(registration({ type: 'dead-letter', outcome: undefined })));
  assert.equal(audit.record(registration({ outcome: 'dead-lettered' })), undefined);
  assert.ok(audit.record(registration({ outcome: 'dead-lettered', subscriber: { imsi: '262019999999999' } })));
  const records = fileLines(join(dir, auditFileName(NOW))).map((line) => JSON.parse(line) as { outcome: string });
  assert.deepEqual(
    records.map((record) => record.outcome),
    ['dead-lettered', 'dead-lettered'],
  );
});

test('changing one character in a line names that file and line', () => {
  const dir = freshDir();
  const audit = trail(dir);
  for (let i = 0; i < 3; i++) audit.record(registration({ at: NOW + i }));
  audit.seal();
  const file = join(dir, auditFileName(NOW));
  const original = readFileSync(file, 'utf8');

  writeFileSync(file, original.replace('"outcome":"accepted"', '"outcome":"acceptee"'));
  assert.deepEqual(verifyAudit(dir), { ok: false, file, line: 1, reason: 'line does not match its mac (line was changed)' });

  // Even the last line, which no successor covers, is caught.
  const last = original.split('\n');
  last[2] = last[2].replace('"who":"alice"', '"who":"alicf"');
  writeFileSync(file, last.join('\n'));
  const third = verifyAudit(dir);
  assert.deepEqual(third.ok ? undefined : [third.file, third.line], [file, 3]);

  writeFileSync(file, original.slice(0, -1));
  assert.deepEqual(verifyAudit(dir), { ok: false, file, line: 3, reason: 'line has no terminating newline (interrupted write?)' });
  writeFileSync(file, original);
  assert.equal(verifyAudit(dir).ok, true);
});

test('retention deletes the file 31 days back, keeps 30 and 29 days back, and audits the deletion', () => {
  const dir = freshDir();
  for (const daysBack of [29, 30]) trail(dir).record(registration({ at: NOW - daysBack * DAY }));
  const old = auditFileName(NOW - 31 * DAY);
  writeFileSync(join(dir, old), 'anything\n');
  writeFileSync(join(dir, 'notes.txt'), 'not an audit file\n');
  const logged: string[] = [];

  const audit = trail(dir, { log: (message) => logged.push(message) });
  assert.deepEqual(audit.applyRetention(), [old]);

  assert.equal(old, 'audit-2025-02-28.jsonl');
  assert.ok(!existsSync(join(dir, old)));
  assert.ok(existsSync(join(dir, auditFileName(NOW - 30 * DAY))));
  assert.ok(existsSync(join(dir, auditFileName(NOW - 29 * DAY))));
  assert.ok(existsSync(join(dir, 'notes.txt')));
  assert.equal(logged.length, 1);
  assert.match(logged[0], /audit-2025-02-28\.jsonl \(31 days old, keeping 30\)/);
  const current = fileLines(join(dir, auditFileName(NOW))).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(current.length, 1);
  assert.equal(current[0].event, 'retention-delete');
  assert.equal(current[0].file, old);
  assert.equal(current[0].who, 'alice');
  assert.equal(current[0].when, new Date(NOW).toISOString());
  assert.deepEqual(audit.applyRetention(), []);
  // The deletion is in the digest retention wrote: the trail verifies without the deleted day.
  assert.deepEqual(verified(dir), okTrail(3, 3, 1));
});

test('who: the audit user, else the CI job, else the OS user', () => {
  assert.equal(auditWho({ ROAMSIM_AUDIT_USER: 'bob', CI_JOB_ID: '77' }), 'bob');
  assert.equal(auditWho({ CI_JOB_ID: '77', GITHUB_RUN_ID: '88' }), 'ci-job:77');
  assert.equal(auditWho({ GITHUB_RUN_ID: '88' }), 'ci-job:88');
  assert.ok(auditWho({}).length > 0);
});

test('roamsim audit verify: exit codes and messages', async () => {
  const dir = freshDir();
  const audit = trail(dir);
  audit.record(registration());
  audit.record(registration({ at: NOW + DAY }));
  const digest = JSON.parse(audit.seal()) as { mac: string };

  let c = capture();
  assert.equal(await run(['verify', '--dir', dir], c.io, undefined, {}), 0);
  assert.deepEqual(c.out, ['audit ok: 2 files, 2 lines, 1 digests, UNKEYED: a rewrite by someone with write access would not be detected', `last digest ${digest.mac} (keep it elsewhere to detect a rollback of the whole trail)`]);
  c = capture();
  assert.equal(await run(['verify', `--dir=${dir}`], c.io, undefined, {}), 0);

  const file = join(dir, auditFileName(NOW + DAY));
  writeFileSync(file, readFileSync(file, 'utf8').replace('"rat":"LTE"', '"rat":"GSM"'));
  c = capture();
  assert.equal(await run(['verify', '--dir', dir], c.io, undefined, {}), 1);
  assert.deepEqual(c.err, [`audit broken: ${file} line 1: line does not match its mac (line was changed)`]);

  c = capture();
  assert.equal(await run(['--help'], c.io), 0);
  assert.match(c.out.join('\n'), /usage: roamsim audit verify \[--dir DIR\]/);
  c = capture();
  assert.equal(await run(['verify', '--help'], c.io), 0);

  c = capture();
  assert.equal(await run(['verify', '--dir'], c.io), 2);
  assert.match(c.err[0], /--dir needs a directory/);
  c = capture();
  assert.equal(await run(['verify', '--dri', dir], c.io), 2);
  assert.match(c.err[0], /unknown option "--dri"/);
  c = capture();
  assert.equal(await run(['verify', '--dir', join(dir, 'missing')], c.io), 2);
  assert.match(c.err[0], /--dir: .*missing is not a directory/);
  c = capture();
  assert.equal(await run([], c.io), 2);
  assert.match(c.err[0], /missing command/);
  c = capture();
  assert.equal(await run(['check'], c.io), 2);
  assert.match(c.err[0], /unknown command "check"/);
});
