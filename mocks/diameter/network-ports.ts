/**
 * The one place the Diameter side meets the simulation: HomeNetworks and VisitedNetworks over a MockNetwork
 * (its dispatch applies validation, fault rules and processing time, then the element decides), and the
 * transport the home HSS uses to reach MMEs, which sends CLR/IDR over Diameter to an MME that registered
 * over Diameter and leaves every other exchange to the network's own transport.
 */
import type { ProtocolError } from '../../src/protocol/codes';
import { DiameterProblem, RESULT } from '../../src/protocol/diameter-decode';
import type { CallMeta, Route, Transport, TransportReply } from '../../src/roaming/transport';
import type { MockNetwork } from '../network';
import type { DiameterHssServer } from './hss-server';
import type { HomeNetworks, VisitedNetworks } from './ports';
import type { ElementReply, HssOperation, MmeOperation } from './s6a-json';

async function serveBody(network: MockNetwork, route: Route, body: unknown): Promise<ElementReply> {
  const dispatched = await network.dispatch(route, body, { deadline: network.clock.now() + network.config.retry.requestTimeoutMs, transactionId: 0 });
  if (dispatched.status === 'no-answer') return { noAnswer: true };
  if (dispatched.status !== 200) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, dispatched.problem.detail);
  const answer = dispatched.body;
  return 'result' in answer ? { result: answer.result } : { error: answer.error as ProtocolError };
}

/** The home HSS of every configured network, as `network` decides. */
export function homeNetworksOf(network: MockNetwork): HomeNetworks {
  return {
    homePlmns: network.config.networks.map((n) => n.plmn),
    serve: (homePlmn: string, operation: HssOperation, body: Record<string, unknown>) => serveBody(network, { element: 'hlr-hss', plmn: homePlmn, operation: `s6a/${operation}` }, body),
  };
}

export function visitedNetworksOf(network: MockNetwork): VisitedNetworks {
  return {
    serve: (visitedPlmn: string, operation: MmeOperation, body: Record<string, unknown>) => serveBody(network, { element: 'vlr-mme', plmn: visitedPlmn, operation: `s6a/${operation}` }, body),
  };
}

const TO_MME: Readonly<Record<string, MmeOperation>> = { 's6a/cancel-location': 'cancel-location', 's6a/insert-subscriber-data': 'insert-subscriber-data' };

/**
 * The home side's transport in `roamsim mocks --diameter-port`: CLR/IDR for a subscriber whose MME
 * registered over Diameter go to that MME over Diameter; everything else goes to `inner`.
 */
export class HssSideTransport implements Transport {
  server: DiameterHssServer | undefined;

  constructor(private readonly inner: Transport) {}

  get mode() {
    return this.inner.mode;
  }

  async send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const operation = TO_MME[route.operation];
    const imsi = (body as { userName?: unknown } | null)?.userName;
    if (route.element !== 'vlr-mme' || !operation || !this.server || typeof imsi !== 'string' || !this.server.registration(imsi)) return this.inner.send(route, body, meta);
    const { outcome } = await this.server.toMme(operation, route.plmn, body as Record<string, unknown>);
    if ('reply' in outcome) return { kind: 'answer', body: outcome.reply };
    if ('noAnswer' in outcome) return { kind: 'no-answer' };
    return { kind: 'transport-error', detail: outcome.transportError };
  }
}
