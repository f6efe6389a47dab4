/**
 * Diameter base (RFC 6733) and the S6a application (TS 29.272) messages the roaming journeys use.
 */
import { VENDOR_3GPP } from './codes';
import { encodeTbcd } from './tbcd';

export const S6A_APPLICATION_ID = 16777251;

export const S6A_COMMANDS = {
  updateLocation: 316,
  cancelLocation: 317,
  authenticationInformation: 318,
  insertSubscriberData: 319,
  purgeUe: 321,
} as const;

/** Command flags (RFC 6733 §3). */
export const FLAG_REQUEST = 0x80;
export const FLAG_PROXIABLE = 0x40;
export const FLAG_ERROR = 0x20;
export const FLAG_RETRANSMIT = 0x10;

/** AVP flags (RFC 6733 §4.1). */
const AVP_VENDOR = 0x80;
const AVP_MANDATORY = 0x40;

/** AVP codes: base from RFC 6733 §4.5, 3GPP from TS 29.272 Table 7.3.1/1, 29.212 and 29.329. */
export const AVP = {
  userName: 1,
  authApplicationId: 258,
  vendorSpecificApplicationId: 260,
  sessionId: 263,
  originHost: 264,
  vendorId: 266,
  resultCode: 268,
  authSessionState: 277,
  destinationRealm: 283,
  destinationHost: 293,
  originRealm: 296,
  experimentalResult: 297,
  experimentalResultCode: 298,
  msisdn: 701,
  ratType: 1032,
  subscriptionData: 1400,
  ulrFlags: 1405,
  ulaFlags: 1406,
  visitedPlmnId: 1407,
  requestedEutranAuthenticationInfo: 1408,
  numberOfRequestedVectors: 1410,
  reSynchronizationInfo: 1411,
  immediateResponsePreferred: 1412,
  authenticationInfo: 1413,
  eutranVector: 1414,
  networkAccessMode: 1417,
  itemNumber: 1419,
  cancellationType: 1420,
  subscriberStatus: 1424,
  puaFlags: 1442,
  rand: 1447,
  xres: 1448,
  autn: 1449,
  kasme: 1450,
  purFlags: 1635,
  clrFlags: 1638,
} as const;

/** RAT-Type (29.212 §5.3.31). */
export const RAT_TYPES = { UTRAN: 1000, GERAN: 1001, GAN: 1002, HSPA_EVOLUTION: 1003, EUTRAN: 1004, 'EUTRAN-NB-IoT': 1005, 'NG-RAN': 1006, 'LTE-M': 1007 } as const;

/** Cancellation-Type (29.272 §7.3.24). */
export const S6A_CANCELLATION_TYPES = {
  MME_UPDATE_PROCEDURE: 0,
  SGSN_UPDATE_PROCEDURE: 1,
  SUBSCRIPTION_WITHDRAWAL: 2,
  UPDATE_PROCEDURE_IWF: 3,
  INITIAL_ATTACH_PROCEDURE: 4,
} as const;

const NO_STATE_MAINTAINED = 1;

// ---- AVP encoding (RFC 6733 §4.1): code, flags, 24-bit length without padding, [vendor], data, pad to 4 ----

export interface AvpOptions {
  /** 3GPP vendor id present (V flag). */
  readonly vendor?: boolean;
  /** M flag; defaults to true. */
  readonly mandatory?: boolean;
}

export function avp(code: number, data: Buffer, options: AvpOptions = {}): Buffer {
  const vendor = options.vendor ?? false;
  const mandatory = options.mandatory ?? true;
  const headerLength = vendor ? 12 : 8;
  const length = headerLength + data.length;
  const out = Buffer.alloc((length + 3) & ~3);
  out.writeUInt32BE(code, 0);
  out[4] = (vendor ? AVP_VENDOR : 0) | (mandatory ? AVP_MANDATORY : 0);
  out.writeUIntBE(length, 5, 3);
  if (vendor) out.writeUInt32BE(VENDOR_3GPP, 8);
  data.copy(out, headerLength);
  return out;
}

const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};

