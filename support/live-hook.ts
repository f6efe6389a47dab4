import { AfterAll, BeforeAll } from '@cucumber/cucumber';
import { startLiveMocks, waitForReady } from '../mocks/live-server';
import type { SuiteRun } from './suite';

/**
 * Live mode (ROAMSIM_MODE=live): the HLR/HSS and VLR/MME run as real HTTP servers inside this process, on
 * free 127.0.0.1 ports (one pair per worker under --parallel). Each request names its scenario in
 * `x-roamsim-scenario` and is served by that scenario's network, so every signalling exchange crosses a
 * real socket while Then steps still inspect the network's state. Scenarios keep the simulated clock.
 */
export function installLive(suite: SuiteRun): void {
  const live = suite.elements.live;
  BeforeAll({ timeout: 120_000 }, async function () {
    if (suite.mode() !== 'live') return;
    const config = suite.config();
    const mocks = await startLiveMocks({ config, networkFor: live.networks.networkFor, ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
    live.mocks = mocks;
    try {
      // Every element must answer GET /ready before the first scenario runs.
      await waitForReady(mocks.urls, config.endpoints.readyTimeoutMs);
    } catch (error) {
      await mocks.close();
      live.mocks = undefined;
      throw new Error(`live mode: ${(error as Error).message}`);
    }
  });

  AfterAll(async function () {
    const mocks = live.mocks;
    live.mocks = undefined;
    await mocks?.close();
  });
}
