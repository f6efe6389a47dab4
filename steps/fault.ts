import { Given, Then } from '@cucumber/cucumber';
import { readFileSync } from 'node:fs';
import type { FaultAction } from '../src/elements/seam';
import { parseOperation } from '../src/elements/faults';
import { InputError } from '../src/errors';
import { parseErrorName } from '../src/protocol/codes';
import { deadLetterLogOf } from '../support/dead-letter-hook';
import type { RoamingWorld } from '../support/world';
import { RoamingAssertionError } from '../src/expectations/assertion';

// Faults on the home HLR/HSS. Operation names: MAP names (SendAuthenticationInfo, UpdateLocation, PurgeMS)
// on every RAT, S6a names and abbreviations (Authentication-Information/AIR, Update-Location/ULR,
// Purge-UE/PUR) for LTE. `HLR/HSS/HLR\/HSS` lets "the HLR", "the HSS" and "the HLR/HSS" all read.

function errorAction(name: string): FaultAction {
  const error = parseErrorName(name, 'error name in the step');
  if (error.kind === 'local') {
    throw new InputError(name, 'error name in the step', 'an error the HLR/HSS answers with (e.g. systemFailure, roamingNotAllowed, DIAMETER_TOO_BUSY); for silence write "Given the HLR/HSS does not answer ... requests"');
  }
  return { kind: 'error', error };
}

function atLeastZero(value: number, source: string, expected: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InputError(String(value), source, expected);
  return value;
}

Given('the HLR/HSS/HLR\\/HSS answers the next {int} {string} request(s) with {string}', function (this: RoamingWorld, count: number, operation: string, error: string) {
  atLeastZero(count, 'request count in the step', 'a number of requests, 0 or more');
  this.simulation.faults().add(parseOperation(operation, 'operation name in the step'), errorAction(error), { count });
});

Given('the HLR/HSS/HLR\\/HSS does not answer {string} requests', function (this: RoamingWorld, operation: string) {
  this.simulation.faults().add(parseOperation(operation, 'operation name in the step'), { kind: 'no-answer' });
});

Given('the HLR/HSS/HLR\\/HSS answers {string} requests after {int} ms', function (this: RoamingWorld, operation: string, ms: number) {
  atLeastZero(ms, 'delay in the step', 'a delay in ms, 0 or more');
  this.simulation.faults().add(parseOperation(operation, 'operation name in the step'), { kind: 'delay', ms });
});

// Each matching request draws from the scenario's fault stream, seeded by ROAMSIM_SEED and the scenario.
Given('{int}% of {string} requests to the HLR/HSS/HLR\\/HSS fail with {string}', function (this: RoamingWorld, percent: number, operation: string, error: string) {
  if (percent < 0 || percent > 100) throw new InputError(`${percent}%`, 'percentage in the step', 'a percentage from 0% to 100%');
  this.simulation.faults().add(parseOperation(operation, 'operation name in the step'), errorAction(error), { percent });
});

Then('the HLR/HSS/HLR\\/HSS received {int} {string} request(s)', function (this: RoamingWorld, expected: number, operation: string) {
  atLeastZero(expected, 'request count in the step', 'a number of requests, 0 or more');
  const received = this.homeReceived(parseOperation(operation, 'operation name in the step'));
  if (received !== expected) {
    throw new RoamingAssertionError(`expected the home network to have received ${expected} "${operation}" request${expected === 1 ? '' : 's'}, but it received ${received}`);
  }
});

Then('the attempt is dead-lettered', function (this: RoamingWorld) {
  this.expectDeadLettered();
  const outcome = this.lastOutcome;
  const log = deadLetterLogOf(this);
  const line = log?.lines[log.lines.length - 1];
  if (!log || !line) throw new Error('the attempt was dead-lettered, but no line was written to the dead-letter log');
  if (!readFileSync(log.file, 'utf8').includes(line)) throw new Error(`the dead-letter line is missing from ${log.file}`);
  const record = log.records[log.records.length - 1];
  const attempts = outcome?.outcome === 'dead-lettered' ? outcome.attempts.length : 0;
  if (record.attempts.length !== attempts || attempts === 0) {
    throw new RoamingAssertionError(`expected the dead-letter line to list the ${attempts} failed attempts, but it lists ${record.attempts.length}`);
  }
  if (line.includes(this.subscriber.imsi)) throw new Error('the dead-letter line holds the raw IMSI: identities must be pseudonymised');
});
