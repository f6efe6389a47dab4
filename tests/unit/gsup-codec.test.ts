import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CCM, CCM_TAG, IPA_OSMO_EXT, IPA_STREAM, IpaReassembler, decodeIdGet, decodeIdResp, encodeIdGet, encodeIdResp, encodeIpa, encodeOsmo } from '../../src/protocol/ipa';
import { GSUP_REQUEST, GsupDecodeError, type GsupMessage, decodeGsup, describeType, encodeGsup, errorType, resultType } from '../../src/protocol/gsup';
import { GMM_CAUSE, gmmFromMapError, mapErrorFromGmm } from '../../src/protocol/gsup-causes';
import { mapError } from '../../src/protocol/codes';
import { SeededRandom } from '../../src/subscribers/random';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const IMSI = '001010123456789';

test('IPA: a frame is length (big-endian, after the header) | stream | payload; GSUP adds extension 0x05', () => {
  assert.deepEqual(encodeIpa(0xfe, hex('00')), hex('0001fe00'));
  assert.deepEqual(encodeOsmo(IPA_OSMO_EXT.GSUP, hex('08 0108 0001 0121 4365 87f9')), hex('000c ee 05 08 0108 0001 0121 4365 87f9'));
});

test('IPA reassembly: frames split at every octet, and several in one chunk, come out whole and in order', () => {
  const frames = Buffer.concat([encodeIpa(0xfe, hex('00')), encodeOsmo(5, hex('0801080001012143658 7f9'.replace(' ', ''))), encodeIpa(0x99, Buffer.alloc(0))]);
  const split = new IpaReassembler();
  const out = [...frames].flatMap((byte) => split.push(Buffer.from([byte])));
  assert.deepEqual(out.map((frame) => frame.stream), [0xfe, 0xee, 0x99]);
  assert.deepEqual(out[1].payload, hex('05 08 0108 0001 0121 4365 87f9'));
  assert.equal(split.pending, 0);
  const whole = new IpaReassembler();
  assert.equal(whole.push(frames).length, 3);
  const half = new IpaReassembler();
  assert.equal(half.push(frames.subarray(0, 6)).length, 1);
  assert.equal(half.pending, 2, 'the start of the second frame waits for the rest');
});

test('CCM: ID_RESP entries carry their trailing NUL, counted in the 16-bit length, and UNIT', () => {
  const resp = encodeIdResp(new Map([[CCM_TAG.SERNR, 'vlr-a'], [CCM_TAG.UNIT, '0/0/0']]));
  assert.deepEqual(resp, Buffer.concat([hex('0013 fe 05'), hex('0007 00'), Buffer.from('vlr-a\0'), hex('0007 08'), Buffer.from('0/0/0\0')]));
  assert.deepEqual(decodeIdResp(resp.subarray(4)), new Map([[CCM_TAG.SERNR, 'vlr-a'], [CCM_TAG.UNIT, '0/0/0']]));
  assert.equal(decodeIdResp(hex('0009 00 6162')), undefined, 'an entry overrunning the frame is refused');
  const get = encodeIdGet([CCM_TAG.UNIT, CCM_TAG.SERNR]);
  assert.deepEqual(get, hex('0005 fe 04 0108 0100'));
  assert.deepEqual(decodeIdGet(get.subarray(4)), [CCM_TAG.UNIT, CCM_TAG.SERNR]);
  assert.equal(CCM.PONG, 1);
  assert.equal(IPA_STREAM.CCM, 0xfe);
});

test('GSUP: IMSI in TBCD first, MSISDN as LV BCD without TON/NPI, as osmo-hlr encodes them', () => {
  const isd = encodeGsup({ type: GSUP_REQUEST.InsertSubscriberData, imsi: IMSI, msisdn: '491700000001', cnDomain: 'CS' });
  assert.deepEqual(isd, hex('10 0108 000101214365 87f9 0807 06 947100000010 2801 02'));
  assert.deepEqual(decodeGsup(isd), { type: 0x10, imsi: IMSI, msisdn: '491700000001', cnDomain: 'CS' });
});

