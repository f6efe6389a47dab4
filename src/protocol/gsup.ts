import { decodeTbcd, encodeTbcd } from './tbcd';

/**
 * Osmocom GSUP (libosmocore `gsup.h`/`gsup.c`, osmo-gsm-manuals `gsup.adoc`): a message type octet, the IMSI
 * IE first, then TLVs with a 1-octet tag and a 1-octet length. There is no transaction id: results and
 * errors echo the IMSI, errors add a CAUSE (a GMM cause, TS 24.008 §10.5.5.14).
 */

/** Request types; error = request + 1, result = request + 2 (the low two bits give the kind). */
export const GSUP_REQUEST = {
  UpdateLocation: 0x04,
  SendAuthInfo: 0x08,
  PurgeMS: 0x0c,
  InsertSubscriberData: 0x10,
  DeleteSubscriberData: 0x14,
  LocationCancel: 0x1c,
  CheckIMEI: 0x30,
} as const;
export type GsupProcedure = keyof typeof GSUP_REQUEST;

export const GSUP_AUTH_FAIL_REPORT = 0x0b;
export const GSUP_ROUTING_ERROR = 0x4e;

export type GsupKind = 'request' | 'error' | 'result' | 'other';

const PROCEDURE_BY_REQUEST = new Map<number, GsupProcedure>(Object.entries(GSUP_REQUEST).map(([name, type]) => [type, name as GsupProcedure]));

/** The procedure and kind of a message type; undefined for a type this codec does not know. */
export function describeType(type: number): { procedure: GsupProcedure | 'AuthFailureReport' | 'RoutingError'; kind: GsupKind } | undefined {
  if (type === GSUP_AUTH_FAIL_REPORT) return { procedure: 'AuthFailureReport', kind: 'other' };
  if (type === GSUP_ROUTING_ERROR) return { procedure: 'RoutingError', kind: 'error' };
  const procedure = PROCEDURE_BY_REQUEST.get(type & ~0x03);
  const kind = (['request', 'error', 'result', 'other'] as const)[type & 0x03];
  if (!procedure || kind === 'other') return undefined;
  return { procedure, kind };
}

export function errorType(procedure: GsupProcedure): number {
  return GSUP_REQUEST[procedure] + 1;
}

export function resultType(procedure: GsupProcedure): number {
  return GSUP_REQUEST[procedure] + 2;
}

export const GSUP_IE = {
  IMSI: 0x01,
  CAUSE: 0x02,
  AUTH_TUPLE: 0x03,
  PDP_INFO_COMPLETE: 0x04,
  PDP_INFO: 0x05,
  CANCEL_TYPE: 0x06,
  FREEZE_PTMSI: 0x07,
  MSISDN: 0x08,
  HLR_NUMBER: 0x09,
  MESSAGE_CLASS: 0x0a,
  PDP_CONTEXT_ID: 0x10,
  PDP_TYPE: 0x11,
  ACCESS_POINT_NAME: 0x12,
  PDP_QOS: 0x13,
  CHARGING_CHARACTERISTICS: 0x14,
  RAND: 0x20,
  SRES: 0x21,
  KC: 0x22,
  IK: 0x23,
  CK: 0x24,
  AUTN: 0x25,
  AUTS: 0x26,
  RES: 0x27,
  CN_DOMAIN: 0x28,
  SUPPORTED_RAT_TYPES: 0x29,
  CURRENT_RAT_TYPE: 0x2a,
  IMEI: 0x50,
  IMEI_RESULT: 0x51,
  NUM_VECTORS_REQ: 0x52,
  SOURCE_NAME: 0x60,
  DESTINATION_NAME: 0x61,
} as const;

/** CN domain IE values; a message without the IE is treated as PS by osmo-hlr. */
export const CN_DOMAIN = { PS: 1, CS: 2 } as const;
export type CnDomain = keyof typeof CN_DOMAIN;

/** `enum osmo_rat_type` as carried in CURRENT_RAT_TYPE; 3 asks for E-UTRAN vectors (AMF separation bit). */
export const GSUP_RAT = { UNKNOWN: 0, GERAN_A: 1, UTRAN_IU: 2, EUTRAN_SGS: 3 } as const;

