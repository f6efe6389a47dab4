import { AfterAll } from '@cucumber/cucumber';
import { wireSuite } from '../mocks/diameter/wire';
import { onScenario, runMode } from './world';

/**
 * Wire mode (ROAMSIM_MODE=wire): each scenario's S6a exchanges cross Diameter/TCP between its own MME clients
 * and HSS server (mocks/diameter/wire.ts); at the scenario's end they disconnect (DPR/DPA) and stop.
 */
onScenario((world) => {
  if (runMode() !== 'wire') return undefined;
  return {
    async finish() {
      const transport = wireSuite.transports.get(world.network);
      wireSuite.transports.delete(world.network);
      await transport?.close();
    },
  };
});

AfterAll(async function () {
  const shared = wireSuite.shared;
  wireSuite.shared = undefined;
  await shared?.close();
});
