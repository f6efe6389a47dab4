/**
 * RANAP (TS 25.413) between an RNC and the MSC/VLR on Iu-CS, hand-written ALIGNED PER: the connection's
 * first NAS message, direct transfer of the rest, and security mode control. Carried in SCCP to SSN 142.
 */
import { BitWriter, ieContainer, octetString, procedurePdu, type ProtocolIe } from './per';
import { encodePlmnId, type Plmn } from './plmn';

/** Elementary procedure codes (§9.3.6). */
export const RANAP_PROCEDURES = { securityModeControl: 6, initialUeMessage: 19, directTransfer: 20 } as const;

/** Protocol IE ids (§9.3.6). */
const IE = {
  cnDomainIndicator: 3,
  chosenEncryptionAlgorithm: 5,
  chosenIntegrityProtectionAlgorithm: 6,
  encryptionInformation: 11,
  integrityProtectionInformation: 12,
  lai: 15,
  nasPdu: 16,
  sai: 58,
  sapi: 59,
  keyStatus: 75,
  iuSigConId: 79,
  globalRncId: 86,
} as const;

/** RANAP-PDU ::= CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, outcome, ... }. */
const PDU_ALTERNATIVES = 4;

/** UIA1 (0) is the integrity algorithm offered; encryption "no encryption" UEA0 (0). */
const UIA1 = 0;
const UEA0 = 0;

export interface IuLocation {
  readonly plmn: Plmn;
  readonly lac: number;
  readonly sac: number;
  readonly rncId: number;
}

const u16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value & 0xffff);
  return out;
};

/** LAI ::= SEQUENCE { pLMNidentity, lAC, iE-Extensions OPTIONAL, ... }. */
const lai = (l: IuLocation): Buffer => new BitWriter().bits(0, 2).octetsOf(encodePlmnId(l.plmn)).octetsOf(u16(l.lac)).toBuffer();
/** SAI ::= SEQUENCE { pLMNidentity, lAC, sAC, iE-Extensions OPTIONAL, ... }. */
const sai = (l: IuLocation): Buffer => new BitWriter().bits(0, 2).octetsOf(encodePlmnId(l.plmn)).octetsOf(u16(l.lac)).octetsOf(u16(l.sac)).toBuffer();
/** GlobalRNC-ID ::= SEQUENCE { pLMNidentity, rNC-ID INTEGER (0..4095) }. */
const globalRncId = (l: IuLocation): Buffer => new BitWriter().octetsOf(encodePlmnId(l.plmn)).constrained(l.rncId & 0xfff, 0, 4095).toBuffer();

const ie = (id: number, criticality: ProtocolIe['criticality'], value: Buffer): ProtocolIe => ({ id, criticality, value });

/** InitialUE-Message (§9.1.33) on the CS domain: LAI, SAI, the NAS PDU, the Iu signalling connection id, the RNC. */
export function ranapInitialUeMessage(input: { nas: Buffer; location: IuLocation; connectionId: number }): Buffer {
  const conId = Buffer.alloc(3);
  conId.writeUIntBE(input.connectionId & 0xffffff, 0, 3);
  const body = ieContainer([
    // CN-DomainIndicator ::= ENUMERATED { cs-domain, ps-domain }.
    ie(IE.cnDomainIndicator, 'ignore', new BitWriter().bits(0, 1).toBuffer()),
    ie(IE.lai, 'ignore', lai(input.location)),
    ie(IE.sai, 'ignore', sai(input.location)),
    ie(IE.nasPdu, 'ignore', octetString(input.nas)),
    ie(IE.iuSigConId, 'ignore', new BitWriter().octetsOf(conId).toBuffer()),
    ie(IE.globalRncId, 'ignore', globalRncId(input.location)),
  ]);
  return procedurePdu(0, PDU_ALTERNATIVES, RANAP_PROCEDURES.initialUeMessage, 'ignore', body);
}

/** DirectTransfer (§9.1.34): a NAS PDU on SAPI 0. */
export function ranapDirectTransfer(nas: Buffer): Buffer {
  // SAPI ::= ENUMERATED { sapi-0, sapi-3, ... }.
  const body = ieContainer([ie(IE.nasPdu, 'ignore', octetString(nas)), ie(IE.sapi, 'ignore', new BitWriter().bits(0, 2).toBuffer())]);
  return procedurePdu(0, PDU_ALTERNATIVES, RANAP_PROCEDURES.directTransfer, 'ignore', body);
}

/**
 * SecurityModeCommand (§9.1.14): UIA1 permitted with the integrity key IK, UEA0 permitted (no ciphering), key
 * status new. The key is the event's (zero bytes in a scrubbed capture).
 */
export function ranapSecurityModeCommand(ik: Buffer): Buffer {
  if (ik.length !== 16) throw new RangeError(`IK is ${ik.length} octets, RANAP wants 16`);
  // IntegrityProtectionInformation ::= SEQUENCE { permittedAlgorithms SEQUENCE (SIZE (1..16)) OF INTEGER (0..15),
  //   key BIT STRING (SIZE (128)), iE-Extensions OPTIONAL, ... }
  const integrity = new BitWriter().bits(0, 2).constrained(1, 1, 16).bits(UIA1, 4).octetsOf(ik).toBuffer();
  // EncryptionInformation ::= the same shape with encryption algorithms and CK.
  const encryption = new BitWriter().bits(0, 2).constrained(1, 1, 16).bits(UEA0, 4).octetsOf(Buffer.alloc(16)).toBuffer();
  const body = ieContainer([
    ie(IE.integrityProtectionInformation, 'reject', integrity),
    ie(IE.encryptionInformation, 'ignore', encryption),
    // KeyStatus ::= ENUMERATED { old, new, ... }.
    ie(IE.keyStatus, 'reject', new BitWriter().bits(0, 1).bits(1, 1).toBuffer()),
  ]);
  return procedurePdu(0, PDU_ALTERNATIVES, RANAP_PROCEDURES.securityModeControl, 'reject', body);
}

/** SecurityModeComplete (§9.1.15): the chosen integrity (UIA1) and encryption (UEA0) algorithms. */
export function ranapSecurityModeComplete(): Buffer {
  const body = ieContainer([
    ie(IE.chosenIntegrityProtectionAlgorithm, 'reject', new BitWriter().bits(UIA1, 4).toBuffer()),
    ie(IE.chosenEncryptionAlgorithm, 'ignore', new BitWriter().bits(UEA0, 4).toBuffer()),
  ]);
  return procedurePdu(1, PDU_ALTERNATIVES, RANAP_PROCEDURES.securityModeControl, 'reject', body);
}
