import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLength, integer, oid, tagBytes, tlv, enumerated, nullValue, sequence } from '../../src/protocol/ber';
import { decodeTbcd, encodeAddressString, encodeGtDigits, encodeTbcd } from '../../src/protocol/tbcd';
import { encodePlmnId, parsePlmn } from '../../src/protocol/plmn';
import { mapError } from '../../src/protocol/codes';
import {
  applicationContext,
  cancelLocationArg,
  dialogueRequest,
  dialogueResponse,
  insertSubscriberDataArg,
  invoke,
  mapErrorParameter,
  purgeMsArg,
  returnError,
  returnResultLast,
  sendAuthenticationInfoArg,
  sendAuthenticationInfoRes,
  tcBegin,
  tcContinue,
  tcEnd,
  transactionId,
  updateLocationArg,
  updateLocationRes,
} from '../../src/protocol/tcap-map';
import { m3uaData, sccpAddress, sccpLudt, sccpUdt, sccpUnitdata } from '../../src/protocol/sccp';
import { FLAG_RETRANSMIT, updateLocationAnswer, updateLocationRequest } from '../../src/protocol/diameter';
import { crc32c, encodePcap } from '../../src/capture/pcap-writer';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const same = (actual: Buffer, expected: string) => assert.equal(actual.toString('hex'), expected.replace(/\s+/g, '').toLowerCase());

test('BER: lengths, integers, enumerations, NULL, OIDs and high tag numbers (X.690)', () => {
  same(encodeLength(0), '00');
  same(encodeLength(127), '7f');
  same(encodeLength(200), '81c8');
  same(encodeLength(300), '82012c');
  same(integer(0), '020100');
  same(integer(127), '02017f');
  same(integer(128), '02020080');
  same(integer(-1), '0201ff');
  same(integer(-129), '0202ff7f');
  same(integer(0x80000064), '02050080000064');
  same(enumerated(3), '0a0103');
  same(enumerated(0, 0x80), '800100');
  same(nullValue(0x80), '8000');
  same(sequence(), '3000');
  // id-as-dialogue and networkLocUpContext-v3, both as in the facts file §3.2.
  same(oid('0.0.17.773.1.1.1'), '060700118605010101');
  same(oid(applicationContext('networkLocUp')), '0607 04000001000103');
  same(tagBytes(0x80, false, 30), '9e');
  same(tagBytes(0x80, true, 31), 'bf1f');
  same(tagBytes(0x80, false, 200), '9f8148');
  same(tlv(0x04, Buffer.alloc(130)).subarray(0, 3), '048182');
});

test('TBCD, ISDN-AddressString and the SCCP global-title filler (facts §3.4)', () => {
  same(encodeTbcd('001010123456789'), '00010121436587f9');
  same(encodeTbcd('001011356567851'), '00011153567658f1');
  same(encodeTbcd('8613812345678'), '683118325476f8');
  same(encodeTbcd('26201'), '6202f1');
  same(encodeTbcd('1234'), '2143');
  same(encodeAddressString('8613900000003'), '91683109000000f3');
  assert.equal(decodeTbcd(hex('00010121436587f9')), '001010123456789');
  assert.equal(decodeTbcd(hex('2143')), '1234');
  const odd = encodeGtDigits('41792457333');
  same(odd.bytes, '149742753303');
  assert.equal(odd.encodingScheme, 1);
  const even = encodeGtDigits('447700900001');
  same(even.bytes, '447700090010');
  assert.equal(even.encodingScheme, 2);
  assert.throws(() => encodeTbcd('12x'), /not a TBCD digit/);
  assert.throws(() => encodeGtDigits('12*'), /decimal digits/);
});

test('PLMN-Id packing shared by Visited-PLMN-Id and MAP (facts §2.6)', () => {
  same(encodePlmnId(parsePlmn('001-01')), '00f110');
  same(encodePlmnId(parsePlmn('310-260')), '130062');
  same(encodePlmnId(parsePlmn('208-34')), '02f843');
  same(encodePlmnId(parsePlmn('262-01')), '62f210');
});

const AARQ_LOCUP = '6b1e 281c 060700118605010101 a011 600f 80020780 a109 0607 04000001000103';
const AARE_LOCUP = '6b2a 2828 060700118605010101 a01d 611b 80020780 a109 0607 04000001000103 a203 020100 a305 a103 020100';

test('UpdateLocation TC-BEGIN in a UDT, byte for byte as tshark verified it (facts §3.7)', () => {
  const tcap = tcBegin(transactionId(1), dialogueRequest(applicationContext('networkLocUp')), [
    invoke(1, 2, updateLocationArg({ imsi: '001010123456789', mscNumber: '8613900000003', vlrNumber: '8613900000002' })),
  ]);
  same(
    tcap,
    `6250 4804 00000001 ${AARQ_LOCUP} 6c28 a126 020101 020102 301e 0408 00010121436587f9 8108 91683109000000f3 0408 91683109000000f2`,
  );
  const udt = sccpUdt({ ssn: 6, gt: '8613800000001' }, { ssn: 7, gt: '8613900000002' }, tcap);
  same(udt.subarray(0, 32), '0980030f1b 0c 1206001104 68310800000001 0c 1207001104 68310900000002 52');
  same(udt.subarray(32), tcap.toString('hex'));
  same(sccpAddress({ ssn: 6, gt: '447700900001' }), '1206001204447700090010');
});

