import type { MockNetwork } from '../../mocks/network';
import type { Transport } from '../roaming/transport';
import { PeerProblems } from './problems';
import { WireTransport } from './wire-transport';

/** Real-time deadline of a GSUP request in the feature suite: long enough for a loaded machine. */
export const SUITE_GSUP_DEADLINE_MS = 1500;

/**
 * The feature suite's wire mode (ROAMSIM_MODE=wire): each scenario's network gets a WireTransport; the
 * scenario hook (support/wire-hook.ts) starts its GSUP HLR before the first step and closes both after the
 * last. Problems any GSUP peer caused are counted here for the run.
 */
export const wireSuite = {
  transports: new WeakMap<MockNetwork, WireTransport>(),
  problems: new PeerProblems((line) => process.stderr.write(`roamsim wire: ${line}\n`)),
};

export function wireTransport(): (network: MockNetwork) => Transport {
  return (network) => {
    const transport = new WireTransport(network, { problems: wireSuite.problems, deadlineMs: SUITE_GSUP_DEADLINE_MS });
    wireSuite.transports.set(network, transport);
    return transport;
  };
}
