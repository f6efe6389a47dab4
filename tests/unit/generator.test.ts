import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors';
import { computeOpc } from '../../src/protocol/milenage';
import { parsePlmn } from '../../src/protocol/plmn';
import { SubscriberGenerator, checkRanges, syntheticRanges } from '../../src/subscribers/generator';

const OP = Buffer.from('cdc202d5123e20f62b6d676ac72cb318', 'hex');
const SECRET = 'unit-test-secret';
const UK = parsePlmn('234-15');
const UK_RANGES = {
  imsiRange: { from: '9900000000', to: '9909999999' },
  msisdnRange: { from: '447700900000', to: '447700999999' },
};

function ukGenerator(seed = 20261126, secret = SECRET): SubscriberGenerator {
  return new SubscriberGenerator(UK, UK_RANGES, seed, secret, OP);
}

test('the same seed gives the same identities', () => {
  const a = ukGenerator(7);
  const b = ukGenerator(7);
  for (const index of [0, 1, 2, 500, 9_999]) assert.deepEqual(a.identity(index), b.identity(index));
});

test('a different seed gives different identities', () => {
  const a = ukGenerator(7);
  const b = ukGenerator(8);
  const differing = [0, 1, 2, 3, 4].filter((index) => a.identity(index).imsi !== b.identity(index).imsi);
  assert.equal(differing.length, 5);
  assert.notEqual(a.identity(0).msisdn, b.identity(0).msisdn);
});

test('identities never repeat across 10,000 indexes', () => {
  const generator = ukGenerator();
  const imsis = new Set<string>();
  const msisdns = new Set<string>();
  for (let index = 0; index < 10_000; index++) {
    const identity = generator.identity(index);
    imsis.add(identity.imsi);
    msisdns.add(identity.msisdn);
  }
  assert.equal(imsis.size, 10_000);
  assert.equal(msisdns.size, 10_000);
});

test('a small range is a permutation: every MSISDN of the range is used exactly once', () => {
  const generator = new SubscriberGenerator(UK, { imsiRange: UK_RANGES.imsiRange, msisdnRange: { from: '447700900000', to: '447700900999' } }, 1, SECRET, OP);
  assert.equal(generator.capacity, 1000);
  const msisdns = new Set(Array.from({ length: 1000 }, (_, index) => generator.identity(index).msisdn));
  assert.equal(msisdns.size, 1000);
  assert.ok(msisdns.has('447700900000') && msisdns.has('447700900999'));
});

test('IMSI = MCC + MNC + MSIN from the configured range, 15 digits; MSISDN from its range', () => {
  const generator = ukGenerator();
  for (const index of [0, 1, 42, 9_999]) {
    const { imsi, msisdn, homePlmn, index: returned } = generator.identity(index);
    assert.match(imsi, /^\d{15}$/);
    assert.equal(imsi.slice(0, 5), '23415');
    const msin = BigInt(imsi.slice(5));
    assert.ok(msin >= 9900000000n && msin <= 9909999999n, `MSIN ${imsi.slice(5)} within the configured range`);
    assert.match(msisdn, /^\d{12}$/);
    assert.ok(BigInt(msisdn) >= 447700900000n && BigInt(msisdn) <= 447700999999n, `MSISDN ${msisdn} within the configured range`);
    assert.equal(homePlmn, '234-15');
    assert.equal(returned, index);
  }
});

test('a 3-digit MNC leaves a 9-digit MSIN for a 15-digit IMSI', () => {
  const generator = new SubscriberGenerator(parsePlmn('310-260'), { imsiRange: { from: '990000000', to: '999999999' }, msisdnRange: { from: '12025550100', to: '12025550199' } }, 1, SECRET, OP);
  const { imsi, msisdn } = generator.identity(3);
  assert.match(imsi, /^31026099\d{7}$/);
  assert.match(msisdn, /^120255501\d\d$/);
  assert.equal(generator.capacity, 100);
});

test('an index outside the ranges is refused with the capacity in the message', () => {
  const generator = new SubscriberGenerator(parsePlmn('310-260'), { imsiRange: { from: '990000000', to: '999999999' }, msisdnRange: { from: '12025550100', to: '12025550199' } }, 1, SECRET, OP);
  assert.throws(() => generator.identity(100), { name: 'InputError', message: 'subscriber index for 310-260: "100" is not valid: expected an index from 0 to 99 (the configured ranges hold 100 subscribers)' });
  assert.throws(() => generator.identity(-1), InputError);
  assert.throws(() => generator.identity(1.5), InputError);
});

