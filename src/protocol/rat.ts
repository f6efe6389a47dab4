import { InputError } from '../errors';

export const RATS = ['GSM', 'UMTS', 'LTE'] as const;
export type Rat = (typeof RATS)[number];

/** GSM and UMTS register over MAP with a VLR; LTE over Diameter S6a with an MME. */
export type CoreProtocol = 'MAP' | 'S6a';

export function protocolOf(rat: Rat): CoreProtocol {
  return rat === 'LTE' ? 'S6a' : 'MAP';
}

export function parseRat(text: string, source = 'RAT'): Rat {
  const rat = text.trim().toUpperCase();
  if ((RATS as readonly string[]).includes(rat)) return rat as Rat;
  throw new InputError(text, source, `one of ${RATS.join(', ')}`);
}

/** `GSM, UMTS and LTE` → ['GSM', 'UMTS', 'LTE']: items joined by ", " and/or " and ". */
export function parseRats(text: string, source = 'RAT list'): Rat[] {
  const parts = text.split(/\s*,\s*|\s+and\s+/).filter((part) => part.length > 0);
  if (parts.length === 0) throw new InputError(text, source, `one or more of ${RATS.join(', ')} joined by ", " or " and "`);
  return parts.map((part) => parseRat(part, source));
}
