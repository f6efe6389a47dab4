import { DeadLetterLog } from '../src/roaming/dead-letter';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import type { SuiteRun } from './suite';
import { type RoamingWorld, partKey } from './world';

const DEAD_LETTERS = partKey<DeadLetterLog>('dead-letters');

/** The dead-letter log of a scenario: one JSON line per dead-lettered attempt in logs/dead-letter.jsonl. */
export function deadLetterLogOf(world: RoamingWorld): DeadLetterLog | undefined {
  return world.part(DEAD_LETTERS);
}

export function installDeadLetters(suite: SuiteRun): void {
  suite.onScenario((world) => {
    const log = world.setPart(DEAD_LETTERS, new DeadLetterLog({ pseudonymizer: runPseudonymizer(world.config), ledger: suite.ledger }));
    const detach = log.attach(world.bus);
    return {
      finish() {
        detach();
      },
    };
  });
}
