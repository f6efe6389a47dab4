/**
 * S6a (TS 29.272) messages read from the wire: AIR/AIA, ULR/ULA, PUR/PUA, CLR/CLA, IDR/IDA, as typed values.
 * The encoders are in diameter.ts; these are their inverses, and read what another implementation sends
 * (any AVP order, AVPs this side does not know skipped). A required AVP that is missing or malformed is a
 * DiameterProblem (5005 DIAMETER_MISSING_AVP, 5004 DIAMETER_INVALID_AVP_VALUE) naming the AVP.
 */
import { VENDOR_3GPP } from './codes';
import { AVP, type DiameterResult, type EutranVector, FLAG_RETRANSMIT, RAT_TYPES, S6A_APPLICATION_ID, S6A_COMMANDS, avp } from './diameter';
import { BASE_AVP } from './diameter-base';
import { type DecodedMessage, DiameterProblem, RESULT, type RawAvp, avpText, avpU32, findAll, findAvp, grouped } from './diameter-decode';
import { decodeTbcd } from './tbcd';

/** The 3GPP AVPs roamsim reads or writes on S6a beyond the base ones (TS 29.272 Table 7.3.1/1, 29.212, 29.229). */
const KNOWN_3GPP = new Set<number>([
  ...Object.values(AVP).filter((code) => code >= 700),
  625, 626, // Confidentiality-Key, Integrity-Key
  628, 629, 630, // Supported-Features, Feature-List-ID, Feature-List
  1401, 1402, 1403, // Terminal-Information, IMEI, Software-Version
  1409, 1415, 1416, 1453, 1454, // UTRAN/GERAN vectors and their parts
  1423, 1429, 1430, 1435, 1438, // Context-Identifier, APN-Configuration-Profile, APN-Configuration, AMBR, 3GPP-Charging-Characteristics
  1489, 1614, 1615, 1679, // SGSN-Number, Error-Diagnostic, UE-SRVCC-Capability, AIR-Flags
  1490, 1491, 1492, // IDR-Flags, ICS-Indicator, IMS-Voice-Over-PS-Sessions-Supported
]);

/** Base AVPs (RFC 6733 §4.5 and §8) a message to or from this node may carry. */
const KNOWN_BASE = new Set<number>([
  ...Object.values(AVP).filter((code) => code < 700),
  ...Object.values(BASE_AVP),
  25, 27, // Class, Session-Timeout
  55, // Event-Timestamp
  280, // Proxy-Host
  33, // Proxy-State
  294, // Error-Reporting-Host
  285, 287, // Re-Auth-Request-Type, Accounting-Sub-Session-Id (seen from agents)
  291, // Authorization-Lifetime
  1, 258, 260, 263, 264, 266, 268, 277, 283, 293, 296, 297, 298,
]);

export function knowsS6aAvp(code: number, vendorId: number | undefined): boolean {
  if (vendorId === undefined || vendorId === 0) return KNOWN_BASE.has(code);
  return vendorId === VENDOR_3GPP && KNOWN_3GPP.has(code);
}

export const S6A_REQUEST_COMMANDS: readonly number[] = Object.values(S6A_COMMANDS);

/** TS 24.008 §10.5.1.3 3-octet PLMN id to `MCC-MNC`; undefined when a digit is not a digit. */
export function decodePlmnId(bytes: Buffer): string | undefined {
  if (bytes.length !== 3) return undefined;
  const [a, b, c] = [bytes[0] as number, bytes[1] as number, bytes[2] as number];
  const digits = [a & 0xf, a >> 4, b & 0xf, c & 0xf, c >> 4];
  const mnc3 = b >> 4;
  if (digits.some((d) => d > 9) || (mnc3 > 9 && mnc3 !== 0xf)) return undefined;
  const mcc = `${digits[0]}${digits[1]}${digits[2]}`;
  const mnc = `${digits[3]}${digits[4]}${mnc3 === 0xf ? '' : mnc3}`;
  return `${mcc}-${mnc}`;
}

export interface S6aRequestHead {
  readonly sessionId: string;
  readonly originHost: string;
  readonly originRealm: string;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly userName: string;
  readonly hopByHop: number;
  readonly endToEnd: number;
  /** The T flag: the sender says this may be a retransmission. */
  readonly retransmit: boolean;
}

export interface S6aAnswerHead {
  readonly sessionId: string | undefined;
  readonly originHost: string | undefined;
  readonly originRealm: string | undefined;
  /** Result-Code or Experimental-Result, as sent; undefined when the answer has neither. */
  readonly result: DiameterResult | undefined;
  /** The E bit. */
  readonly protocolError: boolean;
  readonly errorMessage?: string;
}

export interface SubscriptionData {
  readonly msisdn?: string;
  readonly subscriberStatus?: number;
  readonly networkAccessMode?: number;
}

