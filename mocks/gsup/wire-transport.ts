import type { MockNetwork } from '../network';
import { GSUP_REQUEST, type GsupMessage } from '../../src/protocol/gsup';
import type { CallMeta, Route, Transport, TransportReply } from '../../src/roaming/transport';
import { GsupClient } from '../../src/gsup/client';
import { GsupTimeout } from '../../src/gsup/endpoint';
import { GsupHlr } from '../../src/gsup/hlr';
import { mapOverGsup, mapReply } from '../../src/gsup/map-bridge';
import { mockHome } from './mock-home';
import { gsupPeerName } from '../../src/gsup/names';
import type { PeerProblems } from '../../src/gsup/problems';

export interface WireTransportOptions {
  /** The GSUP HLR the VLR side talks to; absent: MAP requests to the home network stay in process. */
  hlrAddress?: { readonly host: string; readonly port: number };
  /** The GSUP HLR this process serves: the home side's InsertSubscriberData and CancelLocation go through it. */
  hlr?: () => GsupHlr | undefined;
  readonly problems: PeerProblems;
  /** Real-time deadline of each GSUP request (the simulated clock does not run while a socket is waited on). */
  readonly deadlineMs: number;
  /** Serve this network's home side on a GSUP HLR of its own, started on the first request (`serveHome`). */
  readonly ownHlr?: boolean;
  /**
   * Where everything that is not GSM/UMTS VLR↔HLR signalling goes (S6a, the UE's exchanges): the network
   * itself by default; the Diameter half of wire mode plugs in here.
   */
  readonly next?: Transport;
}

/**
 * `wire` mode for GSM/UMTS: every MAP exchange between a VLR and an HLR crosses GSUP over TCP on 127.0.0.1.
 * The visited network's VLR reaches the HLR through a GSUP client (one connection per visited network, CS),
 * which answers the HLR's InsertSubscriberData and LocationCancel by handing them to the VLR element. The
 * home network's pushes to a VLR go out through the GSUP HLR. S6a (LTE) and the UE's own exchanges stay in
 * process here; the Diameter half of this mode lives in its own files.
 */
export class WireTransport implements Transport {
  readonly mode = 'wire' as const;
  private readonly clients = new Map<string, Promise<GsupClient>>();
  /** The visited network each subscriber last reached (seen on its UE exchanges): SAI carries no PLMN. */
  private readonly visitedOf = new Map<string, string>();
  private closed = false;
  private ownHlr: GsupHlr | undefined;
  private serving: Promise<GsupHlr> | undefined;

  constructor(
    private readonly network: MockNetwork,
    private readonly options: WireTransportOptions,
  ) {}

  /** Where this network's own GSUP HLR listens (started on demand when `ownHlr` is set). */
  async ownHlrAddress(): Promise<{ host: string; port: number } | undefined> {
    if (this.options.ownHlr) await this.serveHome();
    return this.options.hlrAddress;
  }

  /**
   * Serves this network's home side on its own GSUP HLR (127.0.0.1, a free port) and sends the VLR side's
   * MAP requests to it: the feature suite's wire mode, one per scenario. Once: later calls share the start.
   */
  serveHome(): Promise<GsupHlr> {
    this.serving ??= this.startHome();
    return this.serving;
  }

  private async startHome(): Promise<GsupHlr> {
    const hlr = await GsupHlr.start({
      host: '127.0.0.1',
      port: 0,
      home: mockHome(this.network),
      problems: this.options.problems,
      deadlineMs: this.options.deadlineMs,
      // A fault rule's silence ends the VLR's wait at once on a simulated clock, as in live mode.
      ...(this.network.clock.simulated ? { onSilence: (peer: string, imsi: string, type: number) => this.abandon(peer, imsi, type) } : {}),
    });
    this.ownHlr = hlr;
    this.options.hlr = () => hlr;
    this.options.hlrAddress = { host: '127.0.0.1', port: hlr.port };
    return hlr;
  }

