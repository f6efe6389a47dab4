/**
 * The elements' S6a request and answer bodies (the field names of mocks/routes.ts) to and from Diameter
 * messages. Both the Diameter HSS server and the MME client go through here, so a body crosses the wire and
 * comes back as the same fields: AIR {userName, visitedPlmnId, numberOfRequestedVectors, resync {rand, auts}} ↔ AIA
 * {eutranVectors[{rand, xres, autn, kasme}]}; ULR {userName, visitedPlmnId, ratType, ulrFlags, originHost} ↔
 * ULA {ulaFlags, msisdn, subscription (the whole Subscription-Data)}; PUR {userName, originHost, purFlags} ↔ PUA {puaFlags}; CLR {userName,
 * cancellationType} ↔ CLA {}; IDR {userName, msisdn} ↔ IDA {}. Errors travel as Result-Code (E bit for 3xxx)
 * or 3GPP Experimental-Result, exactly as ProtocolError names them.
 */
import {
  type DiameterResult,
  type Peer,
  RAT_TYPES,
  S6A_CANCELLATION_TYPES,
  S6A_COMMANDS,
  authenticationInformationAnswer,
  authenticationInformationRequest,
  cancelLocationAnswer,
  cancelLocationRequest,
  insertSubscriberDataAnswer,
  insertSubscriberDataRequest,
  purgeUeAnswer,
  purgeUeRequest,
  updateLocationAnswer,
  updateLocationRequest,
} from '../../src/protocol/diameter';
import { DIAMETER_EXPERIMENTAL_CODES, DIAMETER_RESULT_CODES, type ProtocolError, VENDOR_3GPP, inProtocol } from '../../src/protocol/codes';
import { type DecodedMessage, DiameterProblem, RESULT, findAvp } from '../../src/protocol/diameter-decode';
import { SUBSCRIPTION_AVP, readSubscriptionDataAvp, subscriptionDataAvp } from '../../src/protocol/s6a-subscription';
import type { SubscriptionData } from '../../src/elements/subscription';
import { encodePlmnId, parsePlmn } from '../../src/protocol/plmn';
import {
  type S6aAnswerHead,
  type S6aRequestHead,
  isSuccessResult,
  ratTypeName,
  readAnswerHead,
  readAuthenticationInformationAnswer,
  readAuthenticationInformationRequest,
  readCancelLocationRequest,
  readInsertSubscriberDataRequest,
  readPurgeUeAnswer,
  readPurgeUeRequest,
  readUpdateLocationAnswer,
  readUpdateLocationRequest,
} from '../../src/protocol/s6a-codec';

/** The S6a operations of the element routes (`s6a/<operation>`), by who serves them. */
export const HSS_OPERATIONS = ['authentication-information', 'update-location', 'purge-ue'] as const;
export const MME_OPERATIONS = ['cancel-location', 'insert-subscriber-data'] as const;
export type HssOperation = (typeof HSS_OPERATIONS)[number];
export type MmeOperation = (typeof MME_OPERATIONS)[number];
export type S6aOperation = HssOperation | MmeOperation;

export const COMMAND_OF: Readonly<Record<S6aOperation, number>> = {
  'authentication-information': S6A_COMMANDS.authenticationInformation,
  'update-location': S6A_COMMANDS.updateLocation,
  'purge-ue': S6A_COMMANDS.purgeUe,
  'cancel-location': S6A_COMMANDS.cancelLocation,
  'insert-subscriber-data': S6A_COMMANDS.insertSubscriberData,
};

export function operationOf(commandCode: number): S6aOperation | undefined {
  return (Object.keys(COMMAND_OF) as S6aOperation[]).find((op) => COMMAND_OF[op] === commandCode);
}

/** What an element answered: its result fields, a protocol error, or nothing (it chose not to answer). */
export type ElementReply = { readonly result: Record<string, unknown> } | { readonly error: ProtocolError } | { readonly noAnswer: true };

export interface RequestIds {
  readonly sessionId: string;
  readonly origin: Peer;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly endToEnd: number;
}

const str = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string') throw new Error(`S6a body: ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
};
const num = (body: Record<string, unknown>, key: string, fallback?: number): number => {
  const value = body[key] ?? fallback;
  if (typeof value !== 'number') throw new Error(`S6a body: ${key} must be a number, got ${JSON.stringify(value)}`);
  return value;
};

/** `resync: { rand, auts }` (hex) as Re-Synchronization-Info bytes, RAND ‖ AUTS. */
function resyncOf(body: Record<string, unknown>): { resync?: Buffer } {
  if (body.resync === undefined) return {};
  const r = body.resync as { rand?: unknown; auts?: unknown };
  const rand = typeof r.rand === 'string' ? Buffer.from(r.rand, 'hex') : Buffer.alloc(0);
  const auts = typeof r.auts === 'string' ? Buffer.from(r.auts, 'hex') : Buffer.alloc(0);
  if (rand.length !== 16 || auts.length !== 14) throw new Error(`S6a body: resync must be { rand: 16 octets hex, auts: 14 octets hex }, got ${JSON.stringify(body.resync)}`);
  return { resync: Buffer.concat([rand, auts]) };
}