export const CANCEL_TYPE = { update: 0, withdraw: 1 } as const;

export interface AuthTuple {
  rand: Buffer;
  sres?: Buffer;
  kc?: Buffer;
  ik?: Buffer;
  ck?: Buffer;
  autn?: Buffer;
  res?: Buffer;
}

export interface PdpInfo {
  contextId?: number;
  pdpType?: Buffer;
  /** Dotted APN text; `*` is the wildcard osmo-hlr sends. */
  apn?: string;
  qos?: Buffer;
}

/** One GSUP message. Unknown IEs are kept so a relay or a test sees them; the codec never drops octets silently. */
export interface GsupMessage {
  type: number;
  imsi: string;
  cause?: number;
  authTuples?: AuthTuple[];
  pdpInfoComplete?: boolean;
  pdpInfo?: PdpInfo[];
  cancelType?: number;
  freezePtmsi?: boolean;
  msisdn?: string;
  hlrNumber?: Buffer;
  messageClass?: number;
  rand?: Buffer;
  auts?: Buffer;
  cnDomain?: CnDomain;
  currentRat?: number;
  supportedRats?: number[];
  imei?: string;
  imeiResult?: number;
  numVectors?: number;
  sourceName?: Buffer;
  destinationName?: Buffer;
  unknownIes?: Array<{ tag: number; value: Buffer }>;
}

/** Why a message could not be decoded, worded for a log line that also names the peer. */
export class GsupDecodeError extends Error {
  constructor(
    readonly problem: 'empty' | 'missing-imsi' | 'ie-overrun' | 'bad-ie',
    detail: string,
    /** The IMSI when it was readable: lets a server answer with an error instead of staying silent. */
    readonly imsi?: string,
  ) {
    super(detail);
    this.name = 'GsupDecodeError';
  }
}

function tlv(tag: number, value: Buffer): Buffer {
  if (value.length > 0xff) throw new RangeError(`GSUP IE 0x${tag.toString(16)} of ${value.length} octets exceeds 255`);
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

function lvDigits(digits: string): Buffer {
  const bcd = encodeTbcd(digits);
  return Buffer.concat([Buffer.from([bcd.length]), bcd]);
}

/** LV-wrapped BCD (MSISDN, IMEI). Lenient: a value without the inner length octet reads as plain BCD. */
function readLvDigits(value: Buffer): string {
  if (value.length >= 1 && value[0] === value.length - 1) return decodeTbcd(value.subarray(1));
  return decodeTbcd(value);
}

/** APN in DNS label form (TS 23.003 §9.1): `01 2a` is the wildcard `*`. */
function encodeApn(apn: string): Buffer {
  return Buffer.concat(apn.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])));
}

