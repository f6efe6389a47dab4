/**
 * Charging data records as the gateways write them, with the field names of TS 32.298 (§5.1.2.2 and the
 * ASN.1 of SGWRecord, PGWRecord and SGSNPDPRecord) where one exists. Raw identities are held here; every
 * file written from them pseudonymises IMSI and MSISDN first.
 */
import { join } from 'node:path';
import { InputError } from '../errors';
import { appendWhole } from '../telemetry/durable-write';

/** The record names the steps use. */
export const RECORD_NAMES = ['SGW-CDR', 'PGW-CDR', 'SGSN-CDR', 'SMS-MO', 'MOC'] as const;
export type RecordName = (typeof RECORD_NAMES)[number];

const RECORD_TYPES: Readonly<Record<RecordName, string>> = { 'SGW-CDR': 'sGWRecord', 'PGW-CDR': 'pGWRecord', 'SGSN-CDR': 'sGSNPDPRecord', 'SMS-MO': 'sMSMORecord', MOC: 'moCallRecord' };

/** CauseForRecClosing (32.298 §5.1.2.2.15) values this simulation closes records with. */
export type CauseForRecClosing = 'normalRelease' | 'abnormalRelease' | 'servingNodeChange' | 'maxChangeCond' | 'managementIntervention';

export interface TrafficVolume {
  readonly dataVolumeGPRSUplink: number;
  readonly dataVolumeGPRSDownlink: number;
  readonly changeTime: string;
}

/** The visited MSC's record of a mobile-originated SMS (32.298 SMSMORecord). */
export interface SmsMoRecord {
  readonly record: 'SMS-MO';
  readonly recordType: string;
  readonly scenario?: string;
  readonly servedIMSI: string;
  readonly servedMSISDN?: string;
  readonly serviceCentre: string;
  readonly recordingEntity: string;
  readonly servingNodePLMNIdentifier: string;
  readonly originationTime: string;
  readonly messageReference: number;
  /** Absent when the SMSC accepted the message; the MAP error otherwise. */
  readonly smsResult?: string;
}

/** The visited MSC's record of a mobile-originated call (32.298 MOCallRecord). */
export interface MocRecord {
  readonly record: 'MOC';
  readonly recordType: string;
  readonly scenario?: string;
  readonly servedIMSI: string;
  readonly servedMSISDN?: string;
  readonly recordingEntity: string;
  readonly servingNodePLMNIdentifier: string;
  readonly seizureTime: string;
  readonly answerTime: string;
  readonly releaseTime: string;
  /** Seconds. */
  readonly callDuration: number;
  /** cAMELInitCallRelease when the gsmSCF released the call at the end of its paid period. */
  readonly causeForTerm: 'normalRelease' | 'cAMELInitCallRelease';
}

export type AnyRecord = ChargingRecord | SmsMoRecord | MocRecord;

export interface ChargingRecord {
  readonly record: 'SGW-CDR' | 'PGW-CDR' | 'SGSN-CDR';
  readonly recordType: string;
  readonly scenario?: string;
  readonly servedIMSI: string;
  readonly servedMSISDN?: string;
  readonly chargingID: number;
  readonly accessPointNameNI: string;
  readonly pdpPDNType: 'IPv4';
  readonly servingNodePLMNIdentifier: string;
  readonly rATType: number;
  /** The address of the gateway that wrote the record (its host name here). */
  readonly nodeId: string;
  readonly recordOpeningTime: string;
  readonly duration: number;
  readonly recordSequenceNumber: number;
  readonly causeForRecClosing: CauseForRecClosing;
  readonly listOfTrafficVolumes: readonly TrafficVolume[];
  /** Online (Gy) or offline charging of this session at the home gateway. */
  readonly chargingCharacteristics: string;
}

export function recordTypeOf(name: RecordName): string {
  return RECORD_TYPES[name];
}

export function parseRecordName(text: string, source: string): RecordName {
  const name = text.trim().toUpperCase();
  if (!(RECORD_NAMES as readonly string[]).includes(name)) throw new InputError(text, source, `one of ${RECORD_NAMES.join(', ')}`);
  return name as RecordName;
}

/** The MB a record carries (uplink + downlink octets over 10^6). */
export function recordMegabytes(record: AnyRecord): number {
  if (record.record === 'SMS-MO' || record.record === 'MOC') return 0;
  return record.listOfTrafficVolumes.reduce((sum, v) => sum + v.dataVolumeGPRSUplink + v.dataVolumeGPRSDownlink, 0) / 1_000_000;
}

export interface RecordScrubber {
  imsi(imsi: string): string;
  msisdn(msisdn: string): string;
}

/** Appends the records as JSON lines to `<dir>/cdrs-<runId>.jsonl`, identities pseudonymised; returns the path. */
export function appendRecordLines(records: readonly AnyRecord[], runId: string, dir: string, scrub: RecordScrubber): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new InputError(runId, 'run id', 'letters, digits, ".", "_" or "-"');
  const path = join(dir, `cdrs-${runId}.jsonl`);
  const lines = records.map((record) => {
    const { servedIMSI, servedMSISDN, ...rest } = record;
    return `${JSON.stringify({ runId, ...rest, servedIMSI: scrub.imsi(servedIMSI), ...(servedMSISDN ? { servedMSISDN: scrub.msisdn(servedMSISDN) } : {}) })}\n`;
  });
  // One append of whole lines: a full disk loses the batch (WriteFailure naming the file), never half a line.
  if (lines.length > 0) appendWhole(path, lines.join(''), 'charging record');
  return path;
}