export const avpUnsigned32 = (code: number, value: number, options?: AvpOptions): Buffer => avp(code, u32(value), options);
export const avpUtf8 = (code: number, value: string, options?: AvpOptions): Buffer => avp(code, Buffer.from(value, 'utf8'), options);
export const avpGrouped = (code: number, children: readonly Buffer[], options?: AvpOptions): Buffer => avp(code, Buffer.concat(children), options);

/** A 3GPP AVP with V and M set (0xC0), the usual S6a case. */
const vm = { vendor: true, mandatory: true } as const;
/** A 3GPP AVP whose spec row says M must not be set (0x80): RAT-Type, PUR-Flags, CLR-Flags. */
const vOnly = { vendor: true, mandatory: false } as const;

// ---- Message header (RFC 6733 §3) ----

export interface DiameterHeader {
  readonly commandCode: number;
  readonly flags: number;
  readonly applicationId?: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
}

export function diameterMessage(header: DiameterHeader, avps: readonly Buffer[]): Buffer {
  const body = Buffer.concat(avps);
  const out = Buffer.alloc(20 + body.length);
  out[0] = 1;
  out.writeUIntBE(out.length, 1, 3);
  out[4] = header.flags;
  out.writeUIntBE(header.commandCode, 5, 3);
  out.writeUInt32BE(header.applicationId ?? S6A_APPLICATION_ID, 8);
  out.writeUInt32BE(header.hopByHop >>> 0, 12);
  out.writeUInt32BE(header.endToEnd >>> 0, 16);
  body.copy(out, 20);
  return out;
}

// ---- S6a messages ----

export interface Peer {
  readonly host: string;
  readonly realm: string;
}

export interface RequestBase {
  readonly sessionId: string;
  readonly origin: Peer;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly hopByHop: number;
  readonly endToEnd: number;
  /** T flag: a retransmission after a failover or a timeout (RFC 6733 §3). */
  readonly retransmit?: boolean;
}

export interface AnswerBase {
  readonly sessionId: string;
  readonly origin: Peer;
  readonly hopByHop: number;
  readonly endToEnd: number;
  /** Absent: DIAMETER_SUCCESS. */
  readonly result?: DiameterResult;
}

export type DiameterResult = { readonly resultCode: number } | { readonly experimentalResultCode: number; readonly vendorId?: number };

function vendorSpecificApplicationId(): Buffer {
  return avpGrouped(AVP.vendorSpecificApplicationId, [avpUnsigned32(AVP.vendorId, VENDOR_3GPP), avpUnsigned32(AVP.authApplicationId, S6A_APPLICATION_ID)]);
}

function requestFlags(base: RequestBase): number {
  return FLAG_REQUEST | FLAG_PROXIABLE | (base.retransmit ? FLAG_RETRANSMIT : 0);
}

/** The fixed head of every S6a request (29.272 §7.2 ABNF order). */
function requestHead(base: RequestBase, userName: string): Buffer[] {
  return [
    avpUtf8(AVP.sessionId, base.sessionId),
    vendorSpecificApplicationId(),
    avpUnsigned32(AVP.authSessionState, NO_STATE_MAINTAINED),
    avpUtf8(AVP.originHost, base.origin.host),
    avpUtf8(AVP.originRealm, base.origin.realm),
    ...(base.destinationHost !== undefined ? [avpUtf8(AVP.destinationHost, base.destinationHost)] : []),
    avpUtf8(AVP.destinationRealm, base.destinationRealm),
    avpUtf8(AVP.userName, userName),
  ];
}

function resultAvp(result: DiameterResult | undefined): Buffer {
  if (result === undefined) return avpUnsigned32(AVP.resultCode, 2001);
  if ('resultCode' in result) return avpUnsigned32(AVP.resultCode, result.resultCode);
  return avpGrouped(AVP.experimentalResult, [avpUnsigned32(AVP.vendorId, result.vendorId ?? VENDOR_3GPP), avpUnsigned32(AVP.experimentalResultCode, result.experimentalResultCode)]);
}

