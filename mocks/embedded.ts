import type { ElementBuildOptions, ElementNetwork, ElementProvider, ElementProviders, ElementServing, ServedElements } from '../src/elements/seam';
import { TRANSPORT_MODES } from '../src/roaming/transport';
import { WireSuite } from './diameter/wire';
import { InterceptServer } from './intercept';
import { LiveSuite, liveTransport, startElementMocks } from './live-server';
import { MockNetwork } from './network';

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
  /** `wire` mode: S6a over Diameter/TCP (mocks/diameter/wire.ts). */
  readonly wire = new WireSuite();
  readonly serving: ElementServing = this;

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
        if (mode === 'wire') return this.wire.transport(config, network);
        throw new Error(`the embedded elements have no ${mode} transport`);
      },
      onClose: (network) => {
        this.live.networks.unregister(network);
        return this.wire.release(network);
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

  /** Ends what the run started (the MSW server, the live suite's connection pool, the Diameter peers). */
  close(): Promise<void> {
    this.intercept.close();
    this.live.close();
    return this.wire.close();
  }
}

/** What entry points pass to the composition root (and what load worker threads load by module path). */
export function elementProviders(): ElementProviders & { readonly embedded: EmbeddedElements } {
  return { embedded: new EmbeddedElements() };
}

/** This module as an ElementSource (for load runs' worker threads). */
export const EMBEDDED_SOURCE = Object.freeze({ module: __filename });
