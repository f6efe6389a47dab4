import { InputError } from '../errors';
import type { Procedure } from '../roaming/events';

/**
 * Operation names a person may write. MAP names work on every RAT (they select the S6a twin on LTE);
 * S6a names and abbreviations select the S6a procedure only.
 */
const OPERATION_NAMES: Readonly<Record<string, readonly Procedure[]>> = {
  SendAuthenticationInfo: ['SendAuthenticationInfo', 'Authentication-Information'],
  UpdateLocation: ['UpdateLocation', 'Update-Location'],
  PurgeMS: ['PurgeMS', 'Purge-UE'],
  'Authentication-Information': ['Authentication-Information'],
  AIR: ['Authentication-Information'],
  'Update-Location': ['Update-Location'],
  ULR: ['Update-Location'],
  'Purge-UE': ['Purge-UE'],
  PUR: ['Purge-UE'],
};

/** Reads an HLR/HSS operation a person wrote (a step, an admin request) as the procedures it selects. */
export function parseOperation(text: string, source = 'operation name'): readonly Procedure[] {
  const procedures = OPERATION_NAMES[text.trim()];
  if (!procedures) {
    throw new InputError(text, source, `an HLR/HSS operation: ${Object.keys(OPERATION_NAMES).join(', ')}`);
  }
  return procedures;
}

