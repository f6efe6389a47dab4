/**
 * SGsAP (TS 29.118), the MME ↔ VLR interface of CS fallback and combined EPS/IMSI registration: the messages
 * the simulation signals and their information elements, each a TLV with a one-octet length (§9.1, §9.3).
 * Carried on SCTP port 29118 with payload protocol identifier 0 (§7.1: no PPID is assigned to SGsAP).
 */
import { encodePlmnId, parsePlmn, plmnDomain } from './plmn';
import { hash32 } from '../subscribers/random';

export const SGSAP_PORT = 29118;
export const SGSAP_PPID = 0;

/** Message types (§9.2). */
export const SGSAP_MESSAGES = {
  locationUpdateRequest: 0x09,
  locationUpdateAccept: 0x0a,
  locationUpdateReject: 0x0b,
  epsDetachIndication: 0x11,
  epsDetachAck: 0x12,
  imsiDetachIndication: 0x13,
  imsiDetachAck: 0x14,
} as const;

/** Information element identifiers (§9.3). */
const IEI = {
  imsi: 0x01,
  lai: 0x04,
  mmeName: 0x09,
  epsLocationUpdateType: 0x0a,
  rejectCause: 0x0f,
  imsiDetachFromEpsServiceType: 0x10,
  imsiDetachFromNonEpsServiceType: 0x11,
} as const;

/** EPS location update type (§9.4.8). */
export const EPS_LOCATION_UPDATE_TYPES = { 'imsi-attach': 0x01, normal: 0x02 } as const;
export type EpsLocationUpdateType = keyof typeof EPS_LOCATION_UPDATE_TYPES;

/** IMSI detach from EPS service type (§9.4.7). */
export const EPS_DETACH_TYPES = { 'network-initiated': 0x01, 'ue-initiated': 0x02, 'eps-services-not-allowed': 0x03 } as const;
export type EpsDetachType = keyof typeof EPS_DETACH_TYPES;

/** IMSI detach from non-EPS service type (§9.4.9). */
export const NON_EPS_DETACH_TYPES = { 'explicit-ue-initiated': 0x01, 'combined-ue-initiated': 0x02, 'implicit-network-initiated': 0x03 } as const;
export type NonEpsDetachType = keyof typeof NON_EPS_DETACH_TYPES;

/** A location area identity (TS 23.003 §4.1): the PLMN (`MCC-MNC`) and the location area code. */
export type Lai = { readonly plmn: string; readonly lac: number };

/**
 * The location area an MME maps its tracking areas to for SGs (TS 23.272 §5.2): one synthetic LAC per
 * visited PLMN, stable, avoiding 0x0000 and 0xfffe (reserved, TS 24.008 §10.5.1.3).
 */
export function laiOf(plmn: string): Lai {
  return { plmn, lac: (hash32(`lac|${plmn}`) % 0xfffd) + 1 };
}

/**
 * The MME name of SGs (TS 23.003 §19.4.2.4): `mmec<MMEC>.mmegi<MMEGI>.mme.epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org`,
 * MMEC two and MMEGI four hex digits; the one MME of a visited PLMN here is MMEGI 8001, MMEC 01.
 */
export function mmeName(plmn: string): string {
  return `mmec01.mmegi8001.mme.epc.${plmnDomain(parsePlmn(plmn, 'MME PLMN'))}`;
}

function tlv(iei: number, value: Buffer): Buffer {
  if (value.length > 0xff) throw new RangeError(`SGsAP IE 0x${iei.toString(16)} holds ${value.length} octets, more than a one-octet length allows`);
  return Buffer.concat([Buffer.from([iei, value.length]), value]);
}

/** IMSI (§9.4.6, TS 29.018 §18.4.10): the Mobile Identity value of TS 24.008 §10.5.1.4, type 1, odd/even flag. */
export function encodeImsi(imsi: string): Buffer {
  if (!/^\d{6,15}$/.test(imsi)) throw new RangeError(`IMSI "${imsi}" must be 6 to 15 digits`);
  const digits = imsi.split('').map(Number);
  const odd = digits.length % 2 === 1;
  const out = Buffer.alloc(1 + (digits.length >> 1));
  out[0] = (digits[0] << 4) | (odd ? 0x08 : 0) | 0x01;
  for (let i = 1; i < digits.length; i += 2) {
    const high = i + 1 < digits.length ? digits[i + 1] : 0xf;
    out[(i + 1) >> 1] = (high << 4) | digits[i];
  }
  return tlv(IEI.imsi, out);
}

/** Location area identifier (§9.4.11): the PLMN as TS 24.008 §10.5.1.3 packs it, then the LAC. */
export function encodeLai(lai: Lai): Buffer {
  if (!Number.isInteger(lai.lac) || lai.lac < 0 || lai.lac > 0xffff) throw new RangeError(`LAC ${lai.lac} is not a 16-bit value`);
  const lac = Buffer.alloc(2);
  lac.writeUInt16BE(lai.lac);
  return tlv(IEI.lai, Buffer.concat([encodePlmnId(parsePlmn(lai.plmn, 'LAI PLMN')), lac]));
}