/** `resync`: Re-Synchronization-Info split into RAND (16 octets) and AUTS (14), hex. */
export type AuthenticationInformationRequest = S6aRequestHead & { readonly visitedPlmnId: string; readonly numberOfRequestedVectors: number; readonly resync?: { readonly rand: string; readonly auts: string } };
export type UpdateLocationRequest = S6aRequestHead & { readonly visitedPlmnId: string; readonly ratType: number; readonly ulrFlags: number };
export type PurgeUeRequest = S6aRequestHead & { readonly purFlags?: number };
export type CancelLocationRequest = S6aRequestHead & { readonly cancellationType: number; readonly clrFlags?: number };
export type InsertSubscriberDataRequest = S6aRequestHead & { readonly subscriptionData: SubscriptionData };

export type AuthenticationInformationAnswer = S6aAnswerHead & { readonly eutranVectors: readonly EutranVector[] };
export type UpdateLocationAnswer = S6aAnswerHead & { readonly ulaFlags?: number; readonly subscriptionData?: SubscriptionData };
export type PurgeUeAnswer = S6aAnswerHead & { readonly puaFlags?: number };

function missing(code: number, name: string, vendor: boolean): DiameterProblem {
  // Failed-AVP for a missing AVP: the AVP with its code and an empty value (RFC 6733 §7.5).
  return new DiameterProblem(RESULT.MISSING_AVP, `the required AVP ${name} (${code}) is missing`, avp(code, Buffer.alloc(0), { vendor }));
}

function required(avps: readonly RawAvp[], code: number, name: string, vendor = false): RawAvp {
  const found = findAvp(avps, code, vendor ? VENDOR_3GPP : undefined);
  if (!found) throw missing(code, name, vendor);
  return found;
}

function requiredText(avps: readonly RawAvp[], code: number, name: string): string {
  const text = avpText(required(avps, code, name));
  if (text === undefined || text.length === 0) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, `${name} is empty`, findAvp(avps, code)?.raw);
  return text;
}

function requiredU32(avps: readonly RawAvp[], code: number, name: string, vendor = true): number {
  return avpU32(required(avps, code, name, vendor)) as number;
}

function optionalU32(avps: readonly RawAvp[], code: number, vendor = true): number | undefined {
  return avpU32(findAvp(avps, code, vendor ? VENDOR_3GPP : undefined));
}

function plmnOf(avps: readonly RawAvp[]): string {
  const found = required(avps, AVP.visitedPlmnId, 'Visited-PLMN-Id', true);
  const plmn = decodePlmnId(found.data);
  if (!plmn) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, `Visited-PLMN-Id ${found.data.toString('hex')} is not a 3-octet PLMN id`, found.raw);
  return plmn;
}

function userNameOf(avps: readonly RawAvp[]): string {
  const text = requiredText(avps, AVP.userName, 'User-Name');
  if (!/^\d{6,15}$/.test(text)) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, `User-Name ${JSON.stringify(text.slice(0, 20))} is not an IMSI`, findAvp(avps, AVP.userName)?.raw);
  return text;
}

function requestHead(message: DecodedMessage): S6aRequestHead {
  const { avps } = message;
  const destinationHost = avpText(findAvp(avps, AVP.destinationHost));
  return {
    sessionId: requiredText(avps, AVP.sessionId, 'Session-Id'),
    originHost: requiredText(avps, AVP.originHost, 'Origin-Host'),
    originRealm: requiredText(avps, AVP.originRealm, 'Origin-Realm'),
    destinationRealm: requiredText(avps, AVP.destinationRealm, 'Destination-Realm'),
    ...(destinationHost === undefined ? {} : { destinationHost }),
    userName: userNameOf(avps),
    hopByHop: message.hopByHop,
    endToEnd: message.endToEnd,
    retransmit: (message.flags & FLAG_RETRANSMIT) !== 0,
  };
}

function expectCommand(message: DecodedMessage, commandCode: number): void {
  if (message.applicationId !== S6A_APPLICATION_ID || message.commandCode !== commandCode) {
    throw new Error(`expected S6a command ${commandCode}, got application ${message.applicationId} command ${message.commandCode}`);
  }
}

export function readAuthenticationInformationRequest(message: DecodedMessage): AuthenticationInformationRequest {
  expectCommand(message, S6A_COMMANDS.authenticationInformation);
  const requested = grouped(findAvp(message.avps, AVP.requestedEutranAuthenticationInfo, VENDOR_3GPP));
  const count = optionalU32(requested, AVP.numberOfRequestedVectors) ?? 1;
  const resync = findAvp(requested, AVP.reSynchronizationInfo, VENDOR_3GPP);
  if (resync && resync.data.length !== 30) {
    throw new DiameterProblem(RESULT.INVALID_AVP_LENGTH, `Re-Synchronization-Info has ${resync.data.length} octets; RAND ‖ AUTS is 30 (TS 29.272 §7.3.15)`, resync.raw);
  }
  return {
    ...requestHead(message),
    visitedPlmnId: plmnOf(message.avps),
    numberOfRequestedVectors: count,
    ...(resync ? { resync: { rand: resync.data.subarray(0, 16).toString('hex'), auts: resync.data.subarray(16, 30).toString('hex') } } : {}),
  };
}

