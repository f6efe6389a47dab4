/**
 * TCAP (ITU-T Q.773) messages carrying MAP v3 (TS 29.002) operations, BER encoded. Tags follow the
 * IMPLICIT TAGS modules TCAPMessages, DialoguePDUs, Remote-Operations-Generic-ROS-PDUs and
 * MAP-MS-DataTypes (29.002 v16.3.0).
 */
import type { ProtocolError } from './codes';
import { MAP_ERRORS } from './codes';
import { constructed, enumerated, integer, nullValue, octetString, oid, sequence, tlv } from './ber';
import { encodeAddressString, encodeTbcd } from './tbcd';

export const MAP_OPERATIONS = {
  updateLocation: 2,
  cancelLocation: 3,
  insertSubscriberData: 7,
  sendAuthenticationInfo: 56,
  purgeMS: 67,
  authenticationFailureReport: 15,
} as const;

/** Application-context numbers under map-ac {0 4 0 0 1 0} (29.002 MAP-ApplicationContexts). */
export const MAP_CONTEXTS = {
  networkLocUp: 1,
  locationCancellation: 2,
  infoRetrieval: 14,
  subscriberDataMngt: 16,
  msPurging: 27,
  authenticationFailureReport: 39,
} as const;
export type MapContextName = keyof typeof MAP_CONTEXTS;

export function applicationContext(context: MapContextName, version = 3): number[] {
  return [0, 4, 0, 0, 1, 0, MAP_CONTEXTS[context], version];
}

/** id-as-dialogue {itu-t recommendation q 773 as(1) dialogue-as(1) version1(1)}. */
const DIALOGUE_AS_ID = oid([0, 0, 17, 773, 1, 1, 1]);
/** protocol-version [0] IMPLICIT BIT STRING {version1(0)}: one unused-bits octet 7, then 0x80. */
const PROTOCOL_VERSION_1 = Buffer.from([0x80, 0x02, 0x07, 0x80]);

