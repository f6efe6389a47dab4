import { AfterAll, Before, BeforeAll } from '@cucumber/cucumber';
import { MockNetwork } from '../mocks/network';
import { GsupJourney } from '../src/gsup/journey';
import { reachable } from '../src/gsup/load';
import type { SuiteRun } from './suite';
import { type RoamingWorld, partKey } from './world';

const JOURNEY = partKey<GsupJourney>('gsup-journey');

/**
 * The scenario's GSUP journey (steps/gsup.ts): it speaks to the HLR under test of the subscriber's home
 * network — the real HLR the config names (`networks[].hlr`), or the embedded network's own GSUP HLR that
 * its wire transport serves. Created on first use; wire mode only.
 */
export function gsupJourney(world: RoamingWorld): GsupJourney {
  const existing = world.part(JOURNEY);
  if (existing) return existing;
  if (world.suite.mode() !== 'wire') throw new Error('these GSUP journeys need wire mode: run with ROAMSIM_MODE=wire');
  return world.setPart(
    JOURNEY,
    new GsupJourney(world.simulation.store, async (homePlmn) => {
      const real = world.config.networks.find((network) => network.plmn === homePlmn)?.hlr?.gsup;
      if (real) return real;
      const network = world.simulation.networkFor(homePlmn);
      return network instanceof MockNetwork ? world.suite.elements.wire(network, world.config).ownHlrAddress() : undefined;
    }),
  );
}

/**
 * Wire mode (ROAMSIM_MODE=wire): every GSM/UMTS exchange between a VLR and an HLR crosses GSUP on 127.0.0.1
 * (the embedded networks' wire transport, mocks/embedded.ts; a real HLR's through src/gsup/osmo-provider.ts),
 * and every S6a exchange crosses Diameter/TCP between the scenario's own MME clients and HSS server
 * (mocks/diameter/wire.ts), which disconnect (DPR/DPA) when the scenario's simulation closes; peers shared
 * through `diameter_agents` disconnect at the end of the run.
 * A config naming a real HLR nobody answers at fails the run before the first scenario, naming both; the
 * Osmocom-suite journeys (@wire-only) are skipped in the other modes, saying why.
 */
export function installWire(suite: SuiteRun): void {
  BeforeAll({ timeout: 30_000 }, async function () {
    if (suite.mode() !== 'wire') return;
    for (const network of suite.config().networks) {
      if (!network.hlr) continue;
      await reachable(network.hlr.gsup.host, network.hlr.gsup.port, `wire mode: the GSUP HLR of home network ${network.plmn} (config networks[].hlr.gsup)`);
      await reachable(network.hlr.provision.host, network.hlr.provision.port, `wire mode: the CTRL interface of home network ${network.plmn} (config networks[].hlr.provision)`);
    }
  });

  Before({ tags: '@wire-only', name: 'wire mode only' }, function (this: RoamingWorld) {
    if (suite.mode() === 'wire') return undefined;
    this.log(`skipped: this journey speaks GSUP to the HLR under test and runs with ROAMSIM_MODE=wire (this run: ${suite.mode()})`);
    return 'skipped';
  });

  AfterAll(async function () {
    await suite.elements.diameter.close();
  });

  // Sinks are made when the scenario starts; the journey appears later, on its first step.
  suite.onScenario((world) => (suite.mode() === 'wire' ? { finish: () => world.part(JOURNEY)?.close() } : undefined));
}
