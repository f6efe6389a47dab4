import { setupServer } from 'msw/node';
import type { RoamingConfig } from '../src/config/load';
import { FetchTransport, type ElementKind } from '../src/roaming/transport';
import { elementHandlers } from './http-handlers';
import type { MockNetwork } from './network';

let server: ReturnType<typeof setupServer> | undefined;

export function elementBaseUrl(config: RoamingConfig): (element: ElementKind) => string {
  const { host, hlrHssPort, vlrMmePort } = config.endpoints;
  return (element) => `http://${host}:${element === 'hlr-hss' ? hlrHssPort : vlrMmePort}`;
}

/**
 * One MSW server per process (MSW patches the process's fetch); each scenario swaps in handlers bound to its
 * own network with resetHandlers, so no state leaks between scenarios. A request no handler serves fails
 * the scenario (`onUnhandledRequest: 'error'`).
 */
export function interceptTransport(config: RoamingConfig) {
  const baseUrl = elementBaseUrl(config);
  return (network: MockNetwork) => {
    if (!server) {
      server = setupServer();
      server.listen({ onUnhandledRequest: 'error' });
    }
    server.resetHandlers(...elementHandlers(baseUrl, () => network));
    return new FetchTransport('intercept', baseUrl, network.clock.simulated ? undefined : network.clock);
  };
}

export function closeIntercept(): void {
  server?.close();
  server = undefined;
}
