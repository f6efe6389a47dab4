import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeLayer3Information, dtap } from '../../src/protocol/bssap';
import { attachRequest, authenticationFailure, securityProtected } from '../../src/protocol/nas-eps';
import { imsiIdentity, locationAreaId, locationUpdatingRequest, mmAuthenticationResponse } from '../../src/protocol/nas-mm';
import { BitWriter } from '../../src/protocol/per';
import { downlinkNasTransport } from '../../src/protocol/s1ap';

const hex = (b: Buffer): string => b.toString('hex');
const plmn = { mcc: '262', mnc: '01' };

test('mobile identity IMSI (24.008 §10.5.1.4): odd count flag, type 1, TBCD with an F filler for an even count', () => {
  assert.equal(hex(imsiIdentity('262011234567890')), '2926102143658709', 'digit 2, odd, type IMSI; then digit pairs low nibble first');
  assert.equal(hex(imsiIdentity('26201123456789')), '21261021436587f9', 'even count: no odd flag, F filler');
  assert.throws(() => imsiIdentity('26201x'), /not 6 to 15 digits/);
});

test('MM Location Updating Request and Authentication Response bytes', () => {
  const lai = locationAreaId(plmn, 0x1234);
  assert.equal(hex(lai), '62f2101234');
  assert.equal(hex(locationUpdatingRequest({ imsi: '262011234567890', lai })), `0508 70 62f2101234 53 08 ${hex(imsiIdentity('262011234567890'))}`.replace(/ /g, ''));
  // UMTS RES of 8 octets: 4 in SRES, 4 in the extension IE 0x21.
  assert.equal(hex(mmAuthenticationResponse(Buffer.from('0102030405060708', 'hex'))), '0514010203042104' + '05060708');
  assert.equal(hex(dtap(Buffer.from([0x05, 0x02]))), '0100020502');
  assert.equal(hex(completeLayer3Information({ plmn, lac: 1, cellId: 2, l3: Buffer.from([0x05, 0x08]) })), '000f570508' + '0062f21000010002' + '17020508');
});

test('EMM Attach Request, Authentication Failure with AUTS, the security protected envelope', () => {
  const request = attachRequest({ imsi: '262011234567890', combined: true });
  assert.equal(hex(request.subarray(0, 3)), '074172', 'EMM, Attach Request, KSI 7 | combined EPS/IMSI attach (2)');
  assert.equal(hex(request.subarray(3)), '08' + hex(imsiIdentity('262011234567890')) + '02f0f0' + '0004' + '0201d011', 'IMSI, UE network capability, the ESM container (LV-E) with the PDN Connectivity Request');
  assert.equal(hex(authenticationFailure({ cause: 21, auts: Buffer.alloc(14, 0xab) })), '075c15300e' + 'ab'.repeat(14));
  assert.equal(hex(authenticationFailure({ cause: 20 })), '075c14');
  assert.equal(hex(securityProtected(2, Buffer.from('01020304', 'hex'), 5, Buffer.from('0746', 'hex'))), '270102030405' + '0746');
});

test('aligned PER: constrained whole numbers, lengths, and an S1AP DownlinkNASTransport byte for byte', () => {
  assert.equal(hex(new BitWriter().constrained(5, 0, 15).toBuffer()), '50', 'range 16: a 4-bit field');
  assert.equal(hex(new BitWriter().bits(1, 1).constrained(9, 0, 255).toBuffer()), '8009', 'range 256: one aligned octet');
  assert.equal(hex(new BitWriter().constrained(1, 0, 0xffffffff).toBuffer()), '0001', 'large range: octet count 1 in 2 bits, then the octet');
  assert.equal(hex(new BitWriter().constrained(0x123456, 0, 0xffffff).toBuffer()), '80123456', 'octet count 3 (2 bits: 10)');
  assert.equal(hex(new BitWriter().length(200).toBuffer()), '80c8', 'a length of 128 or more takes two octets');
  assert.throws(() => new BitWriter().constrained(16, 0, 15), /outside 0\.\.15/);
  // initiatingMessage, procedure 11, ignore, 22 octets: 3 IEs (MME-UE-S1AP-ID 1, eNB-UE-S1AP-ID 1, NAS-PDU 0746).
  assert.equal(hex(downlinkNasTransport({ ids: { mme: 1, enb: 1 }, nas: Buffer.from('0746', 'hex') })), '000b4016' + '000003' + '000000020001' + '000800020001' + '001a0003020746');
});
