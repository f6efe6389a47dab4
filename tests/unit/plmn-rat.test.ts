import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors';
import { encodePlmnId, formatPlmn, parsePlmn, plmnDomain, samePlmn } from '../../src/protocol/plmn';
import { parseRat, parseRats, protocolOf } from '../../src/protocol/rat';

test('parsePlmn reads MCC-MNC with a 2- or 3-digit MNC and keeps leading zeros', () => {
  assert.deepEqual(parsePlmn('262-01'), { mcc: '262', mnc: '01' });
  assert.deepEqual(parsePlmn('310-260'), { mcc: '310', mnc: '260' });
  assert.deepEqual(parsePlmn('001-001'), { mcc: '001', mnc: '001' });
  assert.deepEqual(parsePlmn('  234-15 '), { mcc: '234', mnc: '15' });
});

test('parsePlmn refuses text that is not MCC-MNC, naming the value, its source and the expected form', () => {
  for (const text of ['26201', '262-1', '2620-01', '262-0001', '26-201', 'abc-de', '262_01', '']) {
    assert.throws(
      () => parsePlmn(text, 'PLMN in the step'),
      (error: unknown) =>
        error instanceof InputError &&
        error.value === text &&
        error.message.startsWith(`PLMN in the step: ${JSON.stringify(text)} is not valid: expected a PLMN as MCC-MNC`) &&
        error.message.includes('"262-01" or "310-260"'),
      `"${text}" should be refused`,
    );
  }
});

test('formatPlmn gives back the text parsePlmn read, and samePlmn compares both parts', () => {
  assert.equal(formatPlmn(parsePlmn('310-260')), '310-260');
  assert.equal(formatPlmn({ mcc: '262', mnc: '01' }), '262-01');
  assert.equal(samePlmn(parsePlmn('262-01'), { mcc: '262', mnc: '01' }), true);
  assert.equal(samePlmn(parsePlmn('262-01'), parsePlmn('262-001')), false);
});

test('encodePlmnId packs the TS 24.008 §10.5.1.3 three octets (filler F for a 2-digit MNC)', () => {
  // Byte values from /work/shared/reference/protocol-facts.md §2.6, as decoded by tshark.
  assert.equal(encodePlmnId(parsePlmn('001-01')).toString('hex'), '00f110');
  assert.equal(encodePlmnId(parsePlmn('310-260')).toString('hex'), '130062');
  assert.equal(encodePlmnId(parsePlmn('208-34')).toString('hex'), '02f843');
  assert.equal(encodePlmnId(parsePlmn('123-45')).toString('hex'), '21f354');
  assert.equal(encodePlmnId(parsePlmn('262-01')).toString('hex'), '62f210');
});

test('encodePlmnId tells a 2-digit MNC from the same digits as a 3-digit MNC', () => {
  assert.notEqual(encodePlmnId(parsePlmn('262-01')).toString('hex'), encodePlmnId(parsePlmn('262-001')).toString('hex'));
  assert.equal(encodePlmnId(parsePlmn('262-001')).toString('hex'), '621200');
});

test('plmnDomain pads the MNC to three digits (TS 23.003 §19.2)', () => {
  assert.equal(plmnDomain(parsePlmn('262-01')), 'mnc001.mcc262.3gppnetwork.org');
  assert.equal(plmnDomain(parsePlmn('310-260')), 'mnc260.mcc310.3gppnetwork.org');
});

test('parseRat accepts GSM, UMTS and LTE in any letter case', () => {
  assert.equal(parseRat('GSM'), 'GSM');
  assert.equal(parseRat('umts'), 'UMTS');
  assert.equal(parseRat(' Lte '), 'LTE');
});

test('parseRat refuses other technologies, listing the accepted ones', () => {
  assert.throws(() => parseRat('5G', 'RAT in the step'), {
    name: 'InputError',
    message: 'RAT in the step: "5G" is not valid: expected one of GSM, UMTS, LTE',
  });
  assert.throws(() => parseRat('NR'), /"NR" is not valid: expected one of GSM, UMTS, LTE/);
});

test('parseRats splits on ", " and " and ", alone or mixed', () => {
  assert.deepEqual(parseRats('GSM, UMTS and LTE'), ['GSM', 'UMTS', 'LTE']);
  assert.deepEqual(parseRats('GSM and LTE'), ['GSM', 'LTE']);
  assert.deepEqual(parseRats('UMTS, LTE'), ['UMTS', 'LTE']);
  assert.deepEqual(parseRats('GSM,UMTS'), ['GSM', 'UMTS']);
  assert.deepEqual(parseRats('LTE'), ['LTE']);
});

test('parseRats refuses an unknown item and an empty list, naming the source', () => {
  assert.throws(() => parseRats('GSM, 5G and LTE', 'RAT list in the step'), {
    message: 'RAT list in the step: "5G" is not valid: expected one of GSM, UMTS, LTE',
  });
  assert.throws(() => parseRats('', 'RAT list in the step'), {
    message: 'RAT list in the step: "" is not valid: expected one or more of GSM, UMTS, LTE joined by ", " or " and "',
  });
});

test('protocolOf: GSM and UMTS speak MAP, LTE speaks S6a', () => {
  assert.equal(protocolOf('GSM'), 'MAP');
  assert.equal(protocolOf('UMTS'), 'MAP');
  assert.equal(protocolOf('LTE'), 'S6a');
});