function decodeApn(value: Buffer): string {
  const labels: string[] = [];
  for (let at = 0; at < value.length; ) {
    const length = value[at];
    labels.push(value.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return labels.join('.');
}

export function encodeGsup(message: GsupMessage): Buffer {
  const parts: Buffer[] = [Buffer.from([message.type]), tlv(GSUP_IE.IMSI, encodeTbcd(message.imsi))];
  const push = (tag: number, value: Buffer | undefined) => {
    if (value !== undefined) parts.push(tlv(tag, value));
  };
  const byte = (value: number | undefined) => (value === undefined ? undefined : Buffer.from([value]));
  push(GSUP_IE.CAUSE, byte(message.cause));
  for (const tuple of message.authTuples ?? []) {
    const inner: Buffer[] = [tlv(GSUP_IE.RAND, tuple.rand)];
    const add = (tag: number, value: Buffer | undefined) => value && inner.push(tlv(tag, value));
    add(GSUP_IE.SRES, tuple.sres);
    add(GSUP_IE.KC, tuple.kc);
    add(GSUP_IE.IK, tuple.ik);
    add(GSUP_IE.CK, tuple.ck);
    add(GSUP_IE.AUTN, tuple.autn);
    add(GSUP_IE.RES, tuple.res);
    push(GSUP_IE.AUTH_TUPLE, Buffer.concat(inner));
  }
  if (message.pdpInfoComplete) push(GSUP_IE.PDP_INFO_COMPLETE, Buffer.alloc(0));
  for (const pdp of message.pdpInfo ?? []) {
    const inner: Buffer[] = [];
    if (pdp.contextId !== undefined) inner.push(tlv(GSUP_IE.PDP_CONTEXT_ID, Buffer.from([pdp.contextId])));
    if (pdp.pdpType) inner.push(tlv(GSUP_IE.PDP_TYPE, pdp.pdpType));
    if (pdp.apn !== undefined) inner.push(tlv(GSUP_IE.ACCESS_POINT_NAME, encodeApn(pdp.apn)));
    if (pdp.qos) inner.push(tlv(GSUP_IE.PDP_QOS, pdp.qos));
    push(GSUP_IE.PDP_INFO, Buffer.concat(inner));
  }
  push(GSUP_IE.CANCEL_TYPE, byte(message.cancelType));
  // libosmocore sends Freeze-P-TMSI empty; kept so for byte compatibility with osmo-hlr's peers.
  if (message.freezePtmsi) push(GSUP_IE.FREEZE_PTMSI, Buffer.alloc(0));
  if (message.msisdn !== undefined) push(GSUP_IE.MSISDN, lvDigits(message.msisdn));
  push(GSUP_IE.HLR_NUMBER, message.hlrNumber);
  push(GSUP_IE.MESSAGE_CLASS, byte(message.messageClass));
  push(GSUP_IE.RAND, message.rand);
  push(GSUP_IE.AUTS, message.auts);
  push(GSUP_IE.CN_DOMAIN, message.cnDomain === undefined ? undefined : Buffer.from([CN_DOMAIN[message.cnDomain]]));
  if (message.supportedRats) push(GSUP_IE.SUPPORTED_RAT_TYPES, Buffer.from(message.supportedRats));
  push(GSUP_IE.CURRENT_RAT_TYPE, byte(message.currentRat));
  if (message.imei !== undefined) push(GSUP_IE.IMEI, lvDigits(message.imei));
  push(GSUP_IE.IMEI_RESULT, byte(message.imeiResult));
  push(GSUP_IE.NUM_VECTORS_REQ, byte(message.numVectors));
  push(GSUP_IE.SOURCE_NAME, message.sourceName);
  push(GSUP_IE.DESTINATION_NAME, message.destinationName);
  for (const ie of message.unknownIes ?? []) push(ie.tag, ie.value);
  return Buffer.concat(parts);
}

/** Walks `tag len value` entries; throws on an IE that overruns its container. */
function* entries(bytes: Buffer, where: string, imsi?: string): Generator<{ tag: number; value: Buffer; at: number }> {
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) throw new GsupDecodeError('ie-overrun', `${where}: IE header at octet ${at} is cut off`, imsi);
    const tag = bytes[at];
    const length = bytes[at + 1];
    if (at + 2 + length > bytes.length) {
      throw new GsupDecodeError('ie-overrun', `${where}: IE 0x${tag.toString(16).padStart(2, '0')} at octet ${at} claims ${length} octets, ${bytes.length - at - 2} remain`, imsi);
    }
    yield { tag, value: bytes.subarray(at + 2, at + 2 + length), at };
    at += 2 + length;
  }
}

function one(value: Buffer, name: string, imsi?: string): number {
  if (value.length !== 1) throw new GsupDecodeError('bad-ie', `${name} IE has ${value.length} octets, expected 1`, imsi);
  return value[0];
}

