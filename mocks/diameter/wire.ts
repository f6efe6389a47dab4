/**
 * `wire` mode: every S6a exchange crosses Diameter/TCP on 127.0.0.1, both directions: the visited MME's AIR,
 * ULR and PUR to the home HSS, and the HSS's CLR and IDR back to the MME. Everything else (the UE's NAS
 * exchanges, MAP between VLR and HLR until a wire protocol exists for it) stays embedded.
 *
 * One network gets its own Diameter topology, started on first use: the HSS server of every embedded home
 * network on an ephemeral port, one MME client per visited PLMN (`mme.epc.mncXXX.mccYYY.3gppnetwork.org`),
 * each with its one connection. External HSSes (`networks[].hss`) are connected to directly; with
 * `diameter_agents`, every peer connects to the agents instead and the agents route by realm.
 *
 * Answers are what the elements decided, through the network's dispatch (validation, fault rules, processing
 * time). An element that decides not to answer sends nothing on the wire; because a scenario's clock may be
 * simulated, the waiting side is told at once in process (it would otherwise wait in real time) and reports
 * "no answer". A transient failure (no answer, lost connection) makes the link's next attempt of the same
 * request a retransmission: T flag, same Session-Id and End-to-End id. Only then: after an explicit 3002 or
 * 3004 answer the next attempt is a new request that avoids the peer which answered so, when another peer
 * routes the realm.
 */
import type { WireMessage } from '../../src/capture/hook';
import type { RoamingConfig } from '../../src/config/load';
import type { DiameterPeer } from '../../src/protocol/diameter-peer';
import type { ProtocolError } from '../../src/protocol/codes';
import { DiameterProblem, RESULT } from '../../src/protocol/diameter-decode';
import { diameterHost, diameterRealm } from '../../src/roaming/addresses';
import type { CallMeta, Route, Transport, TransportReply } from '../../src/roaming/transport';
import type { MockNetwork } from '../network';
import { type Attempt, type SentRequest, type WireOutcome, attemptOf, nextAttempt } from './exchange';
import { DiameterHssServer } from './hss-server';
import { DiameterMmeClient } from './mme-client';
import type { HomeNetworks, RequestContext, VisitedNetworks } from './ports';
import type { ElementReply, HssOperation, MmeOperation } from './s6a-json';