export function readUpdateLocationRequest(message: DecodedMessage): UpdateLocationRequest {
  expectCommand(message, S6A_COMMANDS.updateLocation);
  return {
    ...requestHead(message),
    visitedPlmnId: plmnOf(message.avps),
    ratType: requiredU32(message.avps, AVP.ratType, 'RAT-Type'),
    ulrFlags: requiredU32(message.avps, AVP.ulrFlags, 'ULR-Flags'),
  };
}

export function readPurgeUeRequest(message: DecodedMessage): PurgeUeRequest {
  expectCommand(message, S6A_COMMANDS.purgeUe);
  const purFlags = optionalU32(message.avps, AVP.purFlags);
  return { ...requestHead(message), ...(purFlags === undefined ? {} : { purFlags }) };
}

export function readCancelLocationRequest(message: DecodedMessage): CancelLocationRequest {
  expectCommand(message, S6A_COMMANDS.cancelLocation);
  const clrFlags = optionalU32(message.avps, AVP.clrFlags);
  return { ...requestHead(message), cancellationType: requiredU32(message.avps, AVP.cancellationType, 'Cancellation-Type'), ...(clrFlags === undefined ? {} : { clrFlags }) };
}

export function readInsertSubscriberDataRequest(message: DecodedMessage): InsertSubscriberDataRequest {
  expectCommand(message, S6A_COMMANDS.insertSubscriberData);
  return { ...requestHead(message), subscriptionData: readSubscriptionData(required(message.avps, AVP.subscriptionData, 'Subscription-Data', true)) };
}

function readSubscriptionData(group: RawAvp): SubscriptionData {
  const children = grouped(group);
  const msisdn = findAvp(children, AVP.msisdn, VENDOR_3GPP);
  const subscriberStatus = optionalU32(children, AVP.subscriberStatus);
  const networkAccessMode = optionalU32(children, AVP.networkAccessMode);
  return {
    ...(msisdn ? { msisdn: decodeTbcd(msisdn.data) } : {}),
    ...(subscriberStatus === undefined ? {} : { subscriberStatus }),
    ...(networkAccessMode === undefined ? {} : { networkAccessMode }),
  };
}

/** Session-Id, origin, result and E bit of any answer. */
export function readAnswerHead(message: DecodedMessage): S6aAnswerHead {
  const { avps } = message;
  const resultCode = avpU32(findAvp(avps, AVP.resultCode));
  const experimental = grouped(findAvp(avps, AVP.experimentalResult));
  const experimentalCode = avpU32(findAvp(experimental, AVP.experimentalResultCode));
  const result: DiameterResult | undefined =
    resultCode !== undefined
      ? { resultCode }
      : experimentalCode !== undefined
        ? { experimentalResultCode: experimentalCode, vendorId: avpU32(findAvp(experimental, AVP.vendorId)) ?? VENDOR_3GPP }
        : undefined;
  const errorMessage = avpText(findAvp(avps, BASE_AVP.errorMessage));
  return {
    sessionId: avpText(findAvp(avps, AVP.sessionId)),
    originHost: avpText(findAvp(avps, AVP.originHost)),
    originRealm: avpText(findAvp(avps, AVP.originRealm)),
    result,
    protocolError: (message.flags & 0x20) !== 0,
    ...(errorMessage === undefined ? {} : { errorMessage }),
  };
}

export function readAuthenticationInformationAnswer(message: DecodedMessage): AuthenticationInformationAnswer {
  const info = grouped(findAvp(message.avps, AVP.authenticationInfo, VENDOR_3GPP));
  const eutranVectors = findAll(info, AVP.eutranVector, VENDOR_3GPP).map((v) => {
    const parts = grouped(v);
    const field = (code: number, name: string) => required(parts, code, name, true).data;
    return { rand: field(AVP.rand, 'RAND'), xres: field(AVP.xres, 'XRES'), autn: field(AVP.autn, 'AUTN'), kasme: field(AVP.kasme, 'KASME') };
  });
  return { ...readAnswerHead(message), eutranVectors };
}

export function readUpdateLocationAnswer(message: DecodedMessage): UpdateLocationAnswer {
  const ulaFlags = optionalU32(message.avps, AVP.ulaFlags);
  const data = findAvp(message.avps, AVP.subscriptionData, VENDOR_3GPP);
  return { ...readAnswerHead(message), ...(ulaFlags === undefined ? {} : { ulaFlags }), ...(data ? { subscriptionData: readSubscriptionData(data) } : {}) };
}

export function readPurgeUeAnswer(message: DecodedMessage): PurgeUeAnswer {
  const puaFlags = optionalU32(message.avps, AVP.puaFlags);
  return { ...readAnswerHead(message), ...(puaFlags === undefined ? {} : { puaFlags }) };
}

/** RAT-Type value to its name (`EUTRAN`), or the number as text for values outside the table. */
export function ratTypeName(value: number): string {
  const entry = Object.entries(RAT_TYPES).find(([, v]) => v === value);
  return entry ? entry[0] : String(value);
}

export function isSuccessResult(result: DiameterResult | undefined): boolean {
  return result !== undefined && 'resultCode' in result && result.resultCode >= 2000 && result.resultCode < 3000;
}
