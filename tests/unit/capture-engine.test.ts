import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MockNetwork } from '../../mocks/network';
import { CaptureRecorder } from '../../src/capture/hook';
import { loadConfig } from '../../src/config/load';
import { encodeTbcd } from '../../src/protocol/tbcd';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';
import { runPseudonymizer } from '../../src/subscribers/run-pseudonymizer';

// Journeys driven through the real engine and mocks, captured, then read back by Wireshark's own dissectors.
const TSHARK = '/usr/bin/tshark';
const config = loadConfig({ announce: () => undefined });

function journey(name: string, scrub: boolean, drive: (engine: RoamingEngine, network: MockNetwork, imsi: string) => Promise<void>) {
  const bus = new EventBus();
  const clock = new SimulatedClock(Date.UTC(2026, 10, 26, 12));
  const network = new MockNetwork({ config, seed: 11, clock, bus, scenario: name });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const identity = network.generator('234-15').identity(42);
  network.store.add(identity);
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-capture-'));
  const recorder = new CaptureRecorder({ dir, scrub, pseudonymizer: runPseudonymizer(config), warn: (m) => assert.fail(m) });
  recorder.start(bus, 'engine', name);
  return drive(engine, network, identity.imsi).then(() => ({ ...recorder.finish(), identity }));
}

function tshark(file: string, filter: string, fields: string[]): string[][] {
  const run = spawnSync(TSHARK, ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

function clean(file: string): void {
  assert.deepEqual(tshark(file, '_ws.expert || _ws.malformed', ['frame.number']), [], `${file} has expert or malformed frames`);
}

const skip = existsSync(TSHARK) ? false : 'tshark is not installed (make test installs it: scripts/setup-system.sh)';

test('GSM registration shows SAI, UpdateLocation, InsertSubscriberData inside the dialogue, then the UL result', { skip }, async () => {
  const result = await journey('gsm', true, async (engine, _n, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  });
  const file = result.path as string;
  clean(file);
  const ops = tshark(file, 'gsm_old.invoke_element', ['gsm_old.localValue']).map((row) => row[0]);
  assert.deepEqual(ops, ['56', '2', '7']);
  const ulBegin = tshark(file, 'tcap.begin_element && gsm_old.localValue == 2', ['tcap.otid'])[0][0];
  const isd = tshark(file, 'tcap.continue_element && gsm_old.localValue == 7 && gsm_old.invoke_element', ['tcap.dtid'])[0][0];
  assert.equal(isd, ulBegin, 'ISD travels in the UpdateLocation dialogue');
  assert.equal(tshark(file, 'tcap.end_element && gsm_old.returnResultLast_element && gsm_old.localValue == 2', ['frame.number']).length, 1);
  assert.equal(tshark(file, 'sccp.called.ssn == 6', ['frame.number']).length >= 2, true);
});

test('LTE registration shows AIR/AIA and ULR/ULA with the visited PLMN bytes', { skip }, async () => {
  const result = await journey('lte', true, async (engine, _n, imsi) => {
    assert.equal((await engine.attach(imsi, '310-260', 'LTE')).outcome, 'accepted');
  });
  const file = result.path as string;
  clean(file);
  assert.deepEqual(tshark(file, 'diameter', ['diameter.cmd.code', 'diameter.flags.request']).map((r) => r.join('/')), ['318/1', '318/0', '316/1', '316/0']);
  assert.deepEqual(tshark(file, 'diameter.cmd.code == 316 && diameter.flags.request == 1', ['diameter.Visited-PLMN-Id']), [['130062']]);
  assert.deepEqual(tshark(file, 'diameter.cmd.code == 316 && diameter.flags.request == 0', ['diameter.Result-Code']), [['2001']]);
});

test('a move cancels the old node in its own domain: CLR 317 to the old MME, MAP cancelLocation to the old VLR', { skip }, async () => {
  const result = await journey('moves', true, async (engine, _n, imsi) => {
    await engine.attach(imsi, '262-01', 'LTE');
    await engine.move(imsi, '208-01', 'LTE');
    await engine.move(imsi, '262-01', 'UMTS');
    await engine.move(imsi, '208-01', 'GSM');
  });
  const file = result.path as string;
  clean(file);
  const clrTo = tshark(file, 'diameter.cmd.code == 317 && diameter.flags.request == 1', ['diameter.Destination-Host']);
  // LTE → LTE cancels the old MME; the UMTS and GSM registrations leave the MME in 208-01 alone (CS and EPS apart).
  assert.deepEqual(clrTo, [['mme.epc.mnc001.mcc262.3gppnetwork.org']]);
  assert.equal(tshark(file, 'gsm_old.invoke_element && gsm_old.localValue == 3', ['frame.number']).length, 1);
});

test('rejections carry their codes: roamingNotAllowed (8) on MAP, 5004 with vendor 10415 on S6a', { skip }, async () => {
  const result = await journey('rejections', true, async (engine, network, imsi) => {
    network.agreements.remove('234-15', '262-01');
    assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'rejected');
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'rejected');
  });
  const file = result.path as string;
  clean(file);
  assert.deepEqual(tshark(file, 'gsm_old.returnError_element', ['gsm_old.localValue', 'gsm_map.er.roamingNotAllowedCause']), [['8', '0']]);
  assert.deepEqual(tshark(file, 'diameter.Experimental-Result-Code', ['diameter.Experimental-Result-Code', 'diameter.Vendor-Id']).map((r) => r[0]), ['5004']);
  assert.ok(tshark(file, 'diameter.Experimental-Result-Code == 5004 && diameter.Vendor-Id == 10415', ['frame.number']).length === 1);
});