export function decodeGsup(bytes: Buffer): GsupMessage {
  if (bytes.length === 0) throw new GsupDecodeError('empty', 'GSUP message is empty (no message type)');
  const type = bytes[0];
  const body = bytes.subarray(1);
  // Find the IMSI first so every later error can name the subscriber it was about.
  let imsi: string | undefined;
  try {
    for (const ie of entries(body, 'GSUP')) {
      if (ie.tag === GSUP_IE.IMSI) {
        imsi = decodeTbcd(ie.value);
        break;
      }
    }
  } catch {
    // Reported below with the full walk.
  }
  const message: GsupMessage = { type, imsi: imsi ?? '' };
  let sawImsi = false;
  for (const { tag, value } of entries(body, `GSUP type 0x${type.toString(16).padStart(2, '0')}`, imsi)) {
    switch (tag) {
      case GSUP_IE.IMSI:
        sawImsi = true;
        break;
      case GSUP_IE.CAUSE:
        message.cause = one(value, 'CAUSE', imsi);
        break;
      case GSUP_IE.AUTH_TUPLE: {
        const tuple: Partial<AuthTuple> = {};
        for (const inner of entries(value, 'auth tuple', imsi)) {
          const key = ({ 0x20: 'rand', 0x21: 'sres', 0x22: 'kc', 0x23: 'ik', 0x24: 'ck', 0x25: 'autn', 0x27: 'res' } as const)[inner.tag as 0x20];
          if (key) tuple[key] = Buffer.from(inner.value);
        }
        if (!tuple.rand) throw new GsupDecodeError('bad-ie', 'auth tuple without RAND', imsi);
        (message.authTuples ??= []).push(tuple as AuthTuple);
        break;
      }
      case GSUP_IE.PDP_INFO_COMPLETE:
        message.pdpInfoComplete = true;
        break;
      case GSUP_IE.PDP_INFO: {
        const pdp: PdpInfo = {};
        for (const inner of entries(value, 'PDP info', imsi)) {
          if (inner.tag === GSUP_IE.PDP_CONTEXT_ID) pdp.contextId = one(inner.value, 'PDP context id', imsi);
          else if (inner.tag === GSUP_IE.PDP_TYPE) pdp.pdpType = Buffer.from(inner.value);
          else if (inner.tag === GSUP_IE.ACCESS_POINT_NAME) pdp.apn = decodeApn(inner.value);
          else if (inner.tag === GSUP_IE.PDP_QOS) pdp.qos = Buffer.from(inner.value);
        }
        (message.pdpInfo ??= []).push(pdp);
        break;
      }
      case GSUP_IE.CANCEL_TYPE:
        message.cancelType = one(value, 'CANCEL_TYPE', imsi);
        break;
      case GSUP_IE.FREEZE_PTMSI:
        message.freezePtmsi = true;
        break;
      case GSUP_IE.MSISDN:
        message.msisdn = readLvDigits(value);
        break;
      case GSUP_IE.HLR_NUMBER:
        message.hlrNumber = Buffer.from(value);
        break;
      case GSUP_IE.MESSAGE_CLASS:
        message.messageClass = one(value, 'MESSAGE_CLASS', imsi);
        break;
      case GSUP_IE.RAND:
        message.rand = Buffer.from(value);
        break;
      case GSUP_IE.AUTS:
        message.auts = Buffer.from(value);
        break;
      case GSUP_IE.CN_DOMAIN: {
        const domain = one(value, 'CN_DOMAIN', imsi);
        if (domain !== CN_DOMAIN.CS && domain !== CN_DOMAIN.PS) throw new GsupDecodeError('bad-ie', `CN_DOMAIN ${domain} is neither 1 (PS) nor 2 (CS)`, imsi);
        message.cnDomain = domain === CN_DOMAIN.CS ? 'CS' : 'PS';
        break;
      }
      case GSUP_IE.SUPPORTED_RAT_TYPES:
        message.supportedRats = [...value];
        break;
      case GSUP_IE.CURRENT_RAT_TYPE:
        message.currentRat = one(value, 'CURRENT_RAT_TYPE', imsi);
        break;
      case GSUP_IE.IMEI:
        message.imei = readLvDigits(value);
        break;
      case GSUP_IE.IMEI_RESULT:
        message.imeiResult = one(value, 'IMEI_RESULT', imsi);
        break;
      case GSUP_IE.NUM_VECTORS_REQ:
        message.numVectors = one(value, 'NUM_VECTORS_REQ', imsi);
        break;
      case GSUP_IE.SOURCE_NAME:
        message.sourceName = Buffer.from(value);
        break;
      case GSUP_IE.DESTINATION_NAME:
        message.destinationName = Buffer.from(value);
        break;
      default:
        (message.unknownIes ??= []).push({ tag, value: Buffer.from(value) });
    }
  }
  if (!sawImsi || !message.imsi) throw new GsupDecodeError('missing-imsi', `GSUP type 0x${type.toString(16).padStart(2, '0')} carries no IMSI IE (0x01), which every GSUP message must`);
  return message;
}
