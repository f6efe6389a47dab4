/**
 * The MME of a visited network on Diameter/TCP (S6a): sends AIR, ULR and PUR to the subscriber's home HSS
 * by Destination-Realm, through whichever peer routes that realm (the HSS itself, or an agent), and answers
 * the CLR and IDR the HSS sends back, decided by the same element logic as the embedded MME
 * (VisitedNetworks). Its identity follows the visited PLMN: `mme.epc.mncXXX.mccYYY.3gppnetwork.org`.
 */
import { S6A_APPLICATION_ID } from '../../src/protocol/diameter';
import type { DecodedMessage } from '../../src/protocol/diameter-decode';
import { DiameterNode, type PeerAddress } from '../../src/protocol/diameter-node';
import type { DiameterPeer } from '../../src/protocol/diameter-peer';
import { knowsS6aAvp } from '../../src/protocol/s6a-codec';
import { diameterHost, diameterRealm } from '../../src/roaming/addresses';
import { type SentRequest, type WireOutcome, exchange } from './exchange';
import type { VisitedNetworks } from './ports';
import { COMMAND_OF, type HssOperation, MME_OPERATIONS, type MmeOperation, decodeRequest, encodeAnswer, operationOf } from './s6a-json';

export interface MmeClientOptions {
  readonly visitedPlmn: string;
  /** The HSS or the agent to connect to. */
  readonly connectTo: readonly PeerAddress[];
  /** Peers (by host) that route any realm (an agent). */
  readonly defaultRoute?: readonly string[];
  /** Answers CLR and IDR; without it they are answered 3001 (command unsupported). */
  readonly visited?: VisitedNetworks;
  readonly watchdogMs?: number;
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  readonly onBytes?: (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void;
  readonly log?: (text: string) => void;
}

export class DiameterMmeClient {
  readonly node: DiameterNode;
  readonly host: string;
  readonly realm: string;

  constructor(private readonly options: MmeClientOptions) {
    this.host = diameterHost(options.visitedPlmn, 'mme');
    this.realm = diameterRealm(options.visitedPlmn);
    this.node = new DiameterNode({
      local: { host: this.host, realm: this.realm, address: '127.0.0.1' },
      knowsAvp: knowsS6aAvp,
      connectTo: options.connectTo,
      acceptPeer: () => false,
      ...(options.defaultRoute ? { defaultRoute: options.defaultRoute } : {}),
      ...(options.watchdogMs ? { watchdogMs: options.watchdogMs } : {}),
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    if (options.visited) {
      for (const operation of MME_OPERATIONS) this.node.handle(S6A_APPLICATION_ID, COMMAND_OF[operation], (message) => this.serve(message));
    }
  }

  start(): Promise<unknown> {
    return this.node.start();
  }

  close(): Promise<void> {
    return this.node.close();
  }

  /** Resolves once every configured peer is open (bounded by `timeoutMs`). */
  async ready(timeoutMs: number): Promise<void> {
    await Promise.all(this.options.connectTo.map((p) => this.node.waitOpen(p.host, timeoutMs)));
  }

  /** AIR, ULR or PUR to the HSS of `homePlmn`. */
  request(
    homePlmn: string,
    operation: HssOperation,
    body: Record<string, unknown>,
    options: { timeoutMs: number; retransmitOf?: SentRequest; ids?: SentRequest; signal?: AbortSignal; avoid?: readonly string[] },
  ): Promise<{ outcome: WireOutcome; sent: SentRequest; busyPeer?: string }> {
    return exchange(this.node, operation, body, {
      origin: { host: this.host, realm: this.realm },
      destinationRealm: diameterRealm(homePlmn),
      timeoutMs: options.timeoutMs,
      ...(options.retransmitOf ? { retransmitOf: options.retransmitOf } : {}),
      ...(options.ids ? { ids: options.ids } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.avoid ? { avoid: options.avoid } : {}),
    });
  }

  private async serve(message: DecodedMessage): Promise<Buffer | undefined> {
    const operation = operationOf(message.commandCode) as MmeOperation;
    const { head, body } = decodeRequest(operation, message);
    const reply = await (this.options.visited as VisitedNetworks).serve(this.options.visitedPlmn, operation, body, head);
    if ('noAnswer' in reply) return undefined;
    return encodeAnswer(operation, reply, head, { host: this.host, realm: this.realm });
  }
}
