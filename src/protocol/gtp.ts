/**
 * GTP control plane for the home-routed data session: GTPv2-C on S8 (TS 29.274) between the visited SGW
 * and the home PGW, GTPv1-C on Gp (TS 29.060) between the visited SGSN and the home GGSN. Only the
 * messages and information elements the simulation signals, encoded as the specifications lay them out.
 */
import { encodeTbcd } from './tbcd';
import { encodePlmnId, parsePlmn } from './plmn';

export const GTPV2_PORT = 2123;
export const GTPV1_C_PORT = 2123;

export const GTPV2_MESSAGES = { createSessionRequest: 32, createSessionResponse: 33, deleteSessionRequest: 36, deleteSessionResponse: 37 } as const;
export const GTPV1_MESSAGES = { createPdpContextRequest: 16, createPdpContextResponse: 17, deletePdpContextRequest: 20, deletePdpContextResponse: 21 } as const;

// ---- GTPv2-C (29.274 §5.1 header, §8 IEs) ----

/** IE type, 2-octet length, spare/instance, value (§8.2.1). */
function ie2(type: number, value: Buffer, instance = 0): Buffer {
  const out = Buffer.alloc(4 + value.length);
  out[0] = type;
  out.writeUInt16BE(value.length, 1);
  out[3] = instance & 0x0f;
  value.copy(out, 4);
  return out;
}

const u8 = (value: number): Buffer => Buffer.from([value & 0xff]);
const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};

/** APN as DNS labels (23.003 §9.1). */
export function encodeApn(apn: string): Buffer {
  return Buffer.concat(apn.split('.').map((label) => Buffer.concat([u8(label.length), Buffer.from(label, 'ascii')])));
}

/** F-TEID (§8.22): V4 flag with the interface type, TEID, IPv4 address. */
function fteid(interfaceType: number, teid: number, ip: readonly number[], instance: number): Buffer {
  return ie2(87, Buffer.concat([u8(0x80 | (interfaceType & 0x3f)), u32(teid), Buffer.from(ip)]), instance);
}

/** F-TEID interface types (§8.22, Table 8.22-1). */
const S8_SGW_GTPU = 4;
const S8_PGW_GTPU = 5;
const S8_SGW_GTPC = 6;
const S8_PGW_GTPC = 7;

function gtpv2Message(type: number, teid: number, sequence: number, ies: readonly Buffer[]): Buffer {
  const body = Buffer.concat(ies);
  const out = Buffer.alloc(12 + body.length);
  out[0] = 0x48; // version 2, P=0, T=1
  out[1] = type;
  out.writeUInt16BE(8 + body.length, 2);
  out.writeUInt32BE(teid >>> 0, 4);
  out.writeUIntBE(sequence & 0xffffff, 8, 3);
  body.copy(out, 12);
  return out;
}

/** Bearer QoS (§8.15): ARP, QCI 9, MBR/GBR zero (a non-GBR default bearer). */
function bearerQos(): Buffer {
  const value = Buffer.alloc(22);
  value[0] = (9 << 2) | 0x01; // priority level 9, PVI 1
  value[1] = 9;
  return ie2(80, value);
}

function cause(value: number): Buffer {
  return ie2(2, Buffer.from([value, 0]));
}

export interface CreateSessionRequest {
  readonly sequence: number;
  readonly imsi: string;
  readonly msisdn?: string;
  readonly ratType: number;
  readonly servingNetwork: string;
  readonly apn: string;
  readonly senderTeid: number;
  readonly sgwIp: readonly number[];
  readonly ebi: number;
  readonly chargingCharacteristics: string;
}

export function createSessionRequest(r: CreateSessionRequest): Buffer {
  return gtpv2Message(GTPV2_MESSAGES.createSessionRequest, 0, r.sequence, [
    ie2(1, encodeTbcd(r.imsi)),
    ...(r.msisdn ? [ie2(76, encodeTbcd(r.msisdn))] : []),
    ie2(83, encodePlmnId(parsePlmn(r.servingNetwork, 'serving network'))),
    ie2(82, u8(r.ratType)),
    fteid(S8_SGW_GTPC, r.senderTeid, r.sgwIp, 0),
    ie2(71, encodeApn(r.apn)),
    ie2(128, u8(0)), // selection mode: MS or network provided APN, subscription verified
    ie2(99, u8(1)), // PDN type IPv4
    ie2(79, Buffer.from([1, 0, 0, 0, 0])), // PAA: IPv4, address to be allocated
    ie2(127, u8(0)), // APN restriction
    ie2(93, Buffer.concat([ie2(73, u8(r.ebi)), fteid(S8_SGW_GTPU, r.senderTeid, r.sgwIp, 2), bearerQos()])),
    ie2(95, Buffer.from(r.chargingCharacteristics, 'hex')),
  ]);
}

export interface CreateSessionResponse {
  readonly sequence: number;
  readonly peerTeid: number;
  readonly cause: number;
  readonly teid: number;
  readonly pgwIp: readonly number[];
  readonly ueIp: readonly number[];
  readonly ebi: number;
  readonly chargingId: number;
}

export function createSessionResponse(r: CreateSessionResponse): Buffer {
  const accepted = r.cause >= 16 && r.cause <= 63;
  return gtpv2Message(GTPV2_MESSAGES.createSessionResponse, r.peerTeid, r.sequence, [
    cause(r.cause),
    ...(accepted
      ? [
          fteid(S8_PGW_GTPC, r.teid, r.pgwIp, 1),
          ie2(79, Buffer.from([1, ...r.ueIp])),
          ie2(127, u8(0)),
          ie2(93, Buffer.concat([ie2(73, u8(r.ebi)), cause(r.cause), fteid(S8_PGW_GTPU, r.teid, r.pgwIp, 2), ie2(94, u32(r.chargingId))])),
        ]
      : []),
  ]);
}

