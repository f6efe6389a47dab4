import type { ElementBuildOptions, ElementNetwork, ElementProvider, ElementProviders, ElementServing, ServedElements } from '../src/elements/seam';
import type { RoamingConfig } from '../src/config/load';
import { TRANSPORT_MODES } from '../src/roaming/transport';
import { WireSuite } from './diameter/wire';
import { InterceptServer } from './intercept';
import { LiveSuite, liveTransport, startElementMocks } from './live-server';
import { MockNetwork } from './network';
import { OsmoHlrElements } from '../src/gsup/osmo-provider';
import { PeerProblems } from '../src/gsup/problems';
import { WireTransport } from './gsup/wire-transport';

/** Real-time deadline of a GSUP request in wire mode: long enough for a loaded machine. */
const SUITE_GSUP_DEADLINE_MS = 1500;

/**
 * The embedded implementation of the element seam: the mock HLR/HSS and VLR/MME of mocks/, in this process,
 * reached directly, through MSW (`intercept`) or over the suite's live HTTP servers (`live`). One provider
 * per run: it owns the run's MSW server and live suite (nothing of it lives at module level), and entry
 * points outside src/ (bin/roamsim.js, support/, scripts/) create it and pass it to the composition root.
 */
export class EmbeddedElements implements ElementProvider, ElementServing {
  readonly name = 'embedded';
  readonly modes = TRANSPORT_MODES;
  readonly intercept = new InterceptServer();
  readonly live = new LiveSuite();
  /** `wire` mode, LTE: S6a over Diameter/TCP (mocks/diameter/wire.ts). */
  readonly diameter = new WireSuite();
  readonly serving: ElementServing = this;
  /**
   * `wire` mode, GSM/UMTS: GSUP between VLR and HLR. One transport per network, with its own GSUP HLR started
   * on first use; what is not VLR↔HLR signalling goes on to the network's Diameter transport (S6a), and what is
   * neither to the elements directly.
   */
  private readonly wires = new Map<MockNetwork, WireTransport>();
  /** Problems GSUP peers caused during the run, one log line each on stderr. */
  readonly gsupProblems = new PeerProblems((line) => process.stderr.write(`roamsim wire: ${line}\n`));

  /** The network's wire transport (the same one every time: the Osmocom-suite steps find its GSUP HLR here). */
  wire(network: MockNetwork, config: RoamingConfig): WireTransport {
    let wire = this.wires.get(network);
    if (!wire) {
      const next = this.diameter.transport(config, network);
      this.wires.set(network, (wire = new WireTransport(network, { problems: this.gsupProblems, deadlineMs: SUITE_GSUP_DEADLINE_MS, ownHlr: true, next })));
    }
    return wire;
  }

  build(options: ElementBuildOptions): ElementNetwork & MockNetwork {
    const { config, seed, clock, bus, scenario, store, subscribers, agreements, link } = options;
    return new MockNetwork({
      config,
      seed,
      clock,
      bus,
      ...(scenario === undefined ? {} : { scenario }),
      shared: { store, subscribers, agreements, link },
      transportFor: (mode, network) => {
        if (mode === 'intercept') return this.intercept.transport(config, network);
        if (mode === 'live') return liveTransport(this.live)(network);
        if (mode === 'wire') return this.wire(network, config);
        throw new Error(`the embedded elements have no ${mode} transport`);
      },
      onClose: async (network) => {
        this.live.networks.unregister(network);
        const wire = this.wires.get(network);
        this.wires.delete(network);
        await Promise.all([wire?.close(), this.diameter.release(network)]);
      },
    });
  }

  /**
   * The live mocks of an in-process live load run, on ephemeral 127.0.0.1 ports: the HLR/HSS in this thread,
   * served by the run's own network (the subscriber store the UE's SIMs come from), and the VLR/MME on a
   * worker thread of its own (mocks/element-thread.ts), so the two ends of most exchanges run on different
   * cores.
   */
  async serveForLoad(options: Parameters<ElementServing['serveForLoad']>[0]): Promise<ServedElements> {
    const { config } = options;
    const networkFor = () => {
      const network = options.networkFor();
      return network instanceof MockNetwork ? network : undefined;
    };
    const hlr = await startElementMocks({ config, networkFor, host: '127.0.0.1', ports: { 'hlr-hss': 0 } }, ['hlr-hss']);
    const hlrUrl = hlr.urls['hlr-hss'] as string;
    try {
      const { startElementThread } = await import('./element-thread');
      const thread = await startElementThread({ config, seed: options.seed, element: 'vlr-mme', peers: { 'hlr-hss': hlrUrl }, maxSockets: options.maxSockets, metrics: options.metrics });
      return {
        urls: { 'hlr-hss': hlrUrl, 'vlr-mme': thread.url },
        thread,
        close: async () => {
          await thread.close();
          await hlr.close();
        },
      };
    } catch (error) {
      await hlr.close();
      throw error;
    }
  }

  /** Ends what the run started (the MSW server, the live suite's connection pool, GSUP and Diameter peers). */
  async close(): Promise<void> {
    this.intercept.close();
    this.live.close();
    const wires = [...this.wires.values()];
    this.wires.clear();
    await Promise.all([...wires.map((wire) => wire.close()), this.diameter.close()]);
  }
}

/** What entry points pass to the composition root (and what load worker threads load by module path). */
export function elementProviders(): ElementProviders & { readonly embedded: EmbeddedElements } {
  // osmo-hlr: a real HLR for the home networks that name one (`networks[].hlr`), over GSUP in wire mode.
  return { embedded: new EmbeddedElements(), 'osmo-hlr': new OsmoHlrElements() };
}

/** This module as an ElementSource (for load runs' worker threads). */
export const EMBEDDED_SOURCE = Object.freeze({ module: __filename });
