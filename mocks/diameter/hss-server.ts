/**
 * The HSS of every configured home network on Diameter/TCP (S6a). One node, one listening port: a request is
 * served by the home network its Destination-Realm names (`epc.mncXXX.mccYYY.3gppnetwork.org`), answered
 * with that network's HSS identity as Origin-Host, and decided by the same element logic as the embedded
 * HSS (through HomeNetworks). The server remembers which MME (Origin-Host, Origin-Realm) each subscriber
 * registered from with ULR, and sends CLR and IDR there, directly or through an agent.
 */
import { S6A_APPLICATION_ID } from '../../src/protocol/diameter';
import type { PeerCapabilities } from '../../src/protocol/diameter-base';
import { DiameterNode, type PeerAddress } from '../../src/protocol/diameter-node';
import type { DiameterPeer } from '../../src/protocol/diameter-peer';
import { knowsS6aAvp } from '../../src/protocol/s6a-codec';
import { diameterHost, diameterRealm } from '../../src/roaming/addresses';
import { type SentRequest, type WireOutcome, exchange } from './exchange';
import type { HomeNetworks } from './ports';
import { COMMAND_OF, HSS_OPERATIONS, type HssOperation, type MmeOperation, decodeRequest, encodeAnswer, operationOf } from './s6a-json';

export interface HssServerOptions {
  readonly homes: HomeNetworks;
  /** Where to accept MMEs (and agents); port 0 picks one. */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Peers to connect to, e.g. a Diameter Edge Agent. */
  readonly connectTo?: readonly PeerAddress[];
  /** Peers (by host) that route any realm. */
  readonly defaultRoute?: readonly string[];
  /** Which peers may connect; default any realm under 3gppnetwork.org plus the agents. */
  readonly acceptPeer?: (capabilities: PeerCapabilities) => boolean;
  /** The node's own identity in CER/CEA; default the HSS of the first home network. */
  readonly identity?: { readonly host: string; readonly realm: string };
  readonly watchdogMs?: number;
  /** How long CLR/IDR wait for the MME (default 5000 ms). */
  readonly requestTimeoutMs?: number;
  readonly onBytes?: (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void;
  readonly log?: (text: string) => void;
}

export interface Registration {
  readonly host: string;
  readonly realm: string;
  /** The home network that accepted the ULR. */
  readonly homePlmn: string;
}

export class DiameterHssServer {
  readonly node: DiameterNode;
  private readonly realmToPlmn = new Map<string, string>();
  private readonly registrations = new Map<string, Registration>();

  constructor(private readonly options: HssServerOptions) {
    const first = options.homes.homePlmns[0];
    if (first === undefined && !options.identity) throw new Error('the Diameter HSS needs at least one home network');
    for (const plmn of options.homes.homePlmns) this.realmToPlmn.set(diameterRealm(plmn), plmn);
    const identity = options.identity ?? { host: diameterHost(first as string, 'hss'), realm: diameterRealm(first as string) };
    this.node = new DiameterNode({
      local: { ...identity, address: options.listen?.host ?? '127.0.0.1' },
      knowsAvp: knowsS6aAvp,
      acceptPeer: options.acceptPeer ?? ((c) => /\.3gppnetwork\.org$/.test(c.realm) || (options.defaultRoute ?? []).includes(c.host)),
      ...(options.listen ? { listen: options.listen } : {}),
      ...(options.connectTo ? { connectTo: options.connectTo } : {}),
      ...(options.defaultRoute ? { defaultRoute: options.defaultRoute } : {}),
      ...(options.watchdogMs ? { watchdogMs: options.watchdogMs } : {}),
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    for (const operation of HSS_OPERATIONS) this.node.handle(S6A_APPLICATION_ID, COMMAND_OF[operation], (message) => this.serve(message));
  }

  start(): Promise<{ port: number | undefined }> {
    return this.node.start();
  }

  close(): Promise<void> {
    return this.node.close();
  }

  /** The MME a subscriber registered from over Diameter (the last successful ULR). */
  registration(imsi: string): Registration | undefined {
    return this.registrations.get(imsi);
  }

  /**
   * CLR or IDR from the subscriber's home HSS to the MME it registered from (or, without a registration, the
   * MME of `visitedPlmn` by its standard name). A CLA/IDA that comes back ends the exchange either way.
   */
  async toMme(
    operation: MmeOperation,
    visitedPlmn: string,
    body: Record<string, unknown>,
    more: { retransmitOf?: SentRequest; ids?: SentRequest; signal?: AbortSignal; timeoutMs?: number; destination?: Registration; avoid?: readonly string[] } = {},
  ): Promise<{ outcome: WireOutcome; sent: SentRequest; busyPeer?: string }> {
    const imsi = String(body.userName);
    const registered = more.destination ?? this.registrations.get(imsi);
    const homePlmn = registered?.homePlmn ?? this.options.homes.homePlmns[0] ?? visitedPlmn;
    const result = await exchange(this.node, operation, body, {
      origin: { host: diameterHost(homePlmn, 'hss'), realm: diameterRealm(homePlmn) },
      destinationRealm: registered?.realm ?? diameterRealm(visitedPlmn),
      destinationHost: registered?.host ?? diameterHost(visitedPlmn, 'mme'),
      timeoutMs: more.timeoutMs ?? this.options.requestTimeoutMs ?? 5000,
      ...(more.retransmitOf ? { retransmitOf: more.retransmitOf } : {}),
      ...(more.ids ? { ids: more.ids } : {}),
      ...(more.signal ? { signal: more.signal } : {}),
      ...(more.avoid ? { avoid: more.avoid } : {}),
    });
    if (operation === 'cancel-location' && 'reply' in result.outcome && 'result' in result.outcome.reply) this.registrations.delete(imsi);
    return result;
  }

  private async serve(message: Parameters<Parameters<DiameterNode['handle']>[2]>[0]): Promise<Buffer | undefined> {
    const operation = operationOf(message.commandCode) as HssOperation;
    const { head, body } = decodeRequest(operation, message);
    const plmn = this.realmToPlmn.get(head.destinationRealm) ?? this.options.homes.homeOf?.(head.destinationRealm, head.userName, head);
    const ids = { sessionId: head.sessionId, hopByHop: head.hopByHop, endToEnd: head.endToEnd };
    if (plmn === undefined) {
      return encodeAnswer(operation, { error: { kind: 'diameter-result', name: 'DIAMETER_REALM_NOT_SERVED', code: 3003 } }, ids, this.node.local);
    }
    const reply = await this.options.homes.serve(plmn, operation, body, head);
    if ('noAnswer' in reply) return undefined;
    if ('result' in reply) {
      if (operation === 'update-location') this.registrations.set(head.userName, { host: head.originHost, realm: head.originRealm, homePlmn: plmn });
      if (operation === 'purge-ue' && this.registrations.get(head.userName)?.host === head.originHost) this.registrations.delete(head.userName);
    }
    return encodeAnswer(operation, reply, ids, { host: diameterHost(plmn, 'hss'), realm: diameterRealm(plmn) });
  }
}
