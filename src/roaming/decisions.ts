import { type ProtocolError, diameterError, mapError } from '../protocol/codes';
import type { CoreProtocol, Rat } from '../protocol/rat';
import type { HlrRecord } from '../subscribers/store';
import type { Agreement } from './agreements';

export type LocationRefusal = 'unknownSubscriber' | 'noAgreement' | 'ratNotCovered' | 'barred';

/**
 * The HLR/HSS decision on an UpdateLocation / Update-Location, checks in this order (TS 23.012 §3.6.1.2 and
 * TS 29.272 §7.2.1 roaming checks): subscriber known; home network, or an agreement with the visited PLMN;
 * the agreement covers the RAT; the subscriber is not barred from roaming (ODB or a non-roaming profile).
 */
export function decideUpdateLocation(input: {
  readonly record: HlrRecord | undefined;
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly rat: Rat;
  readonly agreement: Agreement | undefined;
  readonly profileAllowsRoaming: boolean;
}): { ok: true } | { ok: false; refusal: LocationRefusal } {
  if (!input.record) return { ok: false, refusal: 'unknownSubscriber' };
  if (input.visitedPlmn === input.homePlmn) return { ok: true };
  if (!input.agreement) return { ok: false, refusal: 'noAgreement' };
  if (!input.agreement.rats.includes(input.rat)) return { ok: false, refusal: 'ratNotCovered' };
  if (input.record.barred || !input.profileAllowsRoaming) return { ok: false, refusal: 'barred' };
  return { ok: true };
}

/**
 * The refusal in the protocol's own terms. MAP: roamingNotAllowed carries plmnRoamingNotAllowed, or
 * operatorDeterminedBarring, or the additional cause supportedRAT-TypesNotAllowed (TS 29.002 §7.6.3.31A).
 * S6a: the 3GPP Experimental-Result codes 5001, 5004 and 5421 (TS 29.272 §7.4.3).
 */
export function refusalError(refusal: LocationRefusal, protocol: CoreProtocol): ProtocolError {
  if (protocol === 'MAP') {
    switch (refusal) {
      case 'unknownSubscriber':
        return mapError('unknownSubscriber');
      case 'noAgreement':
        return mapError('roamingNotAllowed', 'plmnRoamingNotAllowed');
      case 'ratNotCovered':
        return mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed');
      case 'barred':
        return mapError('roamingNotAllowed', 'operatorDeterminedBarring');
    }
  }
  switch (refusal) {
    case 'unknownSubscriber':
      return diameterError('DIAMETER_ERROR_USER_UNKNOWN');
    case 'noAgreement':
    case 'barred':
      return diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED');
    case 'ratNotCovered':
      return diameterError('DIAMETER_ERROR_RAT_NOT_ALLOWED');
  }
}
