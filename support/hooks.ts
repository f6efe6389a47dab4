import { After, AfterAll, Before } from '@cucumber/cucumber';
import path from 'node:path';
import { hash32 } from '../src/subscribers/random';
import type { SuiteRun } from './suite';
import type { RoamingWorld } from './world';

/** Each scenario's simulation: built before its steps, finished (sinks, then the simulation) after them. */
export function installScenarioLifecycle(suite: SuiteRun): void {
  Before({ name: 'start the scenario network' }, function (this: RoamingWorld, { pickle, gherkinDocument }) {
    const feature = gherkinDocument.feature?.name ?? path.basename(pickle.uri, '.feature');
    // Each scenario's seed comes from the run seed and its own name: it replays alone, in any order or shard.
    const seed = (suite.config().seed ^ hash32(`${pickle.uri}|${pickle.name}`)) >>> 0;
    this.startScenario(feature, pickle.name, seed);
  });

  // Runs after the hook below has finished the sinks (After hooks run in reverse order of definition).
  After({ name: 'check that every refusal was asserted' }, async function (this: RoamingWorld, { result }) {
    // A record that could not be written fails the scenario even when no registration step saw it (a detach).
    if (this.writeFailure && result?.status === 'PASSED') throw this.writeFailure;
    // A rejection nobody asserted is a scenario that passed by accident (the cucumber-js "unasserted error" guard).
    if (result?.status === 'PASSED' && !this.outcomeExamined && this.lastOutcome && this.lastOutcome.outcome !== 'accepted') {
      throw new Error(`the last registration was ${this.describeOutcome(this.lastOutcome)} and no step asserted it: add "Then the registration is rejected with ..."`);
    }
  });

  // Captures, ladders, billing and metric tables go on the scenario itself in Allure, not under a tear-down
  // fixture: allure-cucumberjs makes no fixture for a hook with this name, so its attachments land on the test.
  After({ name: 'ALLURE_FIXTURE_IGNORE' }, async function (this: RoamingWorld, { result }) {
    await this.endScenario({ status: String(result?.status ?? 'UNKNOWN'), failed: result?.status === 'FAILED' });
  });

  AfterAll(function () {
    suite.close();
  });
}
