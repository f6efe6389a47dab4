/**
 * Diameter Credit-Control (RFC 4006) as Gy uses it (TS 32.299 §6.4.2, §7.2): CCR and CCA with one
 * Multiple-Services-Credit-Control per rating group, on the base encoder of ./diameter.
 */
import { type Peer, avp, avpGrouped, avpUnsigned32, avpUtf8, diameterMessage, FLAG_PROXIABLE, FLAG_REQUEST } from './diameter';

export const CREDIT_CONTROL_APPLICATION_ID = 4;
export const CREDIT_CONTROL_COMMAND = 272;

export const CC_AVP = {
  authApplicationId: 258,
  sessionId: 263,
  originHost: 264,
  resultCode: 268,
  destinationRealm: 283,
  originRealm: 296,
  ccRequestNumber: 415,
  ccRequestType: 416,
  ccTotalOctets: 421,
  ccServiceSpecificUnits: 417,
  requestedAction: 436,
  grantedServiceUnit: 431,
  ratingGroup: 432,
  requestedServiceUnit: 437,
  subscriptionId: 443,
  subscriptionIdData: 444,
  usedServiceUnit: 446,
  subscriptionIdType: 450,
  multipleServicesIndicator: 455,
  multipleServicesCreditControl: 456,
  serviceContextId: 461,
} as const;

/** Subscription-Id-Type (RFC 4006 §8.47). */
const END_USER_E164 = 0;
const END_USER_IMSI = 1;

function avpUnsigned64(code: number, value: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeBigUInt64BE(BigInt(value));
  return avp(code, data);
}

export interface CreditControlIds {
  readonly sessionId: string;
  readonly hopByHop: number;
  readonly endToEnd: number;
}

export interface CcrFields {
  readonly origin: Peer;
  readonly destinationRealm: string;
  readonly serviceContextId: string;
  readonly requestType: number;
  readonly requestNumber: number;
  readonly imsi: string;
  readonly msisdn?: string;
  readonly ratingGroup: number;
  readonly requestedOctets?: number;
  readonly usedOctets?: number;
  /** EVENT_REQUEST with Requested-Action DIRECT_DEBITING (0): the units asked for (CC-Service-Specific-Units). */
  readonly serviceUnits?: number;
}

/** CCR (RFC 4006 §3.1, 32.299 §6.4.2 ABNF order). */
export function creditControlRequest(ids: CreditControlIds, r: CcrFields): Buffer {
  const mscc: Buffer[] = [];
  if (r.requestedOctets !== undefined) mscc.push(avpGrouped(CC_AVP.requestedServiceUnit, [avpUnsigned64(CC_AVP.ccTotalOctets, r.requestedOctets)]));
  if (r.usedOctets !== undefined) mscc.push(avpGrouped(CC_AVP.usedServiceUnit, [avpUnsigned64(CC_AVP.ccTotalOctets, r.usedOctets)]));
  if (r.serviceUnits !== undefined) mscc.push(avpGrouped(CC_AVP.requestedServiceUnit, [avpUnsigned64(CC_AVP.ccServiceSpecificUnits, r.serviceUnits)]));
  mscc.push(avpUnsigned32(CC_AVP.ratingGroup, r.ratingGroup));
  return diameterMessage({ commandCode: CREDIT_CONTROL_COMMAND, flags: FLAG_REQUEST | FLAG_PROXIABLE, applicationId: CREDIT_CONTROL_APPLICATION_ID, hopByHop: ids.hopByHop, endToEnd: ids.endToEnd }, [
    avpUtf8(CC_AVP.sessionId, ids.sessionId),
    avpUtf8(CC_AVP.originHost, r.origin.host),
    avpUtf8(CC_AVP.originRealm, r.origin.realm),
    avpUtf8(CC_AVP.destinationRealm, r.destinationRealm),
    avpUnsigned32(CC_AVP.authApplicationId, CREDIT_CONTROL_APPLICATION_ID),
    avpUtf8(CC_AVP.serviceContextId, r.serviceContextId),
    avpUnsigned32(CC_AVP.ccRequestType, r.requestType),
    avpUnsigned32(CC_AVP.ccRequestNumber, r.requestNumber),
    avpGrouped(CC_AVP.subscriptionId, [avpUnsigned32(CC_AVP.subscriptionIdType, END_USER_IMSI), avpUtf8(CC_AVP.subscriptionIdData, r.imsi)]),
    ...(r.msisdn ? [avpGrouped(CC_AVP.subscriptionId, [avpUnsigned32(CC_AVP.subscriptionIdType, END_USER_E164), avpUtf8(CC_AVP.subscriptionIdData, r.msisdn)])] : []),
    ...(r.requestType === 4 ? [avpUnsigned32(CC_AVP.requestedAction, 0)] : []),
    avpUnsigned32(CC_AVP.multipleServicesIndicator, 1),
    ...(r.requestType === 3 && r.usedOctets === undefined ? [] : [avpGrouped(CC_AVP.multipleServicesCreditControl, mscc)]),
  ]);
}

export interface CcaFields {
  readonly origin: Peer;
  readonly resultCode: number;
  readonly requestType: number;
  readonly requestNumber: number;
  readonly ratingGroup: number;
  readonly grantedOctets?: number;
}

/** CCA (RFC 4006 §3.2): the top-level Result-Code and, per rating group, the grant and its own Result-Code. */
export function creditControlAnswer(ids: CreditControlIds, r: CcaFields): Buffer {
  const mscc: Buffer[] = [];
  if (r.grantedOctets !== undefined) mscc.push(avpGrouped(CC_AVP.grantedServiceUnit, [avpUnsigned64(CC_AVP.ccTotalOctets, r.grantedOctets)]));
  mscc.push(avpUnsigned32(CC_AVP.ratingGroup, r.ratingGroup));
  mscc.push(avpUnsigned32(CC_AVP.resultCode, r.resultCode));
  return diameterMessage({ commandCode: CREDIT_CONTROL_COMMAND, flags: FLAG_PROXIABLE, applicationId: CREDIT_CONTROL_APPLICATION_ID, hopByHop: ids.hopByHop, endToEnd: ids.endToEnd }, [
    avpUtf8(CC_AVP.sessionId, ids.sessionId),
    avpUnsigned32(CC_AVP.resultCode, r.resultCode),
    avpUtf8(CC_AVP.originHost, r.origin.host),
    avpUtf8(CC_AVP.originRealm, r.origin.realm),
    avpUnsigned32(CC_AVP.authApplicationId, CREDIT_CONTROL_APPLICATION_ID),
    avpUnsigned32(CC_AVP.ccRequestType, r.requestType),
    avpUnsigned32(CC_AVP.ccRequestNumber, r.requestNumber),
    ...(r.requestType === 3 ? [] : [avpGrouped(CC_AVP.multipleServicesCreditControl, mscc)]),
  ]);
}
