/**
 * S1AP (TS 36.413) between an eNodeB and the MME, hand-written ALIGNED PER: the three NAS transport
 * procedures a registration uses. SCTP port 36412, payload protocol identifier 18 (§7).
 */
import { BitWriter, ieContainer, octetString, procedurePdu, type ProtocolIe } from './per';
import { encodePlmnId, type Plmn } from './plmn';

export const S1AP_PORT = 36412;
export const S1AP_PPID = 18;

/** Elementary procedure codes (§9.3.7). */
export const S1AP_PROCEDURES = { downlinkNasTransport: 11, initialUeMessage: 12, uplinkNasTransport: 13 } as const;

/** Protocol IE ids (§9.3.7). */
const IE = { mmeUeS1apId: 0, enbUeS1apId: 8, nasPdu: 26, tai: 67, eutranCgi: 100, rrcEstablishmentCause: 134 } as const;

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