test('InsertSubscriberData inside the UL dialogue, its result and the UL result (facts §3.7)', () => {
  const isd = tcContinue(transactionId(2), transactionId(1), dialogueResponse(applicationContext('networkLocUp')), [
    invoke(2, 7, insertSubscriberDataArg({ msisdn: '8613812345678' })),
  ]);
  same(isd, `654e 4804 00000002 4904 00000001 ${AARE_LOCUP} 6c14 a112 020102 020107 300a 8108 91683118325476f8`);
  same(tcContinue(transactionId(1), transactionId(2), undefined, [returnResultLast(2)]), '6513 4804 00000001 4904 00000002 6c05 a203 020102');
  same(
    tcEnd(transactionId(1), undefined, [returnResultLast(1, 2, updateLocationRes({ hlrNumber: '8613800000001' }))]),
    '641e 4904 00000001 6c16 a214 020101 300f 020102 300a 0408 91683108000000f1',
  );
  // The standalone form names the subscriber: imsi [0] first.
  same(insertSubscriberDataArg({ imsi: '001010123456789', msisdn: '8613812345678' }), '3014 8008 00010121436587f9 8108 91683118325476f8');
});

test('ReturnError forms: unknownSubscriber, roamingNotAllowed (all causes), systemFailure, generic (facts §3.3, §3.7)', () => {
  const unknown = returnError(1, 1, mapErrorParameter(mapError('unknownSubscriber')));
  same(unknown, 'a30b 020101 020101 3003 0a0100');
  same(tcEnd(transactionId(4), dialogueResponse(applicationContext('networkLocUp')), [unknown]), `6441 4904 00000004 ${AARE_LOCUP} 6c0d a30b 020101 020101 3003 0a0100`);
  same(returnError(1, 8, mapErrorParameter(mapError('roamingNotAllowed', 'plmnRoamingNotAllowed'))), 'a30b 020101 020108 3003 0a0100');
  same(returnError(1, 8, mapErrorParameter(mapError('roamingNotAllowed', 'operatorDeterminedBarring'))), 'a30b 020101 020108 3003 0a0103');
  // additionalRoamingNotAllowedCause [0] supportedRAT-TypesNotAllowed(0) after the mandatory cause.
  same(returnError(1, 8, mapErrorParameter(mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed'))), 'a30e 020101 020108 3006 0a0100 800100');
  // v3 extensibleSystemFailureParam { networkResource hlr(1) }.
  same(returnError(1, 34, mapErrorParameter(mapError('systemFailure'))), 'a30b 020101 020122 3003 0a0101');
  same(returnError(3, 35, mapErrorParameter(mapError('dataMissing'))), 'a308 020103 020123 3000');
  assert.equal(mapErrorParameter(mapError('facilityNotSupported')), undefined);
  same(returnError(1, 21), 'a306 020101 020115');
});

test('SendAuthenticationInfo v3, quintuplet result, cancelLocation and purgeMS components (facts §3.7)', () => {
  same(invoke(1, 56, sendAuthenticationInfoArg({ imsi: '001010123456789', numberOfRequestedVectors: 1 })), 'a115 020101 020138 300d 8008 00010121436587f9 020101');
  const q = {
    rand: hex('23553cbe9637a89d218ae64dae47bf35'),
    xres: hex('a54211d5e3ba50bf'),
    ck: hex('b40ba9a3c58b2a05bbf0d987b21bf8cb'),
    ik: hex('f769bcd751044604127672711c6d3441'),
    autn: hex('55f328b43577b9b94a9ffac354dfafb3'),
  };
  same(
    returnResultLast(1, 56, sendAuthenticationInfoRes({ quintuplets: [q] })),
    `a260 020101 305b 020138 a356 a154 3052 0410${q.rand.toString('hex')} 0408${q.xres.toString('hex')} 0410${q.ck.toString('hex')} 0410${q.ik.toString('hex')} 0410${q.autn.toString('hex')}`,
  );
  same(
    sendAuthenticationInfoRes({ triplets: [{ rand: Buffer.alloc(16), sres: hex('46f8416a'), kc: hex('eae4be823af9a08b') }] }),
    `a326 a024 3022 0410${'00'.repeat(16)} 0404 46f8416a 0408 eae4be823af9a08b`,
  );
  same(invoke(1, 3, cancelLocationArg({ imsi: '001010123456789', cancellationType: 'updateProcedure' })), 'a115 020101 020103 a30d 0408 00010121436587f9 0a0100');
  same(invoke(1, 67, purgeMsArg({ imsi: '001010123456789', vlrNumber: '8613900000002' })), 'a11c 020101 020143 a314 0408 00010121436587f9 8008 91683109000000f2');
});

test('LUDT carries TCAP beyond 255 octets, with 2-octet pointers and data length', () => {
  const data = Buffer.alloc(300, 0xaa);
  const ludt = sccpUnitdata({ ssn: 6, gt: '447700900001' }, { ssn: 7, gt: '4917000000001' }, data);
  assert.equal(ludt[0], 0x13);
  assert.deepEqual(ludt, sccpLudt({ ssn: 6, gt: '447700900001' }, { ssn: 7, gt: '4917000000001' }, data));
  const calledAt = 4 + ludt.readUInt16LE(3);
  assert.equal(ludt[calledAt], 11);
  const dataAt = 8 + ludt.readUInt16LE(7);
  assert.equal(ludt.readUInt16LE(dataAt), 300);
  assert.equal(ludt.length, dataAt + 2 + 300);
  assert.equal(sccpUnitdata({ ssn: 6, gt: '1' }, { ssn: 7, gt: '2' }, Buffer.alloc(10))[0], 0x09);
});

test('M3UA DATA: header, Protocol Data parameter and padding (RFC 4666 §3.3.1)', () => {
  const m = m3uaData({ opc: 100, dpc: 200, ni: 0, sls: 5 }, Buffer.from([1, 2, 3]));
  same(m, '01000101 0000001c 0210 0013 00000064 000000c8 03 00 00 05 010203 00');
});

const ULR_FACTS =
  '01000120c000013c010000230000000100000001000001074000000f6d6d653b313b310000000104400000200000010a' +
  '4000000c000028af000001024000000c01000023000001154000000c00000001000001084000002d6d6d652e6570632e' +
  '6d6e633030312e6d63633030312e336770706e6574776f726b2e6f726700000000000128400000296570632e6d6e6330' +
  '30312e6d63633030312e336770706e6574776f726b2e6f72670000000000011b400000296570632e6d6e633030312e6d' +
  '63633030312e336770706e6574776f726b2e6f7267000000000000014000001730303130313031323334353637383900' +
  '0000040880000010000028af000003ec0000057dc0000010000028af000000220000057fc000000f000028af00f11000';

test('ULR byte for byte as tshark verified it (facts §2.10), and the T flag on a retry', () => {
  const realm = 'epc.mnc001.mcc001.3gppnetwork.org';
  const base = { sessionId: 'mme;1;1', origin: { host: `mme.${realm}`, realm }, destinationRealm: realm, hopByHop: 1, endToEnd: 1 };
  const r = { userName: '001010123456789', ratType: 1004, ulrFlags: 0x22, visitedPlmnId: encodePlmnId(parsePlmn('001-01')) };
  const ulr = updateLocationRequest(base, r);
  assert.equal(ulr.length, 288);
  same(ulr, ULR_FACTS);
  const retry = updateLocationRequest({ ...base, retransmit: true }, r);
  assert.equal(retry[4], 0xc0 | FLAG_RETRANSMIT);
});

test('ULA: Experimental-Result for 5004, E bit and the short form for 3002', () => {
  const base = { sessionId: 's;1;1', origin: { host: 'hss.example.org', realm: 'example.org' }, hopByHop: 7, endToEnd: 9 };
  const rejected = updateLocationAnswer({ ...base, result: { experimentalResultCode: 5004 } }, { ulaFlags: 1, msisdn: '8613812345678' });
  assert.equal(rejected[4], 0x40);
  assert.equal(rejected.readUInt32BE(12), 7);
  assert.equal(rejected.readUInt32BE(16), 9);
  // Experimental-Result(297) { Vendor-Id 10415, Experimental-Result-Code 5004 }; no subscription data on a refusal.
  assert.ok(rejected.includes(hex('0000012940000020 0000010a4000000c000028af 0000012a4000000c0000138c')));
  assert.equal(rejected.includes(hex('683118325476f8')), false);
  const busy = updateLocationAnswer({ ...base, result: { resultCode: 3002 } }, {});
  assert.equal(busy[4], 0x60);
  assert.ok(busy.includes(hex('0000010c4000000c00000bba')));
  const ok = updateLocationAnswer(base, { ulaFlags: 1, msisdn: '8613812345678' });
  // MSISDN(701) V+M, TBCD without the nature-of-address octet (29.329 §6.3.2).
  assert.ok(ok.includes(hex('000002bdc0000013000028af683118325476f8')));
});

test('pcap container and CRC32c', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const file = encodePcap([{ time: 1700000000123.456, data: Buffer.from([1, 2, 3]) }], 1);
  same(file.subarray(0, 24), 'd4c3b2a1 0200 0400 00000000 00000000 00000400 01000000');
  assert.equal(file.readUInt32LE(24), 1700000000);
  assert.equal(file.readUInt32LE(28), 123456);
  assert.equal(file.readUInt32LE(32), 3);
  assert.equal(file.length, 24 + 16 + 3);
});
