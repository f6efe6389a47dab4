import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diameterError, localError, mapError } from '../../src/protocol/codes';
import { describeNasRefusal, nasMessages, nasRefusal, parseNasRefusal } from '../../src/protocol/nas';

test('core-network errors map to the EMM cause (TS 29.272 Annex A) and the MM cause (TS 29.010)', () => {
  const lte = (name: string) => describeNasRefusal(nasRefusal(diameterError(name), 'LTE'));
  assert.equal(lte('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'), 'Attach Reject EMM #11 PLMN not allowed');
  assert.equal(lte('DIAMETER_ERROR_RAT_NOT_ALLOWED'), 'Attach Reject EMM #15 no suitable cells in tracking area');
  assert.equal(lte('DIAMETER_ERROR_USER_UNKNOWN'), 'Attach Reject EMM #8 EPS services and non-EPS services not allowed');
  assert.equal(lte('DIAMETER_TOO_BUSY'), 'Attach Reject EMM #17 network failure');
  assert.equal(describeNasRefusal(nasRefusal(mapError('unknownSubscriber'), 'GSM')), 'Location Updating Reject MM #2 IMSI unknown in HLR');
  assert.equal(describeNasRefusal(nasRefusal(mapError('roamingNotAllowed', 'operatorDeterminedBarring'), 'UMTS')), 'Location Updating Reject MM #11 PLMN not allowed');
  assert.equal(describeNasRefusal(nasRefusal(mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'), 'GSM')), 'Location Updating Reject MM #15 no suitable cells in location area');
  assert.equal(describeNasRefusal(nasRefusal(localError('timeout'), 'GSM')), 'Location Updating Reject MM #17 network failure');
  assert.equal(describeNasRefusal(nasRefusal(localError('authenticationFailure', 'RES does not match XRES'), 'GSM')), 'Authentication Reject');
  assert.equal(describeNasRefusal(nasRefusal(localError('authenticationFailure', 'UE reported synchFailure'), 'LTE')), 'Authentication Reject EMM #21 synch failure');
});

test('a written cause: "#13 name", "#13", "13", the name alone; a wrong name or number is not a cause', () => {
  const refusal = { message: 'Attach Reject' as const, cause: { domain: 'EMM' as const, code: 13, name: 'roaming not allowed in this tracking area' } };
  for (const written of ['#13 roaming not allowed in this tracking area', '#13', '13', 'Roaming not allowed in this tracking area']) {
    const matches = parseNasRefusal(written);
    assert.ok(matches, written);
    assert.equal(matches(refusal), true, written);
  }
  assert.equal(parseNasRefusal('#11')?.(refusal), false);
  assert.equal(parseNasRefusal('#13 PLMN not allowed'), undefined);
  assert.equal(parseNasRefusal('#99'), undefined);
  assert.equal(parseNasRefusal('Authentication Reject')?.({ message: 'Authentication Reject' }), true);
});

test('NAS messages as 3GPP names them: EMM on LTE, MM on GSM/UMTS, the challenge answers the request', () => {
  assert.deepEqual(nasMessages('Attach', 'LTE', {}, undefined), { request: 'Attach Request', answer: 'Authentication Request' });
  assert.deepEqual(nasMessages('Authentication', 'LTE', { res: '00' }, undefined), { request: 'Authentication Response', answer: 'Security Mode Command' });
  assert.deepEqual(nasMessages('SecurityModeComplete', 'LTE', {}, undefined), { request: 'Security Mode Complete', answer: 'Attach Accept' });
  assert.deepEqual(nasMessages('SecurityModeComplete', 'LTE', {}, diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED')), {
    request: 'Security Mode Complete',
    answer: 'Attach Reject EMM #11 PLMN not allowed',
  });
  assert.deepEqual(nasMessages('Attach', 'GSM', {}, undefined), { request: 'Location Updating Request', answer: 'Authentication Request' });
  assert.deepEqual(nasMessages('Authentication', 'GSM', { res: '00' }, undefined), { request: 'Authentication Response', answer: 'Ciphering Mode Command' });
  assert.deepEqual(nasMessages('SecurityModeComplete', 'UMTS', {}, undefined), { request: 'Security Mode Complete', answer: 'Location Updating Accept' });
  assert.equal(nasMessages('Authentication', 'UMTS', { failure: 'macFailure' }, localError('authenticationFailure', 'UE reported macFailure')).request, 'Authentication Failure #20');
  // A synch failure the network resynchronised is answered by a new challenge; a second one is rejected with #21.
  assert.deepEqual(nasMessages('Authentication', 'LTE', { failure: 'synchFailure', auts: '00'.repeat(14) }, undefined), { request: 'Authentication Failure #21', answer: 'Authentication Request' });
  assert.deepEqual(nasMessages('Authentication', 'UMTS', { failure: 'synchFailure' }, localError('authenticationFailure', 'UE reported synchFailure')), {
    request: 'Authentication Failure #21',
    answer: 'Authentication Reject MM #21 synch failure',
  });
});
