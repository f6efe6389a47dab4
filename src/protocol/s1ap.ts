/**
 * S1AP (TS 36.413) between an eNodeB and the MME, hand-written ALIGNED PER: the three NAS transport
 * procedures a registration uses. SCTP port 36412, payload protocol identifier 18 (§7).
 */
import { BitWriter, ieContainer, octetString, openType, procedurePdu, type ProtocolIe } from './per';
import { encodePlmnId, type Plmn } from './plmn';

export const S1AP_PORT = 36412;
export const S1AP_PPID = 18;

/** Elementary procedure codes (§9.3.7). */
export const S1AP_PROCEDURES = { initialContextSetup: 9, downlinkNasTransport: 11, initialUeMessage: 12, uplinkNasTransport: 13 } as const;

/** Protocol IE ids (§9.3.7). */
const IE = {
  mmeUeS1apId: 0,
  enbUeS1apId: 8,
  erabToBeSetupListCtxtSuReq: 24,
  nasPdu: 26,
  erabToBeSetupItemCtxtSuReq: 52,
  ueAggregateMaximumBitrate: 66,
  tai: 67,
  securityKey: 73,
  eutranCgi: 100,
  ueSecurityCapabilities: 107,
  rrcEstablishmentCause: 134,
} as const;

/** RRC-Establishment-Cause (§9.2.1.3a), root values. */
export const RRC_CAUSE = { emergency: 0, highPriorityAccess: 1, mtAccess: 2, moSignalling: 3, moData: 4 } as const;

export interface S1UeIds {
  /** MME-UE-S1AP-ID, 0..2^32-1. */
  readonly mme: number;
  /** eNB-UE-S1AP-ID, 0..2^24-1. */
  readonly enb: number;
}

export interface S1Location {
  readonly plmn: Plmn;
  readonly tac: number;
  /** The 28-bit E-UTRAN cell identity. */
  readonly cellId: number;
}

const mmeId = (id: number): Buffer => new BitWriter().constrained(id, 0, 0xffffffff).toBuffer();
const enbId = (id: number): Buffer => new BitWriter().constrained(id, 0, 0xffffff).toBuffer();

/** TAI ::= SEQUENCE { pLMNidentity, tAC, iE-Extensions OPTIONAL, ... }. */
function tai(location: S1Location): Buffer {
  const tac = Buffer.alloc(2);
  tac.writeUInt16BE(location.tac & 0xffff);
  return new BitWriter().bits(0, 2).octetsOf(encodePlmnId(location.plmn)).octetsOf(tac).toBuffer();
}

/** EUTRAN-CGI ::= SEQUENCE { pLMNidentity, cell-ID BIT STRING (SIZE (28)), iE-Extensions OPTIONAL, ... }. */
function eutranCgi(location: S1Location): Buffer {
  const cell = Buffer.alloc(4);
  cell.writeUInt32BE(((location.cellId & 0x0fffffff) << 4) >>> 0);
  return new BitWriter().bits(0, 2).octetsOf(encodePlmnId(location.plmn)).octetsOf(cell).toBuffer();
}

const ie = (id: number, criticality: ProtocolIe['criticality'], value: Buffer): ProtocolIe => ({ id, criticality, value });

/** InitialUEMessage (§9.1.7.1): the UE's first NAS message, with where it camps and why it connected. */
export function initialUeMessage(input: { enbUeId: number; nas: Buffer; location: S1Location; cause: number }): Buffer {
  const body = ieContainer([
    ie(IE.enbUeS1apId, 'reject', enbId(input.enbUeId)),
    ie(IE.nasPdu, 'reject', octetString(input.nas)),
    ie(IE.tai, 'reject', tai(input.location)),
    ie(IE.eutranCgi, 'ignore', eutranCgi(input.location)),
    // ENUMERATED with an extension marker and 5 root values: the extension bit, then 3 bits.
    ie(IE.rrcEstablishmentCause, 'ignore', new BitWriter().bits(0, 1).bits(input.cause, 3).toBuffer()),
  ]);
  return procedurePdu(0, 3, S1AP_PROCEDURES.initialUeMessage, 'ignore', body);
}

/** DownlinkNASTransport (§9.1.7.2). */
export function downlinkNasTransport(input: { ids: S1UeIds; nas: Buffer }): Buffer {
  const body = ieContainer([ie(IE.mmeUeS1apId, 'reject', mmeId(input.ids.mme)), ie(IE.enbUeS1apId, 'reject', enbId(input.ids.enb)), ie(IE.nasPdu, 'reject', octetString(input.nas))]);
  return procedurePdu(0, 3, S1AP_PROCEDURES.downlinkNasTransport, 'ignore', body);
}

/** UplinkNASTransport (§9.1.7.3): with the serving cell and TAI. */
export function uplinkNasTransport(input: { ids: S1UeIds; nas: Buffer; location: S1Location }): Buffer {
  const body = ieContainer([
    ie(IE.mmeUeS1apId, 'reject', mmeId(input.ids.mme)),
    ie(IE.enbUeS1apId, 'reject', enbId(input.ids.enb)),
    ie(IE.nasPdu, 'reject', octetString(input.nas)),
    ie(IE.eutranCgi, 'ignore', eutranCgi(input.location)),
    ie(IE.tai, 'ignore', tai(input.location)),
  ]);
  return procedurePdu(0, 3, S1AP_PROCEDURES.uplinkNasTransport, 'ignore', body);
}

