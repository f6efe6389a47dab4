import { DeadLetterLog } from '../src/roaming/dead-letter';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { runTelemetry } from './telemetry-hook';
import { type RoamingWorld, onScenario } from './world';

const logs = new WeakMap<RoamingWorld, DeadLetterLog>();

/** The dead-letter log of a scenario: one JSON line per dead-lettered attempt in logs/dead-letter.jsonl. */
export function deadLetterLogOf(world: RoamingWorld): DeadLetterLog | undefined {
  return logs.get(world);
}

onScenario((world) => {
  const log = new DeadLetterLog({ pseudonymizer: runPseudonymizer(world.config), ledger: runTelemetry().ledger });
  const detach = log.attach(world.bus);
  logs.set(world, log);
  return {
    finish() {
      detach();
    },
  };
});
