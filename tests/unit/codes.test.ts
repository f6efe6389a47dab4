import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors';
import { type ProtocolError, describeError, diameterError, errorMatches, inProtocol, isTransient, localError, mapError, parseErrorName } from '../../src/protocol/codes';

test('parseErrorName reads MAP error names with their TS 29.002 codes', () => {
  assert.deepEqual(parseErrorName('unknownSubscriber'), { kind: 'map', name: 'unknownSubscriber', code: 1 });
  assert.deepEqual(parseErrorName('systemFailure'), { kind: 'map', name: 'systemFailure', code: 34 });
  // roamingNotAllowed as written by a person means the plain PLMN refusal.
  assert.deepEqual(parseErrorName('roamingNotAllowed'), { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'plmnRoamingNotAllowed' });
  assert.deepEqual(parseErrorName('  roamingNotAllowed '), parseErrorName('roamingNotAllowed'));
});

test('parseErrorName reads 3GPP Experimental-Result names with Vendor-Id 10415', () => {
  assert.deepEqual(parseErrorName('DIAMETER_ERROR_USER_UNKNOWN'), { kind: 'diameter-experimental', name: 'DIAMETER_ERROR_USER_UNKNOWN', code: 5001, vendorId: 10415 });
  assert.deepEqual(parseErrorName('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'), { kind: 'diameter-experimental', name: 'DIAMETER_ERROR_ROAMING_NOT_ALLOWED', code: 5004, vendorId: 10415 });
  assert.deepEqual(parseErrorName('DIAMETER_ERROR_RAT_NOT_ALLOWED'), { kind: 'diameter-experimental', name: 'DIAMETER_ERROR_RAT_NOT_ALLOWED', code: 5421, vendorId: 10415 });
});

test('parseErrorName reads base Result-Code names (RFC 6733)', () => {
  assert.deepEqual(parseErrorName('DIAMETER_TOO_BUSY'), { kind: 'diameter-result', name: 'DIAMETER_TOO_BUSY', code: 3004 });
  assert.deepEqual(parseErrorName('DIAMETER_UNABLE_TO_COMPLY'), { kind: 'diameter-result', name: 'DIAMETER_UNABLE_TO_COMPLY', code: 5012 });
});

test('a bare number is the Experimental-Result-Code when one has that value, else the base Result-Code', () => {
  assert.deepEqual(parseErrorName('5004'), parseErrorName('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'));
  // 5001 is also the base DIAMETER_AVP_UNSUPPORTED: the S6a reading wins.
  assert.deepEqual(parseErrorName('5001'), parseErrorName('DIAMETER_ERROR_USER_UNKNOWN'));
  assert.deepEqual(parseErrorName('5421'), parseErrorName('DIAMETER_ERROR_RAT_NOT_ALLOWED'));
  assert.deepEqual(parseErrorName('3004'), { kind: 'diameter-result', name: 'DIAMETER_TOO_BUSY', code: 3004 });
  assert.deepEqual(parseErrorName('4181'), { kind: 'diameter-experimental', name: 'DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE', code: 4181, vendorId: 10415 });
});

test('parseErrorName reads the local causes authenticationFailure and timeout', () => {
  assert.deepEqual(parseErrorName('authenticationFailure'), { kind: 'local', name: 'authenticationFailure' });
  assert.deepEqual(parseErrorName('timeout'), { kind: 'local', name: 'timeout' });
});