/** BitRate ::= INTEGER (0..10000000000), bit/s. */
const bitRate = (w: BitWriter, bps: number): BitWriter => w.constrained(Math.min(Math.max(0, Math.round(bps)), 10_000_000_000), 0, 10_000_000_000);

export interface DefaultBearer {
  /** E-RAB ID (the EPS bearer identity, 5 for the default bearer). */
  readonly erabId: number;
  readonly qci: number;
  /** ARP priority level 1..15. */
  readonly arpPriority: number;
  /** The S-GW's S1-U address and TEID. */
  readonly sgwIpv4: readonly number[];
  readonly teid: number;
}

/**
 * InitialContextSetupRequest (§9.1.4.1): the MME asks the eNodeB for the UE context, the default bearer's E-RAB
 * with the NAS-PDU (the Attach Accept) inside it, the UE-AMBR, the UE's security capabilities and K_eNB.
 */
export function initialContextSetupRequest(input: {
  ids: S1UeIds;
  ambr: { ulBps: number; dlBps: number };
  bearer: DefaultBearer;
  nas: Buffer;
  /** 128-EEA1..3 and 128-EIA1..3 bits as 36.413 §9.2.1.40 orders them (first bit 128-EEA1/EIA1). */
  encryptionAlgorithms: number;
  integrityAlgorithms: number;
  kEnb: Buffer;
}): Buffer {
  if (input.kEnb.length !== 32) throw new RangeError(`K_eNB is ${input.kEnb.length} octets, S1AP wants 256 bits`);
  // UEAggregateMaximumBitrate ::= SEQUENCE { DL BitRate, UL BitRate, iE-Extensions OPTIONAL, ... }
  const ambr = bitRate(bitRate(new BitWriter().bits(0, 2), input.ambr.dlBps), input.ambr.ulBps).toBuffer();
  // E-RABToBeSetupItemCtxtSUReq ::= SEQUENCE { e-RAB-ID INTEGER (0..15, ...), e-RABlevelQoSParameters,
  //   transportLayerAddress BIT STRING (SIZE (1..160, ...)), gTP-TEID OCTET STRING (SIZE (4)), nAS-PDU OPTIONAL,
  //   iE-Extensions OPTIONAL, ... }: the extension bit, nAS-PDU present, no extensions.
  const teid = Buffer.alloc(4);
  teid.writeUInt32BE(input.bearer.teid >>> 0);
  const item = new BitWriter()
    .bits(0, 1)
    .bits(0b10, 2)
    .bits(0, 1)
    .bits(input.bearer.erabId, 4)
    // E-RABLevelQoSParameters ::= SEQUENCE { qCI INTEGER (0..255), allocationRetentionPriority, gbrQosInformation
    //   OPTIONAL, iE-Extensions OPTIONAL, ... }
    .bits(0, 3)
    .constrained(input.bearer.qci, 0, 255)
    // AllocationAndRetentionPriority ::= SEQUENCE { priorityLevel INTEGER (0..15), pre-emptionCapability
    //   shall-not-trigger, pre-emptionVulnerability not-pre-emptable, iE-Extensions OPTIONAL, ... }
    .bits(0, 2)
    .bits(input.bearer.arpPriority, 4)
    .bits(0, 1)
    .bits(0, 1)
    .bits(0, 1)
    .constrained(32, 1, 160)
    .octetsOf(Buffer.from(input.bearer.sgwIpv4))
    .octetsOf(teid)
    .length(input.nas.length)
    .octetsOf(input.nas)
    .toBuffer();
  const list = new BitWriter().constrained(1, 1, 256).constrained(IE.erabToBeSetupItemCtxtSuReq, 0, 65535).bits(0, 2);
  const erabs = openType(list, item).toBuffer();
  // UESecurityCapabilities ::= SEQUENCE { encryptionAlgorithms BIT STRING (SIZE (16, ...)), integrityProtectionAlgorithms
  //   BIT STRING (SIZE (16, ...)), iE-Extensions OPTIONAL, ... }: 16-bit strings are not octet-aligned.
  const capabilities = new BitWriter().bits(0, 2).bits(0, 1).bits(input.encryptionAlgorithms, 16).bits(0, 1).bits(input.integrityAlgorithms, 16).toBuffer();
  const body = ieContainer([
    ie(IE.mmeUeS1apId, 'reject', mmeId(input.ids.mme)),
    ie(IE.enbUeS1apId, 'reject', enbId(input.ids.enb)),
    ie(IE.ueAggregateMaximumBitrate, 'reject', ambr),
    ie(IE.erabToBeSetupListCtxtSuReq, 'reject', erabs),
    ie(IE.ueSecurityCapabilities, 'reject', capabilities),
    ie(IE.securityKey, 'reject', new BitWriter().octetsOf(input.kEnb).toBuffer()),
  ]);
  return procedurePdu(0, 3, S1AP_PROCEDURES.initialContextSetup, 'reject', body);
}