/** A request body as a Diameter request (hop-by-hop 0: the peer sets it when sending). */
export function encodeRequest(operation: S6aOperation, body: Record<string, unknown>, ids: RequestIds): Buffer {
  const base = { ...ids, hopByHop: 0 };
  const userName = str(body, 'userName');
  switch (operation) {
    case 'authentication-information':
      return authenticationInformationRequest(base, { userName, numberOfRequestedVectors: num(body, 'numberOfRequestedVectors', 1), visitedPlmnId: encodePlmnId(parsePlmn(str(body, 'visitedPlmnId'))), ...resyncOf(body) });
    case 'update-location': {
      const rat = body.ratType ?? 'EUTRAN';
      const ratType = typeof rat === 'number' ? rat : RAT_TYPES[rat as keyof typeof RAT_TYPES];
      if (ratType === undefined) throw new Error(`S6a body: ratType ${JSON.stringify(rat)} is not a RAT-Type name (${Object.keys(RAT_TYPES).join(', ')})`);
      return updateLocationRequest(base, { userName, ratType, ulrFlags: num(body, 'ulrFlags', 0x22), visitedPlmnId: encodePlmnId(parsePlmn(str(body, 'visitedPlmnId'))) });
    }
    case 'purge-ue':
      return purgeUeRequest(base, { userName, ...(typeof body.purFlags === 'number' ? { purFlags: body.purFlags } : {}) });
    case 'cancel-location': {
      const type = body.cancellationType ?? 'MME_UPDATE_PROCEDURE';
      const cancellationType = typeof type === 'number' ? type : S6A_CANCELLATION_TYPES[type as keyof typeof S6A_CANCELLATION_TYPES];
      if (cancellationType === undefined) throw new Error(`S6a body: cancellationType ${JSON.stringify(type)} is not a Cancellation-Type name`);
      return cancelLocationRequest(base, { userName, cancellationType });
    }
    case 'insert-subscriber-data':
      return insertSubscriberDataRequest(base, { userName, ...(typeof body.msisdn === 'string' ? { msisdn: body.msisdn } : {}) });
  }
}

/** A received request as the element's body. Throws DiameterProblem (5005, 5004) for what is missing or wrong. */
export function decodeRequest(operation: S6aOperation, message: DecodedMessage): { head: S6aRequestHead; body: Record<string, unknown> } {
  switch (operation) {
    case 'authentication-information': {
      const r = readAuthenticationInformationRequest(message);
      return { head: r, body: { userName: r.userName, visitedPlmnId: r.visitedPlmnId, numberOfRequestedVectors: r.numberOfRequestedVectors, ...(r.resync ? { resync: r.resync } : {}) } };
    }
    case 'update-location': {
      const r = readUpdateLocationRequest(message);
      return { head: r, body: { userName: r.userName, visitedPlmnId: r.visitedPlmnId, ratType: ratTypeName(r.ratType), ulrFlags: r.ulrFlags, originHost: r.originHost } };
    }
    case 'purge-ue': {
      const r = readPurgeUeRequest(message);
      return { head: r, body: { userName: r.userName, originHost: r.originHost, ...(r.purFlags === undefined ? {} : { purFlags: r.purFlags }) } };
    }
    case 'cancel-location': {
      const r = readCancelLocationRequest(message);
      const name = Object.entries(S6A_CANCELLATION_TYPES).find(([, v]) => v === r.cancellationType)?.[0];
      if (!name) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, `Cancellation-Type ${r.cancellationType} is not defined`);
      return { head: r, body: { userName: r.userName, cancellationType: name } };
    }
    case 'insert-subscriber-data': {
      const r = readInsertSubscriberDataRequest(message);
      return { head: r, body: { userName: r.userName, ...(r.subscriptionData.msisdn ? { msisdn: r.subscriptionData.msisdn } : {}) } };
    }
  }
}

/** The Diameter form of an element's protocol error. */
export function resultOf(error: ProtocolError): DiameterResult {
  const s6a = inProtocol(error, 'S6a');
  switch (s6a.kind) {
    case 'diameter-experimental':
      return { experimentalResultCode: s6a.code, vendorId: s6a.vendorId };
    case 'diameter-result':
      return { resultCode: s6a.code };
    case 'local':
      // The element could not reach a node it needed: unable to deliver, which the caller may retry.
      return { resultCode: RESULT.UNABLE_TO_DELIVER };
    default:
      return { resultCode: RESULT.UNABLE_TO_COMPLY };
  }
}

const hexOf = (value: unknown, field: string): Buffer => {
  if (typeof value !== 'string' || !/^([0-9a-f]{2})+$/i.test(value)) throw new Error(`S6a answer: ${field} must be hex, got ${JSON.stringify(value)}`);
  return Buffer.from(value, 'hex');
};