test('parseErrorName refuses unknown names and numbers, listing what it accepts', () => {
  for (const text of ['roamingNotAlowed', 'DIAMETER_ERROR_NOT_A_CODE', '9999', '50040', 'transportError', '']) {
    assert.throws(
      () => parseErrorName(text, 'error name in the step'),
      (error: unknown) => {
        assert.ok(error instanceof InputError, `"${text}" gives an InputError`);
        assert.equal(error.source, 'error name in the step');
        assert.match(error.message, new RegExp(`^error name in the step: ${JSON.stringify(text)} is not valid: expected `));
        assert.match(error.message, /a MAP error name \(e\.g\. roamingNotAllowed, unknownSubscriber, systemFailure\)/);
        assert.match(error.message, /a Diameter name \(e\.g\. DIAMETER_ERROR_ROAMING_NOT_ALLOWED/);
        assert.match(error.message, /a Diameter code \(e\.g\. 5004\)/);
        assert.match(error.message, /authenticationFailure or timeout$/);
        return true;
      },
    );
  }
});

test('isTransient: only failures that may differ on a retry', () => {
  const transient: ProtocolError[] = [
    mapError('systemFailure'),
    mapError('resourceLimitation'),
    diameterError('DIAMETER_UNABLE_TO_DELIVER'),
    diameterError('DIAMETER_TOO_BUSY'),
    diameterError('DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE'),
    localError('timeout'),
    localError('transportError', 'connection reset'),
  ];
  const permanent: ProtocolError[] = [
    mapError('unknownSubscriber'),
    mapError('roamingNotAllowed', 'plmnRoamingNotAllowed'),
    mapError('dataMissing'),
    diameterError('DIAMETER_UNABLE_TO_COMPLY'),
    diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'),
    diameterError('DIAMETER_ERROR_USER_UNKNOWN'),
    diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED'),
    localError('authenticationFailure'),
  ];
  for (const error of transient) assert.equal(isTransient(error), true, describeError(error));
  for (const error of permanent) assert.equal(isTransient(error), false, describeError(error));
});

test('inProtocol to S6a: MAP errors take their Diameter meaning', () => {
  assert.deepEqual(inProtocol(mapError('unknownSubscriber'), 'S6a'), diameterError('DIAMETER_ERROR_USER_UNKNOWN'));
  assert.deepEqual(inProtocol(mapError('roamingNotAllowed', 'plmnRoamingNotAllowed'), 'S6a'), diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'));
  assert.deepEqual(inProtocol(mapError('roamingNotAllowed', 'operatorDeterminedBarring'), 'S6a'), diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'));
  assert.deepEqual(inProtocol(mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'), 'S6a'), diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED'));
  assert.deepEqual(inProtocol(mapError('systemFailure'), 'S6a'), diameterError('DIAMETER_TOO_BUSY'));
  assert.deepEqual(inProtocol(mapError('resourceLimitation'), 'S6a'), diameterError('DIAMETER_TOO_BUSY'));
  assert.deepEqual(inProtocol(mapError('dataMissing'), 'S6a'), diameterError('DIAMETER_UNABLE_TO_COMPLY'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED'), 'S6a'), diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED'));
});

test('inProtocol to MAP: Diameter errors take their MAP meaning', () => {
  assert.deepEqual(inProtocol(diameterError('DIAMETER_ERROR_USER_UNKNOWN'), 'MAP'), mapError('unknownSubscriber'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'), 'MAP'), mapError('roamingNotAllowed', 'plmnRoamingNotAllowed'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED'), 'MAP'), mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_TOO_BUSY'), 'MAP'), mapError('systemFailure'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE'), 'MAP'), mapError('systemFailure'));
  // The base codes that share a value with 5001/5004 are not subscriber refusals.
  assert.deepEqual(inProtocol(diameterError('DIAMETER_AVP_UNSUPPORTED'), 'MAP'), mapError('unexpectedDataValue'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_INVALID_AVP_VALUE'), 'MAP'), mapError('unexpectedDataValue'));
  assert.deepEqual(inProtocol(diameterError('DIAMETER_UNABLE_TO_COMPLY'), 'MAP'), mapError('systemFailure'));
  assert.deepEqual(inProtocol(mapError('unknownSubscriber'), 'MAP'), mapError('unknownSubscriber'));
});

test('inProtocol leaves local failures alone in both directions', () => {
  const failure = localError('authenticationFailure', 'RES does not match XRES');
  assert.deepEqual(inProtocol(failure, 'S6a'), failure);
  assert.deepEqual(inProtocol(failure, 'MAP'), failure);
});

test('errorMatches compares by code, so a name and its number are the same error', () => {
  assert.equal(errorMatches(diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED'), parseErrorName('5004')), true);
  assert.equal(errorMatches(mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'), parseErrorName('roamingNotAllowed')), true);
  assert.equal(errorMatches(diameterError('DIAMETER_INVALID_AVP_VALUE'), parseErrorName('5004')), false);
  assert.equal(errorMatches(localError('authenticationFailure', 'UE reported macFailure'), parseErrorName('authenticationFailure')), true);
  assert.equal(errorMatches(localError('timeout'), parseErrorName('authenticationFailure')), false);
});

test('describeError names the protocol, the code and the cause', () => {
  assert.equal(describeError(mapError('roamingNotAllowed', 'operatorDeterminedBarring')), 'MAP roamingNotAllowed (8) cause operatorDeterminedBarring');
  assert.equal(describeError(diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED')), 'Diameter Experimental-Result-Code 5421 DIAMETER_ERROR_RAT_NOT_ALLOWED (vendor 10415)');
  assert.equal(describeError(diameterError('DIAMETER_TOO_BUSY')), 'Diameter Result-Code 3004 DIAMETER_TOO_BUSY');
  assert.equal(describeError(localError('timeout', 'no answer within 2000 ms')), 'timeout (no answer within 2000 ms)');
});
