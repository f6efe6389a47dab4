import type { MockNetwork } from '../../mocks/network';
import type { Transport } from '../roaming/transport';
import type { OsmoLocation } from './osmo-home';
import { GsupJourney } from './journey';
import { PeerProblems } from './problems';
import { WireTransport } from './wire-transport';

/** Real-time deadline of a GSUP request in the feature suite: long enough for a loaded machine. */
export const SUITE_GSUP_DEADLINE_MS = 1500;

/**
 * The feature suite's wire mode (ROAMSIM_MODE=wire): each scenario's network gets a WireTransport, which
 * starts its own GSUP HLR on the first request; the scenario hook (support/wire-hook.ts) closes it after the
 * last step. Problems any GSUP peer caused are counted here for the run.
 */
export const wireSuite = {
  transports: new WeakMap<MockNetwork, WireTransport>(),
  /** The Osmocom-suite journeys' GSUP connections, per scenario network (steps/gsup.ts). */
  journeys: new WeakMap<MockNetwork, GsupJourney>(),
  problems: new PeerProblems((line) => process.stderr.write(`roamsim wire: ${line}\n`)),
};

export function wireTransport(): (network: MockNetwork) => Transport {
  return (network) => {
    const transport = new WireTransport(network, { problems: wireSuite.problems, deadlineMs: SUITE_GSUP_DEADLINE_MS, ownHlr: true });
    wireSuite.transports.set(network, transport);
    return transport;
  };
}

/**
 * What a real HLR records for the subscriber, when its home network is served by one in this scenario
 * (wire mode and config `networks[].hlr`); `embedded` when the embedded HLR is the one to ask.
 */
export async function externalLocation(network: MockNetwork, subscriber: { imsi: string; homePlmn: string }): Promise<OsmoLocation | 'embedded'> {
  const transport = wireSuite.transports.get(network);
  if (!transport?.externals.hlrOf(subscriber.homePlmn)) return 'embedded';
  return (await transport.externals.location(subscriber.imsi, subscriber.homePlmn)) ?? { known: false, source: 'element' };
}

/** The scenario's GSUP journey (created on first use); only in wire mode. */
export function gsupJourney(network: MockNetwork): GsupJourney {
  let journey = wireSuite.journeys.get(network);
  if (!journey) {
    const transport = wireSuite.transports.get(network);
    if (!transport) throw new Error('these GSUP journeys need wire mode: run with ROAMSIM_MODE=wire');
    journey = new GsupJourney(network, transport);
    wireSuite.journeys.set(network, journey);
  }
  return journey;
}