  async send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const request = (body ?? {}) as Record<string, unknown>;
    if (route.element === 'vlr-mme' && route.operation.startsWith('ue/') && typeof request.imsi === 'string') this.visitedOf.set(request.imsi, route.plmn);
    // A home network with a real HLR is routed to its own implementation by the composition root; this is
    // the embedded home networks' HLR, on GSUP.
    if (route.element === 'hlr-hss' && route.operation.startsWith('map/')) {
      if (this.options.ownHlr) await this.serveHome();
      const address = this.options.hlrAddress;
      if (address) return this.toHlr(route, request, address);
    }
    if (route.element === 'vlr-mme' && (route.operation === 'map/insert-subscriber-data' || route.operation === 'map/cancel-location')) {
      const pushed = await this.toVlr(route, request);
      if (pushed) return pushed;
    }
    return this.forward(route, body, meta);
  }

  private forward(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    return (this.options.next ?? this.network).send(route, body, meta);
  }

  private abandon(peer: string, imsi: string, type: number): void {
    for (const pending of this.clients.values()) {
      void pending.then((client) => client.name === peer && client.endpoint.abandon(imsi, type)).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = await Promise.allSettled(this.clients.values());
    await Promise.all(clients.map((client) => (client.status === 'fulfilled' ? client.value.close() : undefined)));
    this.clients.clear();
    await this.ownHlr?.close();
  }

  /**
   * The VLR side: a MAP request to the home HLR, as GSUP. The VLR element's authenticationFailureReport after
   * a rejected response goes the same way and leaves as GSUP AuthFailureReport (the embedded path keeps MAP).
   */
  private toHlr(route: Route, request: Record<string, unknown>, address: { host: string; port: number }): Promise<TransportReply> {
    const imsi = String(request.imsi);
    const visited = typeof request.visitedPlmn === 'string' ? request.visitedPlmn : (this.visitedOf.get(imsi) ?? route.plmn);
    return mapOverGsup(this.client(address, visited), route.operation, request);
  }


  /** The home side: InsertSubscriberData / CancelLocation to a VLR connected over GSUP, if one is. */
  private async toVlr(route: Route, request: Record<string, unknown>): Promise<TransportReply | undefined> {
    const hlr = this.options.hlr?.();
    if (!hlr) return undefined;
    const imsi = String(request.imsi);
    const message: GsupMessage =
      route.operation === 'map/insert-subscriber-data'
        ? { type: GSUP_REQUEST.InsertSubscriberData, imsi, cnDomain: 'CS', ...(typeof request.msisdn === 'string' ? { msisdn: request.msisdn } : {}) }
        : { type: GSUP_REQUEST.LocationCancel, imsi, cnDomain: 'CS', cancelType: 0 };
    const pending = hlr.push(message, route.plmn, 'CS');
    if (!pending) return undefined;
    try {
      return mapReply(await pending, () => ({}));
    } catch (error) {
      if (error instanceof GsupTimeout) return { kind: 'no-answer' };
      return { kind: 'transport-error', detail: (error as Error).message };
    }
  }

  private client(address: { host: string; port: number }, visited: string): Promise<GsupClient> {
    if (this.closed) return Promise.reject(new Error('wire transport closed'));
    const key = `${address.host}:${address.port}|${visited}`;
    let client = this.clients.get(key);
    if (!client) {
      client = GsupClient.connect({
        host: address.host,
        port: address.port,
        name: gsupPeerName(visited, 'CS'),
        problems: this.options.problems,
        deadlineMs: this.options.deadlineMs,
        vlr: (procedure, message) => this.toVlrElement(visited, procedure, message),
      });
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  /** A push that arrived over GSUP, handed to the visited network's VLR element in MAP terms. */
  private async toVlrElement(visited: string, procedure: 'InsertSubscriberData' | 'LocationCancel' | 'DeleteSubscriberData', message: GsupMessage): Promise<boolean> {
    const route: Route =
      procedure === 'InsertSubscriberData'
        ? { element: 'vlr-mme', plmn: visited, operation: 'map/insert-subscriber-data' }
        : { element: 'vlr-mme', plmn: visited, operation: 'map/cancel-location' };
    const body = procedure === 'InsertSubscriberData' ? { imsi: message.imsi, ...(message.msisdn ? { msisdn: message.msisdn } : {}) } : { imsi: message.imsi, cancellationType: 'updateProcedure' };
    const dispatched = await this.network.dispatch(route, body, { deadline: this.network.clock.now() + this.options.deadlineMs, transactionId: 0 });
    return dispatched.status === 200 && 'result' in (dispatched.body as object);
  }
}