/** An element's reply as the Diameter answer to `request` (same identifiers; the P bit as the request's). */
export function encodeAnswer(operation: S6aOperation, reply: { result: Record<string, unknown> } | { error: ProtocolError }, request: { sessionId: string; hopByHop: number; endToEnd: number }, origin: Peer): Buffer {
  const base = { sessionId: request.sessionId, origin, hopByHop: request.hopByHop, endToEnd: request.endToEnd, ...('error' in reply ? { result: resultOf(reply.error) } : {}) };
  const r = 'result' in reply ? reply.result : {};
  switch (operation) {
    case 'authentication-information': {
      const vectors = Array.isArray(r.eutranVectors) ? (r.eutranVectors as Array<Record<string, unknown>>) : [];
      return authenticationInformationAnswer(base, {
        eutranVectors: vectors.map((v) => ({ rand: hexOf(v.rand, 'rand'), xres: hexOf(v.xres, 'xres'), autn: hexOf(v.autn, 'autn'), kasme: hexOf(v.kasme, 'kasme') })),
      });
    }
    case 'update-location': {
      // The HSS's full Subscription-Data (TS 29.272 §7.3.2), the same AVPs the capture encoder writes.
      const subscription = subscriptionOf(r.subscription);
      return updateLocationAnswer(base, {
        ...(typeof r.ulaFlags === 'number' ? { ulaFlags: r.ulaFlags } : {}),
        ...(typeof r.msisdn === 'string' ? { msisdn: r.msisdn } : {}),
        ...(subscription ? { subscriptionData: subscriptionDataAvp(subscription) } : {}),
      });
    }
    case 'purge-ue':
      return purgeUeAnswer(base, typeof r.puaFlags === 'number' ? { puaFlags: r.puaFlags } : {});
    case 'cancel-location':
      return cancelLocationAnswer(base);
    case 'insert-subscriber-data':
      return insertSubscriberDataAnswer(base);
  }
}

/** The element's `subscription` result field, if it is one (the HSS builds it; anything else is left out). */
function subscriptionOf(value: unknown): SubscriptionData | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const data = value as Partial<SubscriptionData>;
  return Array.isArray(data.apns) && Array.isArray(data.odb) && Array.isArray(data.accessRestrictions) && typeof data.ambr === 'object' && typeof data.networkAccessMode === 'string' ? (value as SubscriptionData) : undefined;
}

/** A ULA's Subscription-Data as the element-neutral record; a tree that cannot be read costs the field only. */
function subscriptionFromWire(message: DecodedMessage): SubscriptionData | undefined {
  const group = findAvp(message.avps, SUBSCRIPTION_AVP.subscriptionData, VENDOR_3GPP);
  if (!group) return undefined;
  try {
    return readSubscriptionDataAvp(group);
  } catch (error) {
    if (error instanceof DiameterProblem) return undefined;
    throw error;
  }
}

/** The ProtocolError a non-success answer stands for. */
export function errorOf(head: S6aAnswerHead): ProtocolError {
  const result = head.result;
  if (result === undefined) return { kind: 'local', name: 'transportError', detail: `the answer from ${head.originHost ?? 'the peer'} has neither Result-Code nor Experimental-Result` };
  if ('experimentalResultCode' in result) {
    const name = Object.entries(DIAMETER_EXPERIMENTAL_CODES).find(([, v]) => v === result.experimentalResultCode)?.[0] ?? `DIAMETER_EXPERIMENTAL_${result.experimentalResultCode}`;
    return { kind: 'diameter-experimental', name, code: result.experimentalResultCode, vendorId: result.vendorId ?? VENDOR_3GPP };
  }
  const name = Object.entries(DIAMETER_RESULT_CODES).find(([, v]) => v === result.resultCode)?.[0] ?? `DIAMETER_RESULT_${result.resultCode}`;
  return { kind: 'diameter-result', name, code: result.resultCode };
}

/** A received answer as the element's reply. */
export function decodeAnswer(operation: S6aOperation, message: DecodedMessage): { result: Record<string, unknown> } | { error: ProtocolError } {
  const head = readAnswerHead(message);
  if (!isSuccessResult(head.result)) return { error: errorOf(head) };
  switch (operation) {
    case 'authentication-information':
      return {
        result: {
          eutranVectors: readAuthenticationInformationAnswer(message).eutranVectors.map((v) => ({ rand: v.rand.toString('hex'), xres: v.xres.toString('hex'), autn: v.autn.toString('hex'), kasme: v.kasme.toString('hex') })),
        },
      };
    case 'update-location': {
      const ula = readUpdateLocationAnswer(message);
      const subscription = subscriptionFromWire(message);
      return {
        result: {
          ...(ula.ulaFlags === undefined ? {} : { ulaFlags: ula.ulaFlags }),
          ...(ula.subscriptionData?.msisdn ? { msisdn: ula.subscriptionData.msisdn } : {}),
          ...(subscription ? { subscription } : {}),
        },
      };
    }
    case 'purge-ue': {
      const pua = readPurgeUeAnswer(message);
      return { result: pua.puaFlags === undefined ? {} : { puaFlags: pua.puaFlags } };
    }
    case 'cancel-location':
    case 'insert-subscriber-data':
      return { result: {} };
  }
}
