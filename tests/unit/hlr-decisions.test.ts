import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Agreement } from '../../src/roaming/agreements';
import { type LocationRefusal, decideUpdateLocation, refusalError } from '../../src/roaming/decisions';
import type { Rat } from '../../src/protocol/rat';
import type { HlrRecord } from '../../src/subscribers/store';

const HOME = '234-15';
const VISITED = '262-01';

function record(barred = false): HlrRecord {
  return { identity: { index: 0, imsi: '234159900000001', msisdn: '447700900001', homePlmn: HOME, profile: 'postpaid' }, sqn: 0, barred };
}

function agreement(rats: readonly Rat[]): Agreement {
  return { home: HOME, visited: VISITED, rats, source: 'scenario' };
}

type Input = Parameters<typeof decideUpdateLocation>[0];

function decide(overrides: Partial<Input>) {
  return decideUpdateLocation({
    record: record(),
    homePlmn: HOME,
    visitedPlmn: VISITED,
    rat: 'LTE',
    agreement: agreement(['GSM', 'UMTS', 'LTE']),
    profileAllowsRoaming: true,
    ...overrides,
  });
}

test('a known, unbarred subscriber in a partner network over a covered RAT is accepted', () => {
  assert.deepEqual(decide({}), { ok: true });
  assert.deepEqual(decide({ rat: 'GSM', agreement: agreement(['GSM']) }), { ok: true });
});

test('first check: a subscriber without a record is unknown, even at home and with everything else wrong', () => {
  assert.deepEqual(decide({ record: undefined }), { ok: false, refusal: 'unknownSubscriber' });
  assert.deepEqual(decide({ record: undefined, visitedPlmn: HOME, agreement: undefined }), { ok: false, refusal: 'unknownSubscriber' });
  assert.deepEqual(decide({ record: undefined, agreement: undefined, profileAllowsRoaming: false }), { ok: false, refusal: 'unknownSubscriber' });
});

test('second check: the home network accepts its own subscribers without an agreement or roaming rights', () => {
  assert.deepEqual(decide({ visitedPlmn: HOME, agreement: undefined }), { ok: true });
  assert.deepEqual(decide({ visitedPlmn: HOME, agreement: undefined, record: record(true) }), { ok: true });
  assert.deepEqual(decide({ visitedPlmn: HOME, agreement: undefined, profileAllowsRoaming: false }), { ok: true });
});

test('third check: no agreement comes before the RAT and the barring checks', () => {
  assert.deepEqual(decide({ agreement: undefined }), { ok: false, refusal: 'noAgreement' });
  assert.deepEqual(decide({ agreement: undefined, record: record(true), profileAllowsRoaming: false }), { ok: false, refusal: 'noAgreement' });
});

test('fourth check: an agreement that does not cover the RAT comes before barring', () => {
  assert.deepEqual(decide({ rat: 'LTE', agreement: agreement(['GSM', 'UMTS']) }), { ok: false, refusal: 'ratNotCovered' });
  assert.deepEqual(decide({ rat: 'GSM', agreement: agreement(['LTE']), record: record(true) }), { ok: false, refusal: 'ratNotCovered' });
});

test('last check: a barred subscriber or a non-roaming profile is refused abroad', () => {
  assert.deepEqual(decide({ record: record(true) }), { ok: false, refusal: 'barred' });
  assert.deepEqual(decide({ profileAllowsRoaming: false }), { ok: false, refusal: 'barred' });
});

test('MAP refusals: unknownSubscriber (1) and roamingNotAllowed (8) with the cause of the refusal', () => {
  assert.deepEqual(refusalError('unknownSubscriber', 'MAP'), { kind: 'map', name: 'unknownSubscriber', code: 1 });
  assert.deepEqual(refusalError('noAgreement', 'MAP'), { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'plmnRoamingNotAllowed' });
  assert.deepEqual(refusalError('ratNotCovered', 'MAP'), { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'supportedRAT-TypesNotAllowed' });
  assert.deepEqual(refusalError('barred', 'MAP'), { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'operatorDeterminedBarring' });
});

test('S6a refusals: Experimental-Result-Codes 5001, 5004 and 5421 with Vendor-Id 10415', () => {
  const expected: Record<LocationRefusal, [string, number]> = {
    unknownSubscriber: ['DIAMETER_ERROR_USER_UNKNOWN', 5001],
    noAgreement: ['DIAMETER_ERROR_ROAMING_NOT_ALLOWED', 5004],
    barred: ['DIAMETER_ERROR_ROAMING_NOT_ALLOWED', 5004],
    ratNotCovered: ['DIAMETER_ERROR_RAT_NOT_ALLOWED', 5421],
  };
  for (const [refusal, [name, code]] of Object.entries(expected)) {
    assert.deepEqual(refusalError(refusal as LocationRefusal, 'S6a'), { kind: 'diameter-experimental', name, code, vendorId: 10415 }, refusal);
  }
});
