/**
 * SCCP connectionless messages (ITU-T Q.713) and their M3UA carriage (RFC 4666), as MAP needs them:
 * global-title addressed unitdata between an HLR (SSN 6) and a VLR (SSN 7).
 */
import { encodeGtDigits } from './tbcd';

/** Subsystem numbers (TS 23.003 §8.1; ITU-T Q.713 Annex B). */
export const SSN = { HLR: 6, VLR: 7, MSC: 8, EIR: 9, RANAP: 142, SGSN: 149, BSSAP: 254 } as const;

export interface SccpAddress {
  readonly ssn: number;
  /**
   * Route on point code and SSN instead of the global title (Q.713 §3.4.1, address indicator 0x43), as the
   * A and Iu-CS interfaces between a BSC/RNC and its MSC do.
   */
  readonly pc?: number;
  /** Global-title digits: an E.164 number, or an E.214 mobile global title (numberingPlan 'E.214'); unused with `pc`. */
  readonly gt: string;
  /** E.164 unless said otherwise. */
  readonly numberingPlan?: 'E.164' | 'E.214';
}

/** Numbering plan E.164 and nature of address "international number" of a GTI 4 global title (Q.713 §3.4.2.3.3). */
const NP_E164 = 1;
/** Numbering plan "ISDN/mobile" (E.214), the mobile global title derived from an IMSI (Q.713 §3.4.2.3.3, TS 23.003 §12.1). */
const NP_E214 = 7;
const NAI_INTERNATIONAL = 4;
/** Address indicator: route on GT (bit 7 = 0), GTI 4 (bits 6-3), SSN present (bit 2), no point code (Q.713 §3.4.1). */
const AI_GT4_SSN = 0x12;
/** Address indicator: route on SSN (bit 7), no GT, SSN present (bit 2), point code present (bit 1). */
const AI_PC_SSN = 0x43;

/** Called/calling party address contents (without its length octet). */
export function sccpAddress(address: SccpAddress): Buffer {
  if (address.pc !== undefined) return Buffer.from([AI_PC_SSN, address.pc & 0xff, (address.pc >> 8) & 0x3f, address.ssn & 0xff]);
  const { bytes, encodingScheme } = encodeGtDigits(address.gt);
  const np = address.numberingPlan === 'E.214' ? NP_E214 : NP_E164;
  return Buffer.concat([Buffer.from([AI_GT4_SSN, address.ssn & 0xff, 0x00, (np << 4) | encodingScheme, NAI_INTERNATIONAL]), bytes]);
}

/** Protocol class 0 with "return message on error" (Q.713 §3.6). */
const CLASS0_RETURN_ON_ERROR = 0x80;
const UDT = 0x09;
const LUDT = 0x13;
/** Q.713 §4.20: SCCP hop counter initial value, at most 15. */
const HOP_COUNTER = 15;

/** UDT (Q.713 §4.10): type, class, three 1-octet pointers, then called, calling and data, each length-prefixed. */
export function sccpUdt(called: SccpAddress, calling: SccpAddress, data: Buffer): Buffer {
  const cd = sccpAddress(called);
  const cg = sccpAddress(calling);
  if (data.length > 255) throw new RangeError(`UDT data of ${data.length} octets exceeds 255`);
  // Each pointer counts from its own octet to the length octet of its part.
  const header = Buffer.from([UDT, CLASS0_RETURN_ON_ERROR, 3, 3 + cd.length, 3 + cd.length + cg.length, cd.length]);
  return Buffer.concat([header, cd, Buffer.from([cg.length]), cg, Buffer.from([data.length]), data]);
}

/**
 * LUDT (Q.713 §4.20) for TCAP messages beyond UDT's 255 octets (a five-quintuplet SAI result): 2-octet
 * pointers and a 2-octet data length; no optional part.
 */
export function sccpLudt(called: SccpAddress, calling: SccpAddress, data: Buffer): Buffer {
  const cd = sccpAddress(called);
  const cg = sccpAddress(calling);
  const out = Buffer.alloc(3 + 8 + 1 + cd.length + 1 + cg.length + 2 + data.length);
  out[0] = LUDT;
  out[1] = CLASS0_RETURN_ON_ERROR;
  out[2] = HOP_COUNTER;
  const calledAt = 11;
  const callingAt = calledAt + 1 + cd.length;
  const dataAt = callingAt + 1 + cg.length;
  // A 2-octet pointer counts from its second (most significant) octet, as Wireshark reads Q.713 §4.20.
  out.writeUInt16LE(calledAt - 4, 3);
  out.writeUInt16LE(callingAt - 6, 5);
  out.writeUInt16LE(dataAt - 8, 7);
  out.writeUInt16LE(0, 9);
  out[calledAt] = cd.length;
  cd.copy(out, calledAt + 1);
  out[callingAt] = cg.length;
  cg.copy(out, callingAt + 1);
  out.writeUInt16LE(data.length, dataAt);
  data.copy(out, dataAt + 2);
  return out;
}

/** UDT when the data fits, LUDT otherwise. */
export function sccpUnitdata(called: SccpAddress, calling: SccpAddress, data: Buffer): Buffer {
  return data.length <= 255 ? sccpUdt(called, calling, data) : sccpLudt(called, calling, data);
}

export interface M3uaRouting {
  readonly opc: number;
  readonly dpc: number;
  /** Network indicator: 0 international, 2 national. */
  readonly ni?: number;
  readonly sls?: number;
}

/** M3UA SI of SCCP (Q.704 §14.2.1). */
const SI_SCCP = 3;

/**
 * M3UA DATA (RFC 4666 §3.3.1): common header (version 1, class 1 transfer, type 1), then the Protocol Data
 * parameter 0x0210 {OPC, DPC, SI, NI, MP, SLS, user data}. Parameter length excludes its padding; the
 * message length includes it (§3.2).
 */
export function m3uaData(routing: M3uaRouting, sccp: Buffer): Buffer {
  const paramLength = 4 + 12 + sccp.length;
  const padded = (paramLength + 3) & ~3;
  const out = Buffer.alloc(8 + padded);
  out[0] = 1;
  out[2] = 1;
  out[3] = 1;
  out.writeUInt32BE(out.length, 4);
  out.writeUInt16BE(0x0210, 8);
  out.writeUInt16BE(paramLength, 10);
  out.writeUInt32BE(routing.opc >>> 0, 12);
  out.writeUInt32BE(routing.dpc >>> 0, 16);
  out[20] = SI_SCCP;
  out[21] = routing.ni ?? 0;
  out[22] = 0;
  out[23] = (routing.sls ?? 0) & 0x0f;
  sccp.copy(out, 24);
  return out;
}

/** M3UA network indicator 3: national spare (Q.704 §14.2.1), the lab's own point-code space. */
export const SYNTHETIC_NI = 3;
