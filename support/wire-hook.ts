import { Before, BeforeAll } from '@cucumber/cucumber';
import { reachable } from '../src/gsup/load';
import { wireSuite } from '../src/gsup/wire-suite';
import { type RoamingWorld, onScenario, runConfig, runMode } from './world';

/** A config naming a real HLR nobody answers at fails the run before the first scenario, naming both. */
BeforeAll({ timeout: 30_000 }, async function () {
  if (runMode() !== 'wire') return;
  for (const network of runConfig().networks) {
    if (!network.hlr) continue;
    await reachable(network.hlr.gsup.host, network.hlr.gsup.port, `wire mode: the GSUP HLR of home network ${network.plmn} (config networks[].hlr.gsup)`);
    await reachable(network.hlr.provision.host, network.hlr.provision.port, `wire mode: the CTRL interface of home network ${network.plmn} (config networks[].hlr.provision)`);
  }
});

/**
 * Wire mode (ROAMSIM_MODE=wire): every GSM/UMTS exchange between a VLR and an HLR crosses GSUP on 127.0.0.1.
 * Each scenario serves its home networks on its own GSUP HLR (a free port, started by the scenario's wire
 * transport on the first request), its VLRs connect to it, and both are closed when the scenario ends.
 */
onScenario((world) => {
  if (runMode() !== 'wire') return undefined;
  return {
    async finish() {
      await wireSuite.journeys.get(world.network)?.close();
      await wireSuite.transports.get(world.network)?.close();
    },
  };
});

/** Journeys spoken over GSUP to the HLR under test exist only in wire mode: elsewhere they are skipped, saying why. */
Before({ tags: '@wire-only', name: 'wire mode only' }, function (this: RoamingWorld) {
  if (runMode() === 'wire') return undefined;
  this.log(`skipped: this journey speaks GSUP to the HLR under test and runs with ROAMSIM_MODE=wire (this run: ${runMode()})`);
  return 'skipped';
});
