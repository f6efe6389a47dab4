import { AfterAll } from '@cucumber/cucumber';
import type { SuiteRun } from './suite';

/**
 * Wire mode (ROAMSIM_MODE=wire): each scenario's S6a exchanges cross Diameter/TCP between its own MME clients
 * and HSS server (mocks/diameter/wire.ts), which disconnect (DPR/DPA) when the scenario's simulation closes;
 * peers shared through `diameter_agents` disconnect at the end of the run.
 */
export function installWire(suite: SuiteRun): void {
  AfterAll(async function () {
    await suite.elements.wire.close();
  });
}
