import { type ProtocolError, describeError, errorMatches } from '../protocol/codes';
import type { RegistrationOutcome } from '../roaming/interpreter';
import { RoamingAssertionError } from './assertion';

/** What "accepted", "rejected with …" and "dead-lettered" mean for a registration, with the failure messages. */

export function describeOutcome(outcome: RegistrationOutcome): string {
  return outcome.outcome === 'accepted' ? 'accepted' : `${outcome.outcome} with ${describeError(outcome.error)}`;
}

export function expectAccepted(outcome: RegistrationOutcome): void {
  if (outcome.outcome !== 'accepted') throw new RoamingAssertionError(`expected the registration in ${outcome.target.plmn} over ${outcome.target.rat} to be accepted, but it was ${describeOutcome(outcome)}`);
}

export function expectRejected(outcome: RegistrationOutcome, expected: ProtocolError, written: string): void {
  if (outcome.outcome === 'accepted') throw new RoamingAssertionError(`expected the registration in ${outcome.target.plmn} over ${outcome.target.rat} to be rejected with ${written}, but it was accepted`);
  if (!errorMatches(outcome.error, expected)) {
    throw new RoamingAssertionError(`expected rejection with ${written} (${describeError(expected)}), but it was ${describeOutcome(outcome)}`);
  }
}

export function expectDeadLettered(outcome: RegistrationOutcome): void {
  if (outcome.outcome !== 'dead-lettered') throw new RoamingAssertionError(`expected the attempt to be dead-lettered, but it was ${describeOutcome(outcome)}`);
}

/** A Given step's premise: the registration it needs must have succeeded. */
export function requireRegistered(outcome: RegistrationOutcome): void {
  if (outcome.outcome !== 'accepted') {
    throw new Error(`could not register the subscriber in ${outcome.target.plmn} over ${outcome.target.rat} as the step requires: ${describeOutcome(outcome)}`);
  }
}
