import { createHmac } from 'node:crypto';
import type { RoamingConfig } from '../config/load';
import { Pseudonymizer } from './pseudonym';

/**
 * The run's pseudonymizer: one key per run, HMAC-SHA-256 of the Ki secret over `pseudonym|<seed>`, so every
 * sink (captures, logs, audit, dead-letter log) maps one subscriber to the same pseudonym, a new seed or
 * secret gives new pseudonyms, and the key never leaves the process. Derived on each call (one HMAC): the
 * same config always gives the same pseudonyms.
 */
export function runPseudonymizer(config: Pick<RoamingConfig, 'seed' | 'secrets'>): Pseudonymizer {
  const key = createHmac('sha256', config.secrets.kiSecret).update(`pseudonym|${config.seed}`).digest();
  return new Pseudonymizer(key);
}

/** How many leading IMSI digits a pseudonym keeps: MCC + MNC, from the home PLMN (`262-01` → 5, `310-260` → 6). */
export function imsiPrefixLength(homePlmn: string | undefined): number {
  return homePlmn && /^\d{3}-\d{2,3}$/.test(homePlmn) ? homePlmn.length - 1 : 5;
}