test('detach purges: PUR 321 on LTE and purgeMS (67) on GSM', { skip }, async () => {
  const result = await journey('detach', true, async (engine, _n, imsi) => {
    await engine.attach(imsi, '262-01', 'LTE');
    await engine.detach(imsi);
    await engine.attach(imsi, '262-01', 'GSM');
    await engine.detach(imsi);
  });
  const file = result.path as string;
  clean(file);
  assert.equal(tshark(file, 'diameter.cmd.code == 321 && diameter.flags.request == 1', ['frame.number']).length, 1);
  assert.equal(tshark(file, 'gsm_old.invoke_element && gsm_old.localValue == 67', ['frame.number']).length, 1);
});

test('scrubbed by default: none of the raw IMSI or MSISDN bytes, vectors zeroed; raw only when asked', async () => {
  const drive = async (engine: RoamingEngine, _n: MockNetwork, imsi: string) => {
    await engine.attach(imsi, '262-01', 'GSM');
    await engine.move(imsi, '208-01', 'LTE');
  };
  const scrubbed = await journey('scrub', true, drive);
  const raw = await journey('scrub', false, drive);
  const forms = (digits: string) => [Buffer.from(digits, 'ascii'), encodeTbcd(digits), encodeTbcd(digits.slice(2))];
  const { imsi, msisdn } = scrubbed.identity;
  const scrubbedBytes = readFileSync(scrubbed.path as string);
  const rawBytes = readFileSync(raw.path as string);
  for (const form of [...forms(imsi), ...forms(msisdn)]) {
    assert.equal(scrubbedBytes.includes(form), false, `scrubbed capture contains ${form.toString('hex')}`);
  }
  assert.ok(rawBytes.includes(Buffer.from(imsi, 'ascii')), 'the raw capture carries the IMSI (local debugging)');
  assert.ok(rawBytes.includes(encodeTbcd(imsi)), 'the raw capture carries the TBCD IMSI');
  if (!skip) {
    const rands = tshark(scrubbed.path as string, 'diameter.RAND || gsm_map.ms.rand', ['diameter.RAND', 'gsm_map.ms.rand']).flat().filter(Boolean);
    assert.ok(rands.length > 0);
    for (const rand of rands) assert.match(rand, /^(00:?)+$|^0+$/);
  }
});