test('GSUP: every procedure and its result/error forms round-trip, with nested auth tuples and PDP info', () => {
  const tuple = { rand: Buffer.alloc(16, 1), sres: Buffer.alloc(4, 2), kc: Buffer.alloc(8, 3), ik: Buffer.alloc(16, 4), ck: Buffer.alloc(16, 5), autn: Buffer.alloc(16, 6), res: Buffer.alloc(8, 7) };
  const messages: GsupMessage[] = [
    { type: GSUP_REQUEST.SendAuthInfo, imsi: IMSI, cnDomain: 'PS', numVectors: 3, currentRat: 3 },
    { type: GSUP_REQUEST.SendAuthInfo, imsi: IMSI, rand: Buffer.alloc(16, 9), auts: Buffer.alloc(14, 8) },
    { type: resultType('SendAuthInfo'), imsi: IMSI, authTuples: [tuple, { ...tuple, rand: Buffer.alloc(16, 0xaa) }] },
    { type: errorType('SendAuthInfo'), imsi: IMSI, cause: 2 },
    { type: GSUP_REQUEST.UpdateLocation, imsi: IMSI, cnDomain: 'CS', currentRat: 1 },
    { type: resultType('UpdateLocation'), imsi: IMSI },
    { type: GSUP_REQUEST.InsertSubscriberData, imsi: IMSI, msisdn: '447700900001', cnDomain: 'PS', pdpInfoComplete: true, pdpInfo: [{ contextId: 1, apn: '*' }, { contextId: 2, apn: 'internet.example' }] },
    { type: GSUP_REQUEST.PurgeMS, imsi: IMSI, cnDomain: 'CS' },
    { type: resultType('PurgeMS'), imsi: IMSI, freezePtmsi: true },
    { type: GSUP_REQUEST.LocationCancel, imsi: IMSI, cancelType: 0, cnDomain: 'CS' },
    { type: GSUP_REQUEST.DeleteSubscriberData, imsi: IMSI, cnDomain: 'PS' },
    { type: GSUP_REQUEST.CheckIMEI, imsi: IMSI, imei: '35693803564380' },
    { type: resultType('CheckIMEI'), imsi: IMSI, imeiResult: 0 },
    { type: 0x0b, imsi: IMSI, cnDomain: 'CS' },
    { type: errorType('UpdateLocation'), imsi: IMSI, cause: 11, unknownIes: [{ tag: 0x7e, value: hex('0102') }] },
  ];
  for (const message of messages) assert.deepEqual(decodeGsup(encodeGsup(message)), message, `type 0x${message.type.toString(16)}`);
  assert.deepEqual(describeType(0x0a), { procedure: 'SendAuthInfo', kind: 'result' });
  assert.deepEqual(describeType(0x1d), { procedure: 'LocationCancel', kind: 'error' });
  assert.deepEqual(describeType(0x0b), { procedure: 'AuthFailureReport', kind: 'other' });
  assert.equal(describeType(0x7c), undefined);
});

test('GSUP decode errors name the problem: missing IMSI, IE overrun, empty message', () => {
  assert.throws(() => decodeGsup(hex('08 0201 02')), (error: unknown) => error instanceof GsupDecodeError && error.problem === 'missing-imsi');
  assert.throws(
    () => decodeGsup(hex('08 0108 000101214365 87f9 0205 01')),
    (error: unknown) => error instanceof GsupDecodeError && error.problem === 'ie-overrun' && error.imsi === IMSI && /0x02 at octet 10 claims 5 octets, 1 remain/.test(error.message),
  );
  assert.throws(() => decodeGsup(Buffer.alloc(0)), (error: unknown) => error instanceof GsupDecodeError && error.problem === 'empty');
  assert.throws(() => decodeGsup(hex('08 0108 000101214365 87f9 2801 07')), (error: unknown) => error instanceof GsupDecodeError && error.problem === 'bad-ie');
});

test('GMM causes ↔ MAP names: the table both ways, barring 11 on CS and 7 on PS, unknown causes as systemFailure', () => {
  assert.equal(mapErrorFromGmm(2).kind === 'map' && mapErrorFromGmm(2).name, 'unknownSubscriber');
  for (const cause of [7, 8, 11, 12, 13, 15]) assert.equal((mapErrorFromGmm(cause) as { name: string }).name, 'roamingNotAllowed', `cause ${cause}`);
  assert.equal((mapErrorFromGmm(17) as { name: string }).name, 'systemFailure');
  assert.equal((mapErrorFromGmm(99) as { name: string }).name, 'systemFailure');
  assert.equal(gmmFromMapError(mapError('roamingNotAllowed', 'operatorDeterminedBarring'), 'PS'), GMM_CAUSE.GPRS_NOT_ALLOWED);
  assert.equal(gmmFromMapError(mapError('roamingNotAllowed', 'operatorDeterminedBarring'), 'CS'), GMM_CAUSE.PLMN_NOT_ALLOWED, 'CS barring as osmo-hlr sends it');
  const errors = [mapError('unknownSubscriber'), mapError('roamingNotAllowed', 'plmnRoamingNotAllowed'), mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'), mapError('systemFailure')];
  for (const error of errors) {
    for (const domain of ['CS', 'PS'] as const) assert.deepEqual(mapErrorFromGmm(gmmFromMapError(error, domain)), error, `${JSON.stringify(error)} on ${domain}`);
  }
});

test('fuzz (bounded, seeded): decoders never throw anything but GsupDecodeError, reassembly never throws', () => {
  const random = new SeededRandom(13, 1);
  const seeds = [
    encodeGsup({ type: resultType('SendAuthInfo'), imsi: IMSI, authTuples: [{ rand: Buffer.alloc(16, 1), sres: Buffer.alloc(4), kc: Buffer.alloc(8) }] }),
    encodeGsup({ type: GSUP_REQUEST.InsertSubscriberData, imsi: IMSI, msisdn: '491700000001', pdpInfo: [{ contextId: 1, apn: '*' }] }),
    encodeGsup({ type: GSUP_REQUEST.UpdateLocation, imsi: IMSI, cnDomain: 'CS' }),
  ];
  const reassembler = new IpaReassembler();
  for (let i = 0; i < 3000; i++) {
    const base = Buffer.from(seeds[random.int(seeds.length)]);
    const mutated = random.int(4) === 0 ? random.bytes(random.int(40)) : base.subarray(0, random.int(base.length + 1));
    for (let flips = random.int(4); flips > 0 && mutated.length > 0; flips--) mutated[random.int(mutated.length)] = random.int(256);
    try {
      decodeGsup(mutated);
    } catch (error) {
      assert.ok(error instanceof GsupDecodeError, `input ${mutated.toString('hex')} threw ${String(error)}`);
    }
    reassembler.push(random.bytes(random.int(20)));
    decodeIdResp(mutated);
    decodeIdGet(mutated);
  }
});
