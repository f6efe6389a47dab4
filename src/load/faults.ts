import type { FaultControl } from '../elements/seam';
import { type ProtocolError, diameterError, mapError } from '../protocol/codes';
import type { Procedure } from '../roaming/events';

const AUTH_INFO: readonly Procedure[] = ['SendAuthenticationInfo', 'Authentication-Information'];
const LOCATION: readonly Procedure[] = ['UpdateLocation', 'Update-Location'];

/** Of all injected faults, this share is transient (retried, may end dead-lettered); the rest are permanent. */
export const TRANSIENT_SHARE = 0.6;

/** One fault rule as the admin endpoint of `roamsim mocks` takes it (POST /admin/faults). */
export interface FaultRuleSpec {
  readonly operation: 'SendAuthenticationInfo' | 'UpdateLocation';
  readonly error: string;
  readonly percent: number;
}

/**
 * The seeded fault mix of `--fault-rate F` at the HLR/HSS: each authentication-info and update-location
 * request fails with probability F, 60 % of those with a transient error (MAP systemFailure /
 * DIAMETER_TOO_BUSY: the VLR/MME retries, and may dead-letter), 40 % with a permanent one
 * (unknownSubscriber / DIAMETER_ERROR_USER_UNKNOWN on authentication info, unexpectedDataValue /
 * DIAMETER_UNABLE_TO_COMPLY on update location). Rules are tried in order and each draws from the
 * network's seeded stream, so the permanent rule's percentage is conditioned on the transient one missing.
 */
export function faultRules(rate: number): FaultRuleSpec[] {
  if (rate <= 0) return [];
  const transient = TRANSIENT_SHARE * rate;
  const permanent = transient >= 1 ? 0 : ((1 - TRANSIENT_SHARE) * rate) / (1 - transient);
  const percent = (p: number) => Math.min(100, p * 100);
  return [
    { operation: 'SendAuthenticationInfo', error: 'systemFailure', percent: percent(transient) },
    { operation: 'SendAuthenticationInfo', error: 'unknownSubscriber', percent: percent(permanent) },
    { operation: 'UpdateLocation', error: 'systemFailure', percent: percent(transient) },
    { operation: 'UpdateLocation', error: 'unexpectedDataValue', percent: percent(permanent) },
  ];
}

const ERRORS: Record<string, ProtocolError> = {
  systemFailure: mapError('systemFailure'),
  unknownSubscriber: mapError('unknownSubscriber'),
  unexpectedDataValue: mapError('unexpectedDataValue'),
};

/** Adds the mix to a network's FaultControl (MAP names; the book turns them into the S6a twins on LTE). */
export function applyFaultRate(faults: FaultControl, rate: number): void {
  for (const rule of faultRules(rate)) {
    faults.add(rule.operation === 'SendAuthenticationInfo' ? AUTH_INFO : LOCATION, { kind: 'error', error: ERRORS[rule.error] }, { percent: rule.percent });
  }
}

/** Error names the mix injects, in both protocols: an outcome with one of these is explained by a fault. */
export const INJECTED_CAUSES: ReadonlySet<string> = new Set([
  'systemFailure',
  diameterError('DIAMETER_TOO_BUSY').name,
  'unknownSubscriber',
  diameterError('DIAMETER_ERROR_USER_UNKNOWN').name,
  'unexpectedDataValue',
  diameterError('DIAMETER_UNABLE_TO_COMPLY').name,
]);
