import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BillingEmulator, type BillingTrigger } from '../../src/billing/emulator';
import {
  TRIGGER_COLUMNS,
  appendTriggerLines,
  csvField,
  streamTriggerLog,
  triggerLogPath,
  triggerReportPath,
  triggersToCsv,
  writeTriggerReport,
} from '../../src/billing/output';
import { parseTariffsConfig } from '../../src/billing/tariffs';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';

const root = mkdtempSync(join(tmpdir(), 'billing-output-'));
after(() => rmSync(root, { recursive: true, force: true }));

const sms: BillingTrigger = {
  type: 'sms',
  scenario: 'Roaming in "Zurich", day 1\nsecond line',
  timestamp: '2025-06-01T09:00:00.000Z',
  subscriberId: '262010000000001',
  homePlmn: '262-01',
  visitedPlmn: '228-01',
  homeTadig: 'DEUD1',
  visitedTadig: 'CHEC1',
  service: 'sms',
  quantity: 2,
  unit: 'message',
  charge: 'EUR 0.04',
  wholesale: 'EUR 0.04',
  currency: 'EUR',
  agreement: 'DEUD1,CHEC1',
};

describe('billing output', () => {
  it('quotes CSV fields as RFC 4180 says', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(2), '2');
  });

  it('writes a header and one CRLF record per trigger', () => {
    const csv = triggersToCsv([sms, { ...sms, scenario: undefined, type: 'registration', service: undefined, quantity: undefined, unit: undefined, charge: 'EUR 0.00', agreement: 'A' }]);
    const header = TRIGGER_COLUMNS.join(',');
    assert.ok(csv.startsWith(`${header}\r\n`));
    assert.ok(csv.endsWith('\r\n'));
    assert.ok(csv.includes('sms,"Roaming in ""Zurich"", day 1\nsecond line",2025-06-01T09:00:00.000Z,262010000000001,'));
    assert.ok(csv.includes(',2,message,EUR 0.04,EUR 0.04,EUR,"DEUD1,CHEC1",,,\r\n'));
    assert.ok(csv.includes('\r\nregistration,,2025-06-01T09:00:00.000Z,262010000000001,262-01,228-01,DEUD1,CHEC1,,,,EUR 0.00,EUR 0.04,EUR,A,,,\r\n'));
  });

  it('writes the report under the given directory, replacing it', () => {
    const dir = join(root, 'reports', 'billing');
    const path = writeTriggerReport([sms], 'run-7', dir);
    assert.equal(path, join(dir, 'triggers-run-7.csv'));
    writeTriggerReport([sms, sms], 'run-7', dir);
    assert.equal(readFileSync(path, 'utf8'), triggersToCsv([sms, sms]));
    assert.equal(triggerReportPath('run-7'), join('reports', 'billing', 'triggers-run-7.csv'));
  });

  it('appends one JSON line per trigger', () => {
    const dir = join(root, 'logs', 'billing');
    const path = appendTriggerLines([sms], 'run-7', dir);
    appendTriggerLines([sms, sms], 'run-7', dir);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[2]), { runId: 'run-7', ...sms });
    assert.equal(triggerLogPath('run-7'), join('logs', 'billing', 'triggers-run-7.jsonl'));
  });

  it('refuses a run id that could leave the directory', () => {
    assert.throws(() => triggerLogPath('../etc'), /run id: "..\/etc" is not valid/);
    assert.throws(() => writeTriggerReport([], 'a/b', root), /run id: "a\/b" is not valid/);
  });

  it('streams the emulator triggers as they happen', () => {
    const dir = join(root, 'stream');
    const emulator = new BillingEmulator({
      tariffsFor: () => ({ agreementId: 'DEUD1-CHEC1', tariffs: parseTariffsConfig({ data: 'EUR 0.0125' }, 't') }),
      tadigOf: (plmn) => (plmn === '262-01' ? 'DEUD1' : 'CHEC1'),
      pseudonymizer: new Pseudonymizer('k'),
      runId: 'run-8',
    });
    const stop = streamTriggerLog(emulator, dir);
    const base = { at: Date.UTC(2025, 0, 1), subscriber: { imsi: '262011234567890' }, homePlmn: '262-01' } as const;
    emulator.handle({ ...base, type: 'registration', outcome: 'accepted', visitedPlmn: '228-01' });
    emulator.handle({ ...base, type: 'usage', detail: { service: 'data', quantity: 2 } });
    stop();
    emulator.handle({ ...base, type: 'detach' });
    const lines = readFileSync(join(dir, 'triggers-run-8.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((l) => [l.type, l.charge]), [['registration', 'EUR 0.00'], ['data', 'EUR 0.03']]);
    assert.ok(!readFileSync(join(dir, 'triggers-run-8.jsonl'), 'utf8').includes('1234567890'));
  });
});