/** Protocol errors (3xxx) travel in an answer with the E bit (RFC 6733 §7.1.3, §7.2). */
export function isProtocolError(result: DiameterResult | undefined): boolean {
  return result !== undefined && 'resultCode' in result && result.resultCode >= 3000 && result.resultCode < 4000;
}

export function isSuccess(result: DiameterResult | undefined): boolean {
  return result === undefined || ('resultCode' in result && result.resultCode >= 2000 && result.resultCode < 3000);
}

function answer(commandCode: number, base: AnswerBase, body: readonly Buffer[]): Buffer {
  const header = { commandCode, hopByHop: base.hopByHop, endToEnd: base.endToEnd };
  if (isProtocolError(base.result)) {
    // RFC 6733 §7.2 answer-message: Session-Id, Origin-Host, Origin-Realm, Result-Code.
    return diameterMessage({ ...header, flags: FLAG_PROXIABLE | FLAG_ERROR }, [
      avpUtf8(AVP.sessionId, base.sessionId),
      avpUtf8(AVP.originHost, base.origin.host),
      avpUtf8(AVP.originRealm, base.origin.realm),
      resultAvp(base.result),
    ]);
  }
  return diameterMessage({ ...header, flags: FLAG_PROXIABLE }, [
    avpUtf8(AVP.sessionId, base.sessionId),
    vendorSpecificApplicationId(),
    resultAvp(base.result),
    avpUnsigned32(AVP.authSessionState, NO_STATE_MAINTAINED),
    avpUtf8(AVP.originHost, base.origin.host),
    avpUtf8(AVP.originRealm, base.origin.realm),
    ...(isSuccess(base.result) ? body : []),
  ]);
}

/** MSISDN (29.329 §6.3.2): TBCD digits of the international number, no nature-of-address octet. */
function subscriptionData(msisdn: string | undefined): Buffer {
  const children: Buffer[] = [];
  if (msisdn !== undefined) children.push(avp(AVP.msisdn, encodeTbcd(msisdn), vm));
  children.push(avpUnsigned32(AVP.subscriberStatus, 0, vm)); // SERVICE_GRANTED
  children.push(avpUnsigned32(AVP.networkAccessMode, 2, vm)); // ONLY_PACKET
  return avpGrouped(AVP.subscriptionData, children, vm);
}

/** ULR (29.272 §7.2.3). */
export function updateLocationRequest(base: RequestBase, r: { userName: string; ratType: number; ulrFlags: number; visitedPlmnId: Buffer }): Buffer {
  return diameterMessage({ commandCode: S6A_COMMANDS.updateLocation, flags: requestFlags(base), hopByHop: base.hopByHop, endToEnd: base.endToEnd }, [
    ...requestHead(base, r.userName),
    avpUnsigned32(AVP.ratType, r.ratType, vOnly),
    avpUnsigned32(AVP.ulrFlags, r.ulrFlags, vm),
    avp(AVP.visitedPlmnId, r.visitedPlmnId, vm),
  ]);
}

/** ULA (29.272 §7.2.4). */
/** ULA (29.272 §7.2.4); `subscriptionData` is a prebuilt Subscription-Data AVP (s6a-subscription.ts), else a minimal one. */
export function updateLocationAnswer(base: AnswerBase, r: { ulaFlags?: number; msisdn?: string; subscriptionData?: Buffer }): Buffer {
  const body: Buffer[] = [];
  if (r.ulaFlags !== undefined) body.push(avpUnsigned32(AVP.ulaFlags, r.ulaFlags, vm));
  body.push(r.subscriptionData ?? subscriptionData(r.msisdn));
  return answer(S6A_COMMANDS.updateLocation, base, body);
}

/**
 * AIR (29.272 §7.2.5). After a synch failure `resync` is RAND ‖ AUTS (30 octets): Re-Synchronization-Info
 * inside Requested-EUTRAN-Authentication-Info (§7.3.11, §7.3.15).
 */
