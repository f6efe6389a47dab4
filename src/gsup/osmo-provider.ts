import type { ElementBuildOptions, ElementNetwork, ElementProvider, HomeElement, HomeInspection, HomeLocation, HomeProvisioning, ProvisionedSubscriber, VisitedElement } from '../elements/seam';
import { SignallingWitness } from '../elements/witness';
import type { ExternalHlrConfig } from '../config/load';
import type { Rat } from '../protocol/rat';
import { nodeRef } from '../roaming/addresses';
import type { Link } from '../roaming/link';
import type { CallMeta, Route, Transport, TransportMode, TransportReply } from '../roaming/transport';
import { GsupClient, type HlrPush } from './client';
import { mapOverGsup } from './map-bridge';
import { gsupPeerName } from './names';
import { OsmoHome } from './osmo-home';
import { PeerProblems } from './problems';
import type { GsupMessage } from '../protocol/gsup';

/**
 * osmo-hlr as the element implementation of a home network (`networks[].hlr` in the config): the element
 * seam's provisioning and inspection faces are OsmoHome (CTRL, VTY), its signalling face is GSUP on TCP in
 * wire mode. Only the HLR: the visited networks stay embedded; a visited view of this PLMN is inferred from
 * the signalling (SignallingWitness).
 */
export class OsmoHlrElements implements ElementProvider {
  readonly name = 'osmo-hlr';
  readonly modes: readonly TransportMode[] = ['wire'];
  readonly problems = new PeerProblems((line) => process.stderr.write(`roamsim: ${line}\n`));

  build(options: ElementBuildOptions): ElementNetwork {
    return new OsmoHlrNetwork(options, this.problems);
  }
}

class OsmoHlrNetwork implements ElementNetwork {
  private readonly homes = new Map<string, OsmoHome>();
  private readonly witness: SignallingWitness;
  private readonly transports = new Map<string, GsupHomeTransport>();

  constructor(
    private readonly options: ElementBuildOptions,
    private readonly problems: PeerProblems,
  ) {
    this.witness = new SignallingWitness(options.bus);
  }

  home(plmn: string): HomeElement {
    const home = this.osmo(plmn);
    const provisioning: HomeProvisioning = {
      // osmo-hlr has no roaming profile: a profile that may not roam is provisioned barred (it then bars at home too).
      createSubscriber: async (subscriber: ProvisionedSubscriber) => {
        await home.createSubscriber(subscriber);
        if (!this.options.subscribers.profileAllowsRoaming(subscriber.identity.profile)) await home.bar(subscriber.identity.imsi, true);
      },
      bar: (imsi, barred) => home.bar(imsi, barred),
      forget: (imsi) => home.forget(imsi),
      changeKey: (imsi) => home.changeKey(imsi),
    };
    const inspection: HomeInspection = { locate: (imsi): Promise<HomeLocation> => home.locate(imsi) };
    return { plmn, provisioning, inspection };
  }

  visited(plmn: string): VisitedElement {
    return { plmn, inspection: { visitor: async (imsi) => this.witness.visitor(imsi, plmn) } };
  }

  transport(mode: TransportMode): Transport {
    if (mode !== 'wire') throw new Error(`osmo-hlr is reached over GSUP only: run in wire mode, not ${mode}`);
    return { mode, send: (route, body, meta) => this.transportFor(route.plmn).send(route, body, meta) };
  }

  async close(): Promise<void> {
    for (const transport of this.transports.values()) await transport.close();
    for (const home of this.homes.values()) await home.close();
    this.witness.close();
  }

  private hlrOf(plmn: string): ExternalHlrConfig {
    const hlr = this.options.config.networks.find((network) => network.plmn === plmn)?.hlr;
    if (!hlr) throw new Error(`home network ${plmn} names osmo-hlr but no networks[].hlr address`);
    return hlr;
  }

  private osmo(plmn: string): OsmoHome {
    let home = this.homes.get(plmn);
    if (!home) this.homes.set(plmn, (home = new OsmoHome(plmn, this.hlrOf(plmn))));
    return home;
  }

  private transportFor(plmn: string): GsupHomeTransport {
    let transport = this.transports.get(plmn);
    if (!transport) this.transports.set(plmn, (transport = new GsupHomeTransport(plmn, this.hlrOf(plmn), this.options.link, this.problems)));
    return transport;
  }
}

/**
 * The VLRs' side of a real HLR: their MAP requests to it as GSUP (one connection per visited network), and
 * what it pushes (InsertSubscriberData, LocationCancel, DeleteSubscriberData) handed to the visited VLR
 * element through the link, so the push is a signalling event like any other.
 */
class GsupHomeTransport implements Transport {
  readonly mode = 'wire' as const;
  private readonly clients = new Map<string, Promise<GsupClient>>();

  constructor(
    private readonly plmn: string,
    private readonly hlr: ExternalHlrConfig,
    private readonly link: Link,
    private readonly problems: PeerProblems,
  ) {}

  async send(route: Route, body: unknown, _meta: CallMeta): Promise<TransportReply> {
    const request = (body ?? {}) as Record<string, unknown>;
    if (route.element !== 'hlr-hss' || !route.operation.startsWith('map/')) {
      return { kind: 'transport-error', detail: `osmo-hlr serves the HLR of ${this.plmn} over GSUP only, not ${route.element} ${route.operation}` };
    }
    const visited = typeof request.visitedPlmn === 'string' ? request.visitedPlmn : this.plmn;
    return mapOverGsup(this.client(visited), route.operation, request);
  }

  async close(): Promise<void> {
    const clients = await Promise.allSettled(this.clients.values());
    await Promise.all(clients.map((client) => (client.status === 'fulfilled' ? client.value.close() : undefined)));
  }

  private client(visited: string): Promise<GsupClient> {
    let client = this.clients.get(visited);
    if (!client) {
      client = GsupClient.connect({ host: this.hlr.gsup.host, port: this.hlr.gsup.port, name: gsupPeerName(visited, 'CS'), problems: this.problems, vlr: (procedure, message) => this.toVlr(visited, procedure, message) });
      client.catch(() => this.clients.delete(visited));
      this.clients.set(visited, client);
    }
    return client;
  }

  private async toVlr(visited: string, procedure: HlrPush['procedure'], message: GsupMessage): Promise<boolean> {
    const rat: Rat = 'GSM';
    const common = { protocol: 'MAP' as const, from: nodeRef('HLR', this.plmn), to: nodeRef('VLR', visited), rat, subscriber: { imsi: message.imsi }, homePlmn: this.plmn, visitedPlmn: visited };
    const result =
      procedure === 'InsertSubscriberData'
        ? await this.link.transact({ ...common, procedure, request: { imsi: message.imsi, ...(message.msisdn ? { msisdn: message.msisdn } : {}) }, route: { element: 'vlr-mme', plmn: visited, operation: 'map/insert-subscriber-data' } })
        : await this.link.transact({ ...common, procedure: 'CancelLocation', request: { imsi: message.imsi, cancellationType: procedure === 'LocationCancel' ? 'updateProcedure' : 'subscriptionWithdraw' }, route: { element: 'vlr-mme', plmn: visited, operation: 'map/cancel-location' } });
    return result.ok;
  }
}
