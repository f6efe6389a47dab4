import { type ProtocolError, describeError, errorMatches } from '../protocol/codes';
import { InputError } from '../errors';
import { describeNasRefusal, nasRefusal, parseNasRefusal } from '../protocol/nas';
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

/**
 * "The subscriber is refused with …": the refusal the handset sees (Attach Reject / Location Updating Reject
 * with its EMM or MM cause, or Authentication Reject), from the core-network error by protocol/nas.ts.
 */
export function expectRefusedWith(outcome: RegistrationOutcome, written: string): void {
  const matches = parseNasRefusal(written);
  if (!matches) {
    throw new InputError(written, 'the step "the subscriber is refused with"', 'an EMM/MM cause as "#13 roaming not allowed in this tracking area", "#13", 13 or its name, or "Authentication Reject" (README: NAS causes)');
  }
  if (outcome.outcome === 'accepted') throw new Error(`expected the handset to be refused with ${written} in ${outcome.target.plmn} over ${outcome.target.rat}, but the registration was accepted`);
  const refusal = nasRefusal(outcome.error, outcome.target.rat);
  if (!matches(refusal)) {
    throw new Error(`expected the handset to be refused with ${written}, but it got ${describeNasRefusal(refusal)} (from ${describeOutcome(outcome)})`);
  }
}