export function deleteSessionRequest(r: { sequence: number; teid: number; ebi: number }): Buffer {
  return gtpv2Message(GTPV2_MESSAGES.deleteSessionRequest, r.teid, r.sequence, [ie2(73, u8(r.ebi))]);
}

export function deleteSessionResponse(r: { sequence: number; peerTeid: number; cause: number }): Buffer {
  return gtpv2Message(GTPV2_MESSAGES.deleteSessionResponse, r.peerTeid, r.sequence, [cause(r.cause)]);
}

// ---- GTPv1-C (29.060 §6 header, §7.7 IEs: TV types below 128, TLV from 128, in ascending order) ----

function tv(type: number, value: Buffer): Buffer {
  return Buffer.concat([u8(type), value]);
}

function tlv(type: number, value: Buffer): Buffer {
  const out = Buffer.alloc(3 + value.length);
  out[0] = type;
  out.writeUInt16BE(value.length, 1);
  value.copy(out, 3);
  return out;
}

function gtpv1Message(type: number, teid: number, sequence: number, ies: readonly Buffer[]): Buffer {
  const body = Buffer.concat(ies);
  const out = Buffer.alloc(12 + body.length);
  out[0] = 0x32; // version 1, PT=1, S=1
  out[1] = type;
  out.writeUInt16BE(4 + body.length, 2);
  out.writeUInt32BE(teid >>> 0, 4);
  out.writeUInt16BE(sequence & 0xffff, 8);
  body.copy(out, 12);
  return out;
}

/** QoS Profile (§7.7.34): ARP 2, then the R97 octets: background class, best effort. */
function qosProfile(): Buffer {
  return tlv(135, Buffer.from([0x02, 0x0b, 0x92, 0x1f]));
}

/** IMSI (§7.7.2): always 8 octets of TBCD, filled with F. */
function imsiTv(imsi: string): Buffer {
  const digits = encodeTbcd(imsi);
  return digits.length >= 8 ? digits.subarray(0, 8) : Buffer.concat([digits, Buffer.alloc(8 - digits.length, 0xff)]);
}

export interface CreatePdpContextRequest {
  readonly sequence: number;
  readonly imsi: string;
  readonly msisdn?: string;
  readonly ratType: number;
  readonly apn: string;
  readonly teid: number;
  readonly sgsnIp: readonly number[];
  readonly nsapi: number;
  readonly chargingCharacteristics: string;
}

export function createPdpContextRequest(r: CreatePdpContextRequest): Buffer {
  return gtpv1Message(GTPV1_MESSAGES.createPdpContextRequest, 0, r.sequence, [
    tv(2, imsiTv(r.imsi)),
    tv(15, u8(0xfc)), // selection mode: MS or network provided APN, subscription verified (spare bits 1)
    tv(16, u32(r.teid)),
    tv(17, u32(r.teid)),
    tv(20, u8(r.nsapi)),
    tv(26, Buffer.from(r.chargingCharacteristics, 'hex')),
    tlv(128, Buffer.from([0xf1, 0x21])), // end user address: IETF, IPv4, to be allocated
    tlv(131, encodeApn(r.apn)),
    tlv(133, Buffer.from(r.sgsnIp)),
    tlv(133, Buffer.from(r.sgsnIp)),
    ...(r.msisdn ? [tlv(134, Buffer.concat([u8(0x91), encodeTbcd(r.msisdn)]))] : []),
    qosProfile(),
    tlv(151, u8(r.ratType)),
  ]);
}

export interface CreatePdpContextResponse {
  readonly sequence: number;
  readonly peerTeid: number;
  readonly cause: number;
  readonly teid: number;
  readonly ggsnIp: readonly number[];
  readonly ueIp: readonly number[];
  readonly chargingId: number;
}

export function createPdpContextResponse(r: CreatePdpContextResponse): Buffer {
  const accepted = r.cause >= 128 && r.cause < 192;
  return gtpv1Message(GTPV1_MESSAGES.createPdpContextResponse, r.peerTeid, r.sequence, [
    tv(1, u8(r.cause)),
    ...(accepted
      ? [
          tv(8, u8(0xfe)), // reordering not required (spare bits 1)
          tv(16, u32(r.teid)),
          tv(17, u32(r.teid)),
          tv(127, u32(r.chargingId)),
          tlv(128, Buffer.from([0xf1, 0x21, ...r.ueIp])),
          tlv(133, Buffer.from(r.ggsnIp)),
          tlv(133, Buffer.from(r.ggsnIp)),
          qosProfile(),
        ]
      : []),
  ]);
}

export function deletePdpContextRequest(r: { sequence: number; teid: number; nsapi: number }): Buffer {
  return gtpv1Message(GTPV1_MESSAGES.deletePdpContextRequest, r.teid, r.sequence, [tv(19, u8(0xff)), tv(20, u8(r.nsapi))]);
}

export function deletePdpContextResponse(r: { sequence: number; peerTeid: number; cause: number }): Buffer {
  return gtpv1Message(GTPV1_MESSAGES.deletePdpContextResponse, r.peerTeid, r.sequence, [tv(1, u8(r.cause))]);
}