/** MME name (§9.4.13): the FQDN as DNS labels (RFC 1035 §3.1) without the root label, 55 octets. */
export function encodeMmeName(name: string): Buffer {
  const labels = name.split('.');
  if (labels.some((label) => label.length === 0 || label.length > 63)) throw new RangeError(`MME name "${name}" has an empty or overlong label`);
  return tlv(IEI.mmeName, Buffer.concat(labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]))));
}

const u8 = (iei: number, value: number): Buffer => tlv(iei, Buffer.from([value & 0xff]));

function message(type: number, ies: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([type]), ...ies]);
}

/** SGsAP-LOCATION-UPDATE-REQUEST (§8.11): IMSI, MME name, EPS location update type, new LAI. */
export function locationUpdateRequest(fields: { imsi: string; mmeName: string; type: EpsLocationUpdateType; newLai: Lai }): Buffer {
  return message(SGSAP_MESSAGES.locationUpdateRequest, [encodeImsi(fields.imsi), encodeMmeName(fields.mmeName), u8(IEI.epsLocationUpdateType, EPS_LOCATION_UPDATE_TYPES[fields.type]), encodeLai(fields.newLai)]);
}

/** SGsAP-LOCATION-UPDATE-ACCEPT (§8.10): IMSI, LAI. */
export function locationUpdateAccept(fields: { imsi: string; lai: Lai }): Buffer {
  return message(SGSAP_MESSAGES.locationUpdateAccept, [encodeImsi(fields.imsi), encodeLai(fields.lai)]);
}

/** SGsAP-LOCATION-UPDATE-REJECT (§8.12): IMSI, reject cause (an MM cause, TS 24.008 §10.5.3.6), the LAI. */
export function locationUpdateReject(fields: { imsi: string; rejectCause: number; lai?: Lai }): Buffer {
  return message(SGSAP_MESSAGES.locationUpdateReject, [encodeImsi(fields.imsi), u8(IEI.rejectCause, fields.rejectCause), ...(fields.lai ? [encodeLai(fields.lai)] : [])]);
}

/** SGsAP-EPS-DETACH-INDICATION (§8.6): IMSI, MME name, IMSI detach from EPS service type. */
export function epsDetachIndication(fields: { imsi: string; mmeName: string; type: EpsDetachType }): Buffer {
  return message(SGSAP_MESSAGES.epsDetachIndication, [encodeImsi(fields.imsi), encodeMmeName(fields.mmeName), u8(IEI.imsiDetachFromEpsServiceType, EPS_DETACH_TYPES[fields.type])]);
}

/** SGsAP-EPS-DETACH-ACK (§8.5): IMSI. */
export function epsDetachAck(fields: { imsi: string }): Buffer {
  return message(SGSAP_MESSAGES.epsDetachAck, [encodeImsi(fields.imsi)]);
}

/** SGsAP-IMSI-DETACH-INDICATION (§8.8): IMSI, MME name, IMSI detach from non-EPS service type. */
export function imsiDetachIndication(fields: { imsi: string; mmeName: string; type: NonEpsDetachType }): Buffer {
  return message(SGSAP_MESSAGES.imsiDetachIndication, [encodeImsi(fields.imsi), encodeMmeName(fields.mmeName), u8(IEI.imsiDetachFromNonEpsServiceType, NON_EPS_DETACH_TYPES[fields.type])]);
}

/** SGsAP-IMSI-DETACH-ACK (§8.7): IMSI. */
export function imsiDetachAck(fields: { imsi: string }): Buffer {
  return message(SGSAP_MESSAGES.imsiDetachAck, [encodeImsi(fields.imsi)]);
}

/** The SGsAP message names of one exchange, request and answer, as TS 29.118 §8 writes them. */
export function sgsapMessages(procedure: string, failed: boolean, rejectCause?: number): { request: string; answer: string } {
  switch (procedure) {
    case 'SGsAP-Location-Update':
      return { request: 'SGsAP-LOCATION-UPDATE-REQUEST', answer: failed ? `SGsAP-LOCATION-UPDATE-REJECT${rejectCause === undefined ? '' : ` #${rejectCause}`}` : 'SGsAP-LOCATION-UPDATE-ACCEPT' };
    case 'SGsAP-EPS-Detach':
      return { request: 'SGsAP-EPS-DETACH-INDICATION', answer: 'SGsAP-EPS-DETACH-ACK' };
    case 'SGsAP-IMSI-Detach':
      return { request: 'SGsAP-IMSI-DETACH-INDICATION', answer: 'SGsAP-IMSI-DETACH-ACK' };
    default:
      throw new Error(`${procedure} is not an SGsAP procedure`);
  }
}