/** A transaction id (Q.773 OrigTransactionID/DestTransactionID, 1 to 4 octets): 4 octets big-endian. */
export function transactionId(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function dialoguePortion(pdu: Buffer): Buffer {
  // DialoguePortion ::= [APPLICATION 11] EXPLICIT EXTERNAL; EXTERNAL = [UNIVERSAL 8] {direct-reference, single-ASN1-type [0]}.
  return constructed(0x6b, constructed(0x28, DIALOGUE_AS_ID, constructed(0xa0, pdu)));
}

/** Dialogue portion with an AARQ-apdu [APPLICATION 0] proposing `context`. */
export function dialogueRequest(context: readonly number[]): Buffer {
  return dialoguePortion(constructed(0x60, PROTOCOL_VERSION_1, constructed(0xa1, oid(context))));
}

/** Dialogue portion with an AARE-apdu [APPLICATION 1]: accepted (0), source dialogue-service-user null (0). */
export function dialogueResponse(context: readonly number[], result = 0): Buffer {
  return dialoguePortion(
    constructed(
      0x61,
      PROTOCOL_VERSION_1,
      constructed(0xa1, oid(context)),
      constructed(0xa2, integer(result)),
      constructed(0xa3, constructed(0xa1, integer(0))),
    ),
  );
}

export function invoke(invokeId: number, opcode: number, argument?: Buffer): Buffer {
  return constructed(0xa1, integer(invokeId), integer(opcode), argument);
}

/** ReturnResultLast [2]: the result SEQUENCE {opcode, result} is left out when the operation returns nothing. */
export function returnResultLast(invokeId: number, opcode?: number, result?: Buffer): Buffer {
  const body = opcode !== undefined && result !== undefined ? sequence(integer(opcode), result) : undefined;
  return constructed(0xa2, integer(invokeId), body);
}

export function returnError(invokeId: number, errorCode: number, parameter?: Buffer): Buffer {
  return constructed(0xa3, integer(invokeId), integer(errorCode), parameter);
}

function components(items: readonly Buffer[]): Buffer | undefined {
  return items.length > 0 ? constructed(0x6c, ...items) : undefined;
}

export function tcBegin(otid: Buffer, dialogue: Buffer | undefined, items: readonly Buffer[]): Buffer {
  return constructed(0x62, tlv(0x48, otid), dialogue, components(items));
}

export function tcContinue(otid: Buffer, dtid: Buffer, dialogue: Buffer | undefined, items: readonly Buffer[]): Buffer {
  return constructed(0x65, tlv(0x48, otid), tlv(0x49, dtid), dialogue, components(items));
}

export function tcEnd(dtid: Buffer, dialogue: Buffer | undefined, items: readonly Buffer[]): Buffer {
  return constructed(0x64, tlv(0x49, dtid), dialogue, components(items));
}

// ---- MAP v3 arguments and results (29.002 MAP-MS-DataTypes) ----

const imsiValue = (imsi: string): Buffer => {
  if (!/^[0-9]{6,15}$/.test(imsi)) throw new RangeError(`IMSI "${imsi}" must be 6 to 15 digits`);
  return encodeTbcd(imsi);
};

const isdn = (digits: string, what: string): Buffer => {
  if (!/^[0-9]{1,16}$/.test(digits)) throw new RangeError(`${what} "${digits}" must be 1 to 16 digits`);
  return encodeAddressString(digits);
};

/** UpdateLocationArg ::= SEQUENCE { imsi IMSI, msc-Number [1] ISDN-AddressString, vlr-Number ISDN-AddressString, … } */
/** SupportedRAT-Types ::= BIT STRING { utran (0), geran (1), gan (2), i-hspa-evolution (3), e-utran (4), nb-iot (5) } (SIZE (2..8)). */
export const SUPPORTED_RAT_TYPES = { utran: 0, geran: 1, gan: 2, 'i-hspa-evolution': 3, 'e-utran': 4, 'nb-iot': 5 } as const;
export type SupportedRatType = keyof typeof SUPPORTED_RAT_TYPES;

/**
 * UpdateLocationArg ::= SEQUENCE { imsi IMSI, msc-Number [1] ISDN-AddressString, vlr-Number ISDN-AddressString,
 * …, vlr-Capability [6] VLR-Capability OPT, … }; VLR-Capability ::= SEQUENCE { …, supportedRAT-TypesIndicator [7]
 * SupportedRAT-Types OPT, … }: the RATs the VLR serves, which the HLR checks against what the subscriber may use.
 */
export function updateLocationArg(a: { imsi: string; mscNumber: string; vlrNumber: string; supportedRatTypes?: readonly SupportedRatType[] }): Buffer {
  const rats = a.supportedRatTypes ?? [];
  let bits = 0;
  for (const rat of rats) bits |= 0x80 >> SUPPORTED_RAT_TYPES[rat];
  return sequence(
    octetString(imsiValue(a.imsi)),
    octetString(isdn(a.mscNumber, 'msc-Number'), 0x81),
    octetString(isdn(a.vlrNumber, 'vlr-Number')),
    // One octet of named bits, the two unused ones (SIZE 2..8 → 6 bits used: utran … nb-iot) declared as such.
    rats.length > 0 ? constructed(0xa6, tlv(0x87, Buffer.from([0x02, bits]))) : undefined,
  );
}

/** UpdateLocationRes ::= SEQUENCE { hlr-Number ISDN-AddressString, … } */
export function updateLocationRes(r: { hlrNumber: string }): Buffer {
  return sequence(octetString(isdn(r.hlrNumber, 'hlr-Number')));
}

/** The MAP side of a subscriber's data (TS 29.002 SubscriberData), with the codes already looked up. */
export interface MapSubscriberData {
  /** Q.763 calling party's category, one octet. */
  readonly category?: number;
  readonly subscriberStatus?: 'serviceGranted' | 'operatorDeterminedBarring';
  readonly bearerServices?: readonly number[];
  readonly teleservices?: readonly number[];
  /** SS-Codes sent as ss-Data, provisioned and active. */
  readonly supplementaryServices?: readonly number[];
  /** ODB-GeneralData bits (bit n = named bit n of the BIT STRING). */
  readonly odbGeneralData?: number;
  /** networkAccessMode [24]: packetAndCircuit(0), onlyCircuit(1), onlyPacket(2). */
  readonly networkAccessMode?: number;
}

/** Ext-SS-Status (29.002 §17.7.4): P (provisioned, 0x04) and A (active, 0x01). */
const SS_PROVISIONED_ACTIVE = 0x05;

/** A BIT STRING of 32 named bits, bit 0 the most significant bit of the first octet (X.690 §8.6). */
function bitString32(bits: number): Buffer {
  const out = Buffer.alloc(5);
  for (let bit = 0; bit < 32; bit++) if ((bits >>> bit) & 1) out[1 + (bit >> 3)] |= 0x80 >> (bit & 7);
  return tlv(0x03, out);
}

/**
 * InsertSubscriberDataArg ::= SEQUENCE { imsi [0] IMSI OPT, COMPONENTS OF SubscriberData { msisdn [1],
 * category [2], subscriberStatus [3], bearerServiceList [4], teleserviceList [6], provisionedSS [7],
 * odb-Data [8], … }, …, networkAccessMode [24], … }. The IMSI is left out inside a location-update dialogue,
 * where the dialogue already names the subscriber.
 */
export function insertSubscriberDataArg(a: { imsi?: string; msisdn?: string } & MapSubscriberData): Buffer {
  const list = (tag: number, codes: readonly number[] | undefined): Buffer | undefined =>
    codes && codes.length > 0 ? constructed(tag, ...codes.map((code) => octetString(Buffer.from([code])))) : undefined;
  return sequence(
    a.imsi !== undefined ? octetString(imsiValue(a.imsi), 0x80) : undefined,
    a.msisdn !== undefined ? octetString(isdn(a.msisdn, 'msisdn'), 0x81) : undefined,
    a.category !== undefined ? octetString(Buffer.from([a.category & 0xff]), 0x82) : undefined,
    a.subscriberStatus !== undefined ? enumerated(a.subscriberStatus === 'serviceGranted' ? 0 : 1, 0x83) : undefined,
    list(0xa4, a.bearerServices),
    list(0xa6, a.teleservices),
    a.supplementaryServices && a.supplementaryServices.length > 0
      ? constructed(0xa7, ...a.supplementaryServices.map((code) => constructed(0xa3, octetString(Buffer.from([code])), octetString(Buffer.from([SS_PROVISIONED_ACTIVE]), 0x84))))
      : undefined,
    a.odbGeneralData ? constructed(0xa8, bitString32(a.odbGeneralData)) : undefined,
    a.networkAccessMode !== undefined ? enumerated(a.networkAccessMode, 0x98) : undefined,
  );
}

/** SendAuthenticationInfoArg (v3) ::= SEQUENCE { imsi [0] IMSI, numberOfRequestedVectors INTEGER (1..5), … } */
/** FailureCause and AccessType of an authenticationFailureReport (29.002 §17.7.1). */
export const FAILURE_CAUSES = { wrongUserResponse: 0, wrongNetworkSignature: 1 } as const;
const ACCESS_TYPE_LOCATION_UPDATING = 2;

/**
 * AuthenticationFailureReportArg ::= SEQUENCE { imsi IMSI, failureCause FailureCause, extensionContainer OPT, …,
 * re-attempt BOOLEAN OPT, accessType AccessType OPT, rand RAND OPT, vlr-Number [0] ISDN-AddressString OPT, … }
 */
export function authenticationFailureReportArg(a: { imsi: string; failureCause: keyof typeof FAILURE_CAUSES; rand?: Buffer; vlrNumber?: string }): Buffer {
  return sequence(
    octetString(imsiValue(a.imsi)),
    enumerated(FAILURE_CAUSES[a.failureCause]),
    tlv(0x01, Buffer.from([0x00])),
    enumerated(ACCESS_TYPE_LOCATION_UPDATING),
    a.rand !== undefined ? octetString(a.rand) : undefined,
    a.vlrNumber !== undefined ? octetString(isdn(a.vlrNumber, 'vlr-Number'), 0x80) : undefined,
  );
}

/** RequestingNodeType (29.002 §17.7.1): vlr(0), sgsn(1), …, mme(16), mme-sgsn(17). */
export const REQUESTING_NODE_TYPES = { vlr: 0, sgsn: 1, mme: 16, 'mme-sgsn': 17 } as const;

/**
 * SendAuthenticationInfoArg (v3) ::= SEQUENCE { imsi [0] IMSI, numberOfRequestedVectors INTEGER (1..5), …,
 * re-synchronisationInfo OPT, extensionContainer [2] OPT, …, requestingNodeType [3] OPT, requestingPLMN-Id [4] OPT, … }
 */
export function sendAuthenticationInfoArg(a: {
  imsi: string;
  numberOfRequestedVectors: number;
  /** Re-synchronisationInfo ::= SEQUENCE { rand RAND, auts AUTS, … } after a synch failure (TS 33.102 §6.3.5). */
  resync?: { rand: Buffer; auts: Buffer };
  requestingNodeType?: keyof typeof REQUESTING_NODE_TYPES;
  requestingPlmnId?: Buffer;
}): Buffer {
  return sequence(
    octetString(imsiValue(a.imsi), 0x80),
    integer(a.numberOfRequestedVectors),
    a.resync !== undefined ? sequence(octetString(a.resync.rand), octetString(a.resync.auts)) : undefined,
    a.requestingNodeType !== undefined ? enumerated(REQUESTING_NODE_TYPES[a.requestingNodeType], 0x83) : undefined,
    a.requestingPlmnId !== undefined ? octetString(a.requestingPlmnId, 0x84) : undefined,
  );
}

export interface Quintuplet { rand: Buffer; xres: Buffer; ck: Buffer; ik: Buffer; autn: Buffer }
export interface Triplet { rand: Buffer; sres: Buffer; kc: Buffer }
export interface EpcVector { rand: Buffer; xres: Buffer; autn: Buffer; kasme: Buffer }

/**
 * SendAuthenticationInfoRes ::= [3] SEQUENCE { authenticationSetList CHOICE { tripletList [0], quintupletList [1] } OPT,
 * extensionContainer OPT, …, eps-AuthenticationSetList [2] OPT }.
 */
export function sendAuthenticationInfoRes(r: { quintuplets?: readonly Quintuplet[]; triplets?: readonly Triplet[]; epsVectors?: readonly EpcVector[] }): Buffer {
  let list: Buffer | undefined;
  if (r.quintuplets && r.quintuplets.length > 0) {
    list = constructed(0xa1, ...r.quintuplets.map((q) => sequence(octetString(q.rand), octetString(q.xres), octetString(q.ck), octetString(q.ik), octetString(q.autn))));
  } else if (r.triplets && r.triplets.length > 0) {
    list = constructed(0xa0, ...r.triplets.map((t) => sequence(octetString(t.rand), octetString(t.sres), octetString(t.kc))));
  }
  const eps =
    r.epsVectors && r.epsVectors.length > 0
      ? constructed(0xa2, ...r.epsVectors.map((v) => sequence(octetString(v.rand), octetString(v.xres), octetString(v.autn), octetString(v.kasme))))
      : undefined;
  return constructed(0xa3, list, eps);
}

export const CANCELLATION_TYPES = { updateProcedure: 0, subscriptionWithdraw: 1, initialAttachProcedure: 2 } as const;
export type MapCancellationType = keyof typeof CANCELLATION_TYPES;

/** CancelLocationArg ::= [3] SEQUENCE { identity CHOICE { imsi IMSI, … }, cancellationType ENUMERATED OPT, … } */
export function cancelLocationArg(a: { imsi: string; cancellationType?: MapCancellationType }): Buffer {
  const type = a.cancellationType === undefined ? undefined : CANCELLATION_TYPES[a.cancellationType];
  if (a.cancellationType !== undefined && type === undefined) throw new RangeError(`unknown MAP cancellationType "${a.cancellationType}"`);
  return constructed(0xa3, octetString(imsiValue(a.imsi)), type === undefined ? undefined : enumerated(type));
}

/** PurgeMS-Arg ::= [3] SEQUENCE { imsi IMSI, vlr-Number [0] ISDN-AddressString OPT, sgsn-Number [1] OPT, … } */
export function purgeMsArg(a: { imsi: string; vlrNumber?: string }): Buffer {
  return constructed(0xa3, octetString(imsiValue(a.imsi)), a.vlrNumber !== undefined ? octetString(isdn(a.vlrNumber, 'vlr-Number'), 0x80) : undefined);
}

/** PurgeMS-Res ::= SEQUENCE { freezeTMSI [0] NULL OPT, freezeP-TMSI [1] NULL OPT, …, freezeM-TMSI [2] NULL OPT } */
export function purgeMsRes(r: { freezeTmsi?: boolean; freezePTmsi?: boolean; freezeMTmsi?: boolean }): Buffer {
  return sequence(r.freezeTmsi ? nullValue(0x80) : undefined, r.freezePTmsi ? nullValue(0x81) : undefined, r.freezeMTmsi ? nullValue(0x82) : undefined);
}

// ---- MAP error parameters (29.002 MAP-Errors, MAP-ER-DataTypes) ----

/** ENUMERATED roamingNotAllowedCause values; the RAT refusal rides in additionalRoamingNotAllowedCause [0]. */
const ROAMING_CAUSE_VALUES: Record<string, number> = { plmnRoamingNotAllowed: 0, operatorDeterminedBarring: 3 };
/** extensibleSystemFailureParam networkResource hlr(1): the HLR reports its own failure. */
const NETWORK_RESOURCE_HLR = 1;

/**
 * The parameter of a ReturnError. unknownSubscriber: UnknownSubscriberParam with diagnostic imsiUnknown(0);
 * roamingNotAllowed: RoamingNotAllowedParam; systemFailure: the v3 extensibleSystemFailureParam SEQUENCE;
 * dataMissing / unexpectedDataValue: their empty v3 SEQUENCE; other errors go without a parameter
 * (every MAP error parameter is OPTIONAL). Non-MAP errors have no parameter.
 */
export function mapErrorParameter(error: ProtocolError): Buffer | undefined {
  if (error.kind !== 'map') return undefined;
  switch (error.code) {
    case MAP_ERRORS.unknownSubscriber:
      return sequence(enumerated(0));
    case MAP_ERRORS.roamingNotAllowed: {
      if (error.cause === 'supportedRAT-TypesNotAllowed') {
        // additionalRoamingNotAllowedCause supersedes the mandatory cause, which still has to be present.
        return sequence(enumerated(0), enumerated(0, 0x80));
      }
      return sequence(enumerated(ROAMING_CAUSE_VALUES[error.cause ?? 'plmnRoamingNotAllowed'] ?? 0));
    }
    case MAP_ERRORS.systemFailure:
      return sequence(enumerated(NETWORK_RESOURCE_HLR));
    case MAP_ERRORS.dataMissing:
    case MAP_ERRORS.unexpectedDataValue:
      return sequence();
    default:
      return undefined;
  }
}
