import { randomBytes } from 'node:crypto';
import type { CnDomain } from '../protocol/gsup';

/**
 * CCM serial names of roamsim's VLRs and SGSNs: `roamsim-VLR-262-01-<unique>`. The HLR stores the name as the
 * serving node and routes pushes by it, so it must be unique per open connection (osmo-hlr silently sends a
 * duplicate's answers to the first holder); GSUP carries no visited PLMN, so roamsim's GSUP HLR reads it here.
 * At most 31 characters: osmo-hlr 1.5 stores the VLR/SGSN number truncated to 31, and a truncated name no
 * longer routes the DeleteSubscriberData it pushes.
 */
export function gsupPeerName(visitedPlmn: string, domain: CnDomain): string {
  return `roamsim-${domain === 'CS' ? 'VLR' : 'SGSN'}-${visitedPlmn}-${randomBytes(4).toString('hex')}`;
}

const NAME = /^roamsim-(?:VLR|SGSN)-(\d{3}-\d{2,3})-/;

/** The visited PLMN a serving node's name declares; undefined for a node not named by roamsim. */
export function visitedPlmnOf(name: string): string | undefined {
  return NAME.exec(name)?.[1];
}