export function authenticationInformationRequest(base: RequestBase, r: { userName: string; numberOfRequestedVectors: number; visitedPlmnId: Buffer; resync?: Buffer }): Buffer {
  return diameterMessage({ commandCode: S6A_COMMANDS.authenticationInformation, flags: requestFlags(base), hopByHop: base.hopByHop, endToEnd: base.endToEnd }, [
    ...requestHead(base, r.userName),
    avpGrouped(
      AVP.requestedEutranAuthenticationInfo,
      [
        avpUnsigned32(AVP.numberOfRequestedVectors, r.numberOfRequestedVectors, vm),
        avpUnsigned32(AVP.immediateResponsePreferred, 1, vm),
        ...(r.resync ? [avp(AVP.reSynchronizationInfo, r.resync, vm)] : []),
      ],
      vm,
    ),
    avp(AVP.visitedPlmnId, r.visitedPlmnId, vm),
  ]);
}

export interface EutranVector { rand: Buffer; xres: Buffer; autn: Buffer; kasme: Buffer }

/** AIA (29.272 §7.2.6): Authentication-Info { E-UTRAN-Vector { Item-Number, RAND, XRES, AUTN, KASME } … }. */
export function authenticationInformationAnswer(base: AnswerBase, r: { eutranVectors?: readonly EutranVector[] }): Buffer {
  const vectors = (r.eutranVectors ?? []).map((v, i) =>
    avpGrouped(
      AVP.eutranVector,
      [avpUnsigned32(AVP.itemNumber, i + 1, vm), avp(AVP.rand, v.rand, vm), avp(AVP.xres, v.xres, vm), avp(AVP.autn, v.autn, vm), avp(AVP.kasme, v.kasme, vm)],
      vm,
    ),
  );
  return answer(S6A_COMMANDS.authenticationInformation, base, vectors.length > 0 ? [avpGrouped(AVP.authenticationInfo, vectors, vm)] : []);
}

/** CLR (29.272 §7.2.7): Destination-Host is required, the HSS names the MME. */
export function cancelLocationRequest(base: RequestBase, r: { userName: string; cancellationType: number; clrFlags?: number }): Buffer {
  return diameterMessage({ commandCode: S6A_COMMANDS.cancelLocation, flags: requestFlags(base), hopByHop: base.hopByHop, endToEnd: base.endToEnd }, [
    ...requestHead(base, r.userName),
    avpUnsigned32(AVP.cancellationType, r.cancellationType, vm),
    ...(r.clrFlags !== undefined ? [avpUnsigned32(AVP.clrFlags, r.clrFlags, vOnly)] : []),
  ]);
}

export function cancelLocationAnswer(base: AnswerBase): Buffer {
  return answer(S6A_COMMANDS.cancelLocation, base, []);
}

/** PUR (29.272 §7.2.13). */
export function purgeUeRequest(base: RequestBase, r: { userName: string; purFlags?: number }): Buffer {
  return diameterMessage({ commandCode: S6A_COMMANDS.purgeUe, flags: requestFlags(base), hopByHop: base.hopByHop, endToEnd: base.endToEnd }, [
    ...requestHead(base, r.userName),
    ...(r.purFlags !== undefined ? [avpUnsigned32(AVP.purFlags, r.purFlags, vOnly)] : []),
  ]);
}

export function purgeUeAnswer(base: AnswerBase, r: { puaFlags?: number }): Buffer {
  return answer(S6A_COMMANDS.purgeUe, base, r.puaFlags !== undefined ? [avpUnsigned32(AVP.puaFlags, r.puaFlags, vm)] : []);
}

/** IDR (29.272 §7.2.9). */
export function insertSubscriberDataRequest(base: RequestBase, r: { userName: string; msisdn?: string; subscriptionData?: Buffer }): Buffer {
  return diameterMessage({ commandCode: S6A_COMMANDS.insertSubscriberData, flags: requestFlags(base), hopByHop: base.hopByHop, endToEnd: base.endToEnd }, [
    ...requestHead(base, r.userName),
    r.subscriptionData ?? subscriptionData(r.msisdn),
  ]);
}

export function insertSubscriberDataAnswer(base: AnswerBase): Buffer {
  return answer(S6A_COMMANDS.insertSubscriberData, base, []);
}
