import { setupServer } from 'msw/node';
import type { RoamingConfig } from '../src/config/load';
import { FetchTransport, type ElementKind } from '../src/roaming/transport';
import { elementHandlers } from './http-handlers';
import type { MockNetwork } from './network';

export function elementBaseUrl(config: RoamingConfig): (element: ElementKind) => string {
  const { host, hlrHssPort, vlrMmePort } = config.endpoints;
  return (element) => `http://${host}:${element === 'hlr-hss' ? hlrHssPort : vlrMmePort}`;
}

/**
 * One MSW server per run (MSW patches the process's fetch), owned by the embedded element provider; each
 * scenario swaps in handlers bound to its own network with resetHandlers, so no state leaks between
 * scenarios. A request no handler serves fails the scenario (`onUnhandledRequest: 'error'`).
 */
export class InterceptServer {
  private server: ReturnType<typeof setupServer> | undefined;

  transport(config: RoamingConfig, network: MockNetwork): FetchTransport {
    const baseUrl = elementBaseUrl(config);
    if (!this.server) {
      this.server = setupServer();
      this.server.listen({ onUnhandledRequest: 'error' });
    }
    this.server.resetHandlers(...elementHandlers(baseUrl, () => network));
    return new FetchTransport('intercept', baseUrl, network.clock.simulated ? undefined : network.clock);
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }
}

/** The intercept transport for a network, on the run's server. */
export function interceptTransport(config: RoamingConfig, server: InterceptServer) {
  return (network: MockNetwork) => server.transport(config, network);
}
