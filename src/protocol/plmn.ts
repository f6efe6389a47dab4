import { InputError } from '../errors';

/** A PLMN identity: 3-digit MCC and 2- or 3-digit MNC, kept as strings so leading zeros survive. */
export interface Plmn {
  readonly mcc: string;
  readonly mnc: string;
}

const PLMN_TEXT = /^(\d{3})-(\d{2,3})$/;

/** Parses `MCC-MNC` (`262-01`, `310-260`). `source` says where the text came from, for the error. */
export function parsePlmn(text: string, source = 'PLMN'): Plmn {
  const match = PLMN_TEXT.exec(text.trim());
  if (!match) {
    throw new InputError(text, source, 'a PLMN as MCC-MNC with a 3-digit MCC and a 2- or 3-digit MNC, e.g. "262-01" or "310-260"');
  }
  return { mcc: match[1], mnc: match[2] };
}

export function formatPlmn(plmn: Plmn): string {
  return `${plmn.mcc}-${plmn.mnc}`;
}

export function samePlmn(a: Plmn, b: Plmn): boolean {
  return a.mcc === b.mcc && a.mnc === b.mnc;
}

/** 3GPP network domain name parts: mnc001.mcc262 (TS 23.003 §19.2, the MNC padded to 3 digits). */
export function plmnDomain(plmn: Plmn): string {
  return `mnc${plmn.mnc.padStart(3, '0')}.mcc${plmn.mcc}.3gppnetwork.org`;
}

/** TS 24.008 §10.5.1.3 packing used by Visited-PLMN-Id, MAP PLMN-Id and the KASME SN id. */
export function encodePlmnId(plmn: Plmn): Buffer {
  const d = (s: string, i: number) => Number(s[i]);
  const mnc3 = plmn.mnc.length === 3 ? d(plmn.mnc, 2) : 0xf;
  return Buffer.from([
    (d(plmn.mcc, 1) << 4) | d(plmn.mcc, 0),
    (mnc3 << 4) | d(plmn.mcc, 2),
    (d(plmn.mnc, 1) << 4) | d(plmn.mnc, 0),
  ]);
}
