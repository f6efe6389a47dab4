/**
 * Mobility management messages (TS 24.008 §9.2) as the MS and the visited MSC/VLR exchange them in DTAP, and
 * the information elements EMM (TS 24.301) borrows from 24.008: mobile identity, location area identity.
 * Only what a roaming registration shows: location updating, authentication, IMSI detach.
 */
import { encodePlmnId, type Plmn } from './plmn';

/** Protocol discriminator MM (TS 24.007 §11.2.3.1.1), skip indicator 0. */
const PD_MM = 0x05;

export const MM_MESSAGE_TYPES = {
  imsiDetachIndication: 0x01,
  locationUpdatingAccept: 0x02,
  locationUpdatingReject: 0x04,
  locationUpdatingRequest: 0x08,
  authenticationReject: 0x11,
  authenticationRequest: 0x12,
  authenticationResponse: 0x14,
  authenticationFailure: 0x1c,
} as const;

/** Ciphering key sequence number "no key is available" (§10.5.1.2), what an MS arriving in a network sends. */
export const CKSN_NO_KEY = 7;

/**
 * Mobile classmark 1 (§10.5.1.5): revision level 2 (R99 or later), ES IND set, A5/1 available, RF power
 * class 4. One value for every synthetic handset.
 */
export const MS_CLASSMARK_1 = 0x53;

/** Mobile identity IMSI (§10.5.1.4) without its length: first digit with odd/even flag and type 1, then TBCD. */
export function imsiIdentity(imsi: string): Buffer {
  if (!/^\d{6,15}$/.test(imsi)) throw new RangeError(`IMSI "${imsi}" is not 6 to 15 digits`);
  const digits = imsi.split('').map(Number);
  const odd = digits.length % 2 === 1;
  const out = [(digits[0] << 4) | (odd ? 0x08 : 0) | 0x01];
  for (let i = 1; i < digits.length; i += 2) out.push(((i + 1 < digits.length ? digits[i + 1] : 0xf) << 4) | digits[i]);
  return Buffer.from(out);
}

/** Location area identification (§10.5.1.3): PLMN, then the 2-octet LAC. */
export function locationAreaId(plmn: Plmn, lac: number): Buffer {
  const out = Buffer.alloc(5);
  encodePlmnId(plmn).copy(out, 0);
  out.writeUInt16BE(lac & 0xffff, 3);
  return out;
}

const lv = (value: Buffer): Buffer => Buffer.concat([Buffer.from([value.length]), value]);
const tlv = (iei: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([iei, value.length]), value]);
const header = (type: number): Buffer => Buffer.from([PD_MM, type]);

function octets(value: Buffer, length: number, what: string): Buffer {
  if (value.length !== length) throw new RangeError(`${what} is ${value.length} octets, 24.008 wants ${length}`);
  return value;
}

/** Location Updating Request (§9.2.15): normal location updating (type 0), CKSN, the LAI, classmark 1, IMSI. */
export function locationUpdatingRequest(input: { imsi: string; lai: Buffer; cksn?: number }): Buffer {
  const cksn = input.cksn ?? CKSN_NO_KEY;
  return Buffer.concat([header(MM_MESSAGE_TYPES.locationUpdatingRequest), Buffer.from([(cksn & 0x7) << 4]), octets(input.lai, 5, 'LAI'), Buffer.from([MS_CLASSMARK_1]), lv(imsiIdentity(input.imsi))]);
}

/** Authentication Request (§9.2.2): CKSN, RAND; AUTN (IEI 0x20) on UMTS access. */
export function mmAuthenticationRequest(input: { cksn: number; rand: Buffer; autn?: Buffer }): Buffer {
  return Buffer.concat([
    header(MM_MESSAGE_TYPES.authenticationRequest),
    Buffer.from([input.cksn & 0x7]),
    octets(input.rand, 16, 'RAND'),
    ...(input.autn ? [tlv(0x20, octets(input.autn, 16, 'AUTN'))] : []),
  ]);
}

/**
 * Authentication Response (§9.2.3): SRES, or on UMTS the 4 most significant octets of RES in the SRES field
 * and the rest in the Authentication Response Parameter (extension) IE 0x21 (§10.5.3.2.1).
 */
export function mmAuthenticationResponse(res: Buffer): Buffer {
  if (res.length < 4 || res.length > 16) throw new RangeError(`RES of ${res.length} octets is not 4 to 16`);
  return Buffer.concat([header(MM_MESSAGE_TYPES.authenticationResponse), res.subarray(0, 4), ...(res.length > 4 ? [tlv(0x21, res.subarray(4))] : [])]);
}

/** Authentication Failure (§9.2.3a): reject cause #20 MAC failure / #21 synch failure, AUTS (IEI 0x22) with #21. */
export function mmAuthenticationFailure(input: { cause: number; auts?: Buffer }): Buffer {
  return Buffer.concat([header(MM_MESSAGE_TYPES.authenticationFailure), Buffer.from([input.cause & 0xff]), ...(input.auts ? [tlv(0x22, octets(input.auts, 14, 'AUTS'))] : [])]);
}

export const mmAuthenticationReject = (): Buffer => header(MM_MESSAGE_TYPES.authenticationReject);

/** Location Updating Accept (§9.2.13): the LAI the MS is now registered in. */
export function locationUpdatingAccept(lai: Buffer): Buffer {
  return Buffer.concat([header(MM_MESSAGE_TYPES.locationUpdatingAccept), octets(lai, 5, 'LAI')]);
}

/** Location Updating Reject (§9.2.14): the reject cause (§10.5.3.6). */
export function locationUpdatingReject(cause: number): Buffer {
  return Buffer.concat([header(MM_MESSAGE_TYPES.locationUpdatingReject), Buffer.from([cause & 0xff])]);
}

/** IMSI Detach Indication (§9.2.12): classmark 1 and the IMSI. */
export function imsiDetachIndication(imsi: string): Buffer {
  return Buffer.concat([header(MM_MESSAGE_TYPES.imsiDetachIndication), Buffer.from([MS_CLASSMARK_1]), lv(imsiIdentity(imsi))]);
}