test('an MSIN range that would make the IMSI longer than 15 digits is refused', () => {
  assert.throws(
    () => new SubscriberGenerator(parsePlmn('310-260'), { imsiRange: { from: '9900000000', to: '9909999999' }, msisdnRange: UK_RANGES.msisdnRange }, 1, SECRET, OP),
    {
      name: 'InputError',
      message: 'home network 310-260 MSIN range: "9900000000" is not valid: expected an MSIN of at most 9 digits so that MCC+MNC 310260 + MSIN stays within 15 IMSI digits',
    },
  );
});

test('malformed ranges are refused: non-digit MSIN, too short an IMSI, a malformed MSISDN', () => {
  assert.throws(() => checkRanges(UK, { from: '99abc', to: '99999' }, UK_RANGES.msisdnRange, 'test'), /test MSIN range: "99abc" is not valid/);
  assert.throws(() => checkRanges(UK, { from: '99000000', to: '99999999' }, UK_RANGES.msisdnRange, 'test'), /test MSIN range: "99000000" is not valid: expected an MSIN of 9 or 10 digits \(IMSI of 14 or 15 digits\)/);
  assert.throws(() => checkRanges(UK, UK_RANGES.imsiRange, { from: '+447700900000', to: '447700900999' }, 'test'), /test MSISDN range: "\+447700900000" is not valid: expected an E\.164 number of 8 to 15 digits/);
  assert.throws(() => checkRanges(UK, UK_RANGES.imsiRange, { from: '4477', to: '4479' }, 'test'), /test MSISDN range: "4477" is not valid/);
  assert.doesNotThrow(() => checkRanges(UK, UK_RANGES.imsiRange, UK_RANGES.msisdnRange, 'test'));
});

test('an unconfigured home network gets synthetic ranges derived from its country', () => {
  assert.deepEqual(syntheticRanges(parsePlmn('505-01')), {
    imsiRange: { from: '9900000000', to: '9999999999' },
    msisdnRange: { from: '61999000000', to: '61999999999' },
  });
  assert.deepEqual(syntheticRanges(parsePlmn('310-260')).imsiRange, { from: '990000000', to: '999999999' });
  assert.equal(syntheticRanges(parsePlmn('310-260')).msisdnRange.from, '1999000000');
  // An MCC no country uses falls back to the 999 calling code.
  assert.equal(syntheticRanges(parsePlmn('001-01')).msisdnRange.from, '999999000000');

  const generator = new SubscriberGenerator(parsePlmn('505-01'), undefined, 1, SECRET, OP);
  const { imsi, msisdn } = generator.identity(0);
  assert.match(imsi, /^5050199\d{8}$/);
  assert.match(msisdn, /^61999\d{6}$/);
  assert.deepEqual(generator.imsiRange, { from: '9900000000', to: '9999999999' });
});

test('keys are deterministic for an IMSI and differ between IMSIs, seeds and secrets', () => {
  const generator = ukGenerator();
  const imsi = generator.identity(0).imsi;
  const other = generator.identity(1).imsi;
  const keys = generator.keys(imsi);
  assert.equal(keys.ki.length, 16);
  assert.equal(keys.opc.length, 16);
  assert.deepEqual(generator.keys(imsi), keys);
  assert.deepEqual(ukGenerator().keys(imsi), keys);
  assert.notDeepEqual(generator.keys(other).ki, keys.ki);
  assert.notDeepEqual(ukGenerator(1).keys(imsi).ki, keys.ki);
  assert.notDeepEqual(ukGenerator(20261126, 'another-secret').keys(imsi).ki, keys.ki);
});

test('OPc is computeOpc(Ki, OP) with the operator OP the generator was given', () => {
  const generator = ukGenerator();
  for (const index of [0, 1, 2]) {
    const { ki, opc } = generator.keys(generator.identity(index).imsi);
    assert.deepEqual(opc, computeOpc(ki, OP));
  }
  const otherOp = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const imsi = generator.identity(0).imsi;
  const withOtherOp = new SubscriberGenerator(UK, UK_RANGES, 20261126, SECRET, otherOp).keys(imsi);
  assert.deepEqual(withOtherOp.ki, generator.keys(imsi).ki);
  assert.notDeepEqual(withOtherOp.opc, generator.keys(imsi).opc);
});