export interface WireOptions {
  readonly config: RoamingConfig;
  /** Every Diameter message as it crosses a socket (captures). */
  readonly onBytes?: (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void;
  readonly log?: (text: string) => void;
  /** Tw for every peer (default: the config's `diameter.watchdog_ms`). */
  readonly watchdogMs?: number;
}

const HSS_ROUTES: Readonly<Record<string, HssOperation>> = {
  's6a/authentication-information': 'authentication-information',
  's6a/update-location': 'update-location',
  's6a/purge-ue': 'purge-ue',
};
const MME_ROUTES: Readonly<Record<string, MmeOperation>> = { 's6a/cancel-location': 'cancel-location', 's6a/insert-subscriber-data': 'insert-subscriber-data' };

/** A request waiting for its answer: whose it is, the meta the element needs, and how to stop waiting. */
interface InFlight {
  readonly network: MockNetwork;
  readonly meta: CallMeta;
  readonly abort: AbortController;
}

/** What the previous attempt of a request body ended with. */
/**
 * The Diameter peers of wire mode: the embedded HSS server and one MME client per visited PLMN, started on
 * first use. A request that arrives is served by the network that sent it (found by its Session-Id among
 * the requests in flight), else by `fallback`.
 */
export class WireTopology {
  private hss: Promise<DiameterHssServer> | undefined;
  private hssPort = 0;
  private readonly mmes = new Map<string, Promise<DiameterMmeClient>>();
  readonly inFlight = new Map<string, InFlight>();
  private closed = false;
  private readonly taps = new Set<(peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void>();

  /** Every message any of these peers sends or receives, to the options' hook and the taps. */
  private readonly tapBytes = (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer): void => {
    this.options.onBytes?.(peer, direction, bytes);
    for (const tap of this.taps) tap(peer, direction, bytes);
  };

  /** Listens to every message of these peers until the returned function is called. */
  tap(listener: (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  constructor(
    readonly options: WireOptions,
    private readonly fallback?: MockNetwork,
  ) {}

  /** DPR to every peer and close. */
  async close(): Promise<void> {
    this.closed = true;
    const mmes = await Promise.allSettled([...this.mmes.values()]);
    await Promise.all(mmes.map((m) => (m.status === 'fulfilled' ? m.value.close() : undefined)));
    const hss = this.hss ? await this.hss.catch(() => undefined) : undefined;
    await hss?.close();
  }

  /** The embedded HSS server. */
  hssServer(): Promise<DiameterHssServer> {
    this.hss ??= this.startHss();
    return this.hss;
  }

  mme(plmn: string): Promise<DiameterMmeClient> {
    let client = this.mmes.get(plmn);
    if (!client) {
      client = this.startMme(plmn);
      this.mmes.set(plmn, client);
    }
    return client;
  }

  /** The visited PLMN whose MME has this identity (`mme.epc.mnc001.mcc262.3gppnetwork.org` → `262-01`). */
  plmnOfMme(host: string): string | undefined {
    const { networks, agreements } = this.options.config;
    const plmns = new Set([...networks.map((n) => n.plmn), ...agreements.map((a) => a.visited), ...this.mmes.keys()]);
    return [...plmns].find((plmn) => diameterHost(plmn, 'mme') === host);
  }

  embeddedHomes(): string[] {
    return this.options.config.networks.filter((n) => !n.hss).map((n) => n.plmn);
  }

  private networkOf(ctx: RequestContext): MockNetwork | undefined {
    return this.inFlight.get(ctx.sessionId)?.network ?? this.fallback;
  }

  /**
   * A home network a scenario added (not in the config): the subscriber's own home when its realm matches,
   * else the realm read back (`epc.mnc001.mcc505…` → 505-01; the realm pads the MNC, so a 2-digit MNC is
   * preferred when the padding allows it).
   */
  private homeOfRealm(realm: string, userName: string, ctx: RequestContext): string | undefined {
    const home = this.networkOf(ctx)?.store.record(userName)?.identity.homePlmn;
    if (home && diameterRealm(home) === realm) return home;
    const match = /^epc\.mnc(\d{3})\.mcc(\d{3})\.3gppnetwork\.org$/.exec(realm);
    if (!match) return undefined;
    const [, mnc, mcc] = match as unknown as [string, string, string];
    return `${mcc}-${mnc.startsWith('0') ? mnc.slice(1) : mnc}`;
  }

  private agents() {
    return this.options.config.diameterAgents.map((a) => ({ host: a.host, realm: a.realm, address: a.address, port: a.port }));
  }

  private async startHss(): Promise<DiameterHssServer> {
    if (this.closed) throw new Error('the wire topology is closed');
    const agents = this.agents();
    const homes: HomeNetworks = {
      homePlmns: this.embeddedHomes(),
      homeOf: (realm, userName, ctx) => this.homeOfRealm(realm, userName, ctx),
      serve: (plmn, op, body, ctx) => this.serve({ element: 'hlr-hss', plmn, operation: `s6a/${op}` }, body, ctx),
    };
    const server = new DiameterHssServer({
      homes,
      ...(agents.length > 0 ? { connectTo: agents, defaultRoute: agents.map((a) => a.host) } : { listen: { host: '127.0.0.1', port: 0 } }),
      watchdogMs: this.options.watchdogMs ?? this.options.config.diameter.watchdogMs,
      onBytes: this.tapBytes,
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    this.hssPort = (await server.start()).port ?? 0;
    if (agents.length > 0) await this.waitPeers(server.node, agents.map((a, i) => ({ host: a.host, source: `diameter_agents[${i}].address`, value: `${a.address}:${a.port}` })));
    return server;
  }

  private async startMme(plmn: string): Promise<DiameterMmeClient> {
    if (this.closed) throw new Error('the wire topology is closed');
    const agents = this.agents();
    let connectTo: Array<{ host: string; realm: string; address: string; port: number }>;
    const expected: Array<{ host: string; source: string; value: string }> = [];
    if (agents.length > 0) {
      // The home HSS registers with the agents first, so the agents can route the MME's first request.
      if (this.embeddedHomes().length > 0) await this.hssServer();
      connectTo = agents;
      agents.forEach((a, i) => expected.push({ host: a.host, source: `diameter_agents[${i}].address`, value: `${a.address}:${a.port}` }));
    } else {
      connectTo = [];
      // No embedded HSS when every home network has an external one (e.g. `roamsim load --hss`).
      if (this.embeddedHomes().length > 0) {
        const server = await this.hssServer();
        connectTo.push({ host: server.node.local.host, realm: server.node.local.realm, address: '127.0.0.1', port: this.hssPort });
        expected.push({ host: server.node.local.host, source: 'the embedded Diameter HSS', value: `127.0.0.1:${this.hssPort}` });
      }
      this.options.config.networks.forEach((n, i) => {
        // One connection per external HSS, however many home networks it serves.
        if (!n.hss || connectTo.some((c) => c.host === n.hss?.host)) return;
        connectTo.push({ host: n.hss.host, realm: n.hss.realm, address: n.hss.address, port: n.hss.port });
        expected.push({ host: n.hss.host, source: `networks[${i}].hss.diameter`, value: `${n.hss.address}:${n.hss.port}` });
      });
    }
    const embedded = agents.length > 0 ? undefined : connectTo[0]?.host;
    const visited: VisitedNetworks = { serve: (p, op, body, ctx) => this.serve({ element: 'vlr-mme', plmn: p, operation: `s6a/${op}` }, body, ctx) };
    const client = new DiameterMmeClient({
      visitedPlmn: plmn,
      connectTo,
      // Realms nobody announced (home networks a scenario adds) go to the agents, or to the embedded HSS.
      defaultRoute: agents.length > 0 ? agents.map((a) => a.host) : embedded === undefined ? [] : [embedded],
      visited,
      watchdogMs: this.options.watchdogMs ?? this.options.config.diameter.watchdogMs,
      onBytes: this.tapBytes,
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    await client.start();
    try {
      await this.waitPeers(client.node, expected);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  private async waitPeers(node: DiameterMmeClient['node'], expected: ReadonlyArray<{ host: string; source: string; value: string }>): Promise<void> {
    const timeoutMs = this.options.config.endpoints.readyTimeoutMs;
    for (const peer of expected) {
      try {
        await node.waitOpen(peer.host, timeoutMs);
      } catch {
        throw new Error(`${peer.source}: ${JSON.stringify(peer.value)}: no Diameter peer ${peer.host} completed CER/CEA within ${timeoutMs} ms (is it running and does it accept ${node.local.host}?)`);
      }
    }
  }

  /** An element answers a request that came over the wire, with the deadline its sender set. */
  private async serve(route: Route, body: Record<string, unknown>, ctx: RequestContext): Promise<ElementReply> {
    const waiting = this.inFlight.get(ctx.sessionId);
    const network = waiting?.network ?? this.fallback;
    if (!network) throw new DiameterProblem(RESULT.UNABLE_TO_COMPLY, `no scenario is waiting for session ${ctx.sessionId}`);
    const meta: CallMeta = waiting?.meta ?? { deadline: network.clock.now() + this.options.config.retry.requestTimeoutMs, transactionId: 0 };
    const dispatched = await network.dispatch(route, body, meta);
    if (dispatched.status === 'no-answer') {
      // Nothing goes on the wire; the waiting side (in this process) stops waiting now.
      waiting?.abort.abort();
      return { noAnswer: true };
    }
    if (dispatched.status !== 200) throw new DiameterProblem(RESULT.INVALID_AVP_VALUE, `${route.element} ${route.operation}: ${dispatched.problem.detail}`);
    const answer = dispatched.body;
    return 'result' in answer ? { result: answer.result } : { error: answer.error as ProtocolError };
  }
}

export class WireTransport implements Transport {
  readonly mode = 'wire' as const;
  readonly topology: WireTopology;
  private readonly ownsTopology: boolean;
  private readonly attempts = new WeakMap<object, Attempt>();

  /** With `shared`, the peers outlive this network (closed by their owner); otherwise they are its own. */
  constructor(
    private readonly network: MockNetwork,
    options: WireOptions,
    shared?: WireTopology,
  ) {
    this.ownsTopology = shared === undefined;
    this.topology = shared ?? new WireTopology(options, network);
  }

  async send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const toHss = route.element === 'hlr-hss' ? HSS_ROUTES[route.operation] : undefined;
    const toMme = route.element === 'vlr-mme' ? MME_ROUTES[route.operation] : undefined;
    if ((!toHss && !toMme) || typeof body !== 'object' || body === null) return this.network.send(route, body, meta);
    const { topology } = this;
    const request = body as Record<string, unknown>;
    const previous = this.attempts.get(request);
    const { retransmitOf, avoid } = nextAttempt(previous);
    const realTimeoutMs = Math.max(1, topology.options.config.retry.requestTimeoutMs);
    const abort = new AbortController();
    const waiting = { network: this.network, meta, abort };
    let result: { outcome: WireOutcome; sent: SentRequest; busyPeer?: string };
    try {
      if (toHss) {
        const visited = typeof request.visitedPlmnId === 'string' ? request.visitedPlmnId : topology.plmnOfMme(String(request.originHost ?? ''));
        if (!visited) return { kind: 'transport-error', detail: `${route.operation}: no visited PLMN in the request (visitedPlmnId or originHost)` };
        const mme = await topology.mme(visited);
        const ids = retransmitOf ?? { sessionId: mme.node.newSessionId(), endToEnd: mme.node.newEndToEnd() };
        topology.inFlight.set(ids.sessionId, waiting);
        result = await mme.request(route.plmn, toHss, request, { timeoutMs: realTimeoutMs, signal: abort.signal, avoid, ...(retransmitOf ? { retransmitOf } : { ids }) });
      } else {
        const hss = await topology.hssServer();
        await topology.mme(route.plmn);
        const home = this.network.store.record(String(request.userName ?? ''))?.identity.homePlmn ?? topology.embeddedHomes()[0] ?? route.plmn;
        const ids = retransmitOf ?? { sessionId: hss.node.newSessionId(diameterHost(home, 'hss')), endToEnd: hss.node.newEndToEnd() };
        topology.inFlight.set(ids.sessionId, waiting);
        // The scenario's network knows which MME serves the subscriber: the one of the route's PLMN.
        const destination = { host: diameterHost(route.plmn, 'mme'), realm: diameterRealm(route.plmn), homePlmn: home };
        result = await hss.toMme(toMme as MmeOperation, route.plmn, request, { timeoutMs: realTimeoutMs, signal: abort.signal, destination, avoid, ...(retransmitOf ? { retransmitOf } : { ids }) });
      }
    } catch (error) {
      return { kind: 'transport-error', detail: (error as Error).message };
    }
    topology.inFlight.delete(result.sent.sessionId);
    const { outcome } = result;
    this.attempts.set(request, attemptOf(result, previous));
    if ('reply' in outcome) return { kind: 'answer', body: outcome.reply };
    if ('noAnswer' in outcome) return { kind: 'no-answer' };
    return { kind: 'transport-error', detail: outcome.transportError };
  }

  /**
   * Records what crosses this network's own sockets for its capture (not available with shared peers: their
   * connections outlive the scenario). Each message is kept once: from the side that sent it, or, when the
   * other end is not one of ours (an external HSS), from the side that received it. The listening side's port
   * is written as 3868, the Diameter port every dissector knows.
   */
  startCapture(): (() => WireMessage[]) | undefined {
    if (!this.ownsTopology) return undefined;
    const messages: WireMessage[] = [];
    const ours = new Set<number>();
    const loopback: [number, number, number, number] = [127, 0, 0, 1];
    let last = 0;
    const stop = this.topology.tap((peer, direction, bytes) => {
      const { local, remote } = peer.ports;
      if (direction === 'sent') ours.add(local);
      else if (ours.has(remote)) return;
      const initiator = peer.role === 'initiator';
      const clientPort = initiator ? local : remote;
      const fromClient = (direction === 'sent') === initiator;
      // Strictly increasing times (a microsecond apart at least): the order the bytes crossed.
      last = Math.max(this.network.clock.now(), last + 0.001);
      messages.push({ time: last, client: { ip: loopback, port: clientPort }, server: { ip: loopback, port: 3868 }, fromClient, bytes });
    });
    return () => {
      stop();
      return messages;
    };
  }

  /** Closes the peers when they are this network's own. */
  async close(): Promise<void> {
    if (this.ownsTopology) await this.topology.close();
  }
}

/**
 * The wire transports of one run's networks (one each, closed with the network) and, when agents are
 * configured, the peers every network shares (an agent sees one MME per visited network and one HSS for the
 * whole run, as on a real IPX, instead of a reconnection per scenario). Owned by the embedded element
 * provider; nothing of it is module state.
 */
export class WireSuite {
  private readonly transports = new Map<MockNetwork, WireTransport>();
  private shared: WireTopology | undefined;

  /** The wire transport of `network` (made on first use). */
  transport(config: RoamingConfig, network: MockNetwork, options: Omit<WireOptions, 'config'> = {}): WireTransport {
    let transport = this.transports.get(network);
    if (!transport) {
      const all = { config, ...options };
      if (config.diameterAgents.length > 0) this.shared ??= new WireTopology(all);
      transport = new WireTransport(network, all, this.shared);
      this.transports.set(network, transport);
    }
    return transport;
  }

  of(network: MockNetwork): WireTransport | undefined {
    return this.transports.get(network);
  }

  /** The network is done: its own peers disconnect (DPR/DPA). */
  async release(network: MockNetwork): Promise<void> {
    const transport = this.transports.get(network);
    this.transports.delete(network);
    await transport?.close();
  }

  /** The end of the run: every peer disconnects, shared ones included. */
  async close(): Promise<void> {
    await Promise.all([...this.transports.keys()].map((network) => this.release(network)));
    const shared = this.shared;
    this.shared = undefined;
    await shared?.close();
  }
}
