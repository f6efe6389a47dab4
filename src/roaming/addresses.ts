import { countryOfMcc } from '../config/mcc';
import { parsePlmn, plmnDomain } from '../protocol/plmn';
import type { NodeKind, NodeRef } from './events';

const ROLE_DIGIT = { HLR: '1', VLR: '2', MSC: '3', SMSC: '4' } as const;

/**
 * Synthetic E.164 global titles for a network's nodes: country code, `99`, the MNC on 3 digits, a role digit
 * and `0001` (e.g. HLR of 234-15 → 449901510001). Fictitious but well-formed, so SCCP and MAP address fields
 * decode as international E.164 numbers.
 */
export function globalTitle(plmn: string, role: keyof typeof ROLE_DIGIT): string {
  const { mcc, mnc } = parsePlmn(plmn);
  const cc = countryOfMcc(mcc)?.cc ?? '999';
  return `${cc}99${mnc.padStart(3, '0')}${ROLE_DIGIT[role]}0001`;
}

/** Diameter identities in the TS 23.003 §19.4.2 style: `mme.epc.mnc001.mcc262.3gppnetwork.org`. */
export function diameterHost(plmn: string, role: 'mme' | 'hss'): string {
  return `${role}.${diameterRealm(plmn)}`;
}

export function diameterRealm(plmn: string): string {
  return `epc.${plmnDomain(parsePlmn(plmn))}`;
}

export function nodeRef(kind: NodeKind, plmn: string): NodeRef {
  switch (kind) {
    case 'HLR':
      return { kind, plmn, address: globalTitle(plmn, 'HLR') };
    case 'VLR':
      return { kind, plmn, address: globalTitle(plmn, 'VLR') };
    case 'HSS':
      return { kind, plmn, address: diameterHost(plmn, 'hss') };
    case 'MME':
      return { kind, plmn, address: diameterHost(plmn, 'mme') };
    case 'UE':
      return { kind, plmn };
    case 'MSC':
      return { kind, plmn, address: globalTitle(plmn, 'MSC') };
    case 'SMSC':
      return { kind, plmn, address: globalTitle(plmn, 'SMSC') };
    default:
      // Packet-core and charging elements (SGW, PGW, SGSN, GGSN, OCS): Diameter-style host names.
      return { kind, plmn, address: `${kind.toLowerCase()}.${diameterRealm(plmn)}` };
  }
}
