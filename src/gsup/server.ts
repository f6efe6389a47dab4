import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { CCM_TAG, encodeIdGet } from '../protocol/ipa';
import type { GsupMessage } from '../protocol/gsup';
import { GsupEndpoint } from './endpoint';
import { PeerProblems } from './problems';

/** The tags osmo-hlr asks for on accept; we ask for the same so a peer that works with one works with both. */
const ID_GET_TAGS = [CCM_TAG.UNIT, CCM_TAG.MACADDR, CCM_TAG.LOCATION1, CCM_TAG.LOCATION2, CCM_TAG.EQUIPVERS, CCM_TAG.SWVERSION, CCM_TAG.UNITNAME, CCM_TAG.SERNR];

export interface GsupServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly problems?: PeerProblems;
  /** A peer must send ID_RESP within this (default 2000 ms) or is disconnected. */
  readonly identityDeadlineMs?: number;
  /** Deadline of the requests the server sends (ISD, LocationCancel; default 2000 ms). */
  readonly deadlineMs?: number;
  /** Requests from an identified peer. Answers go back with `peer.send`. */
  readonly onRequest: (message: GsupMessage, peer: GsupEndpoint) => void;
}

/**
 * An IPA/GSUP server, HLR side: asks every new peer for its identity (ID_GET), requires ID_RESP with a SERNR
 * within a deadline, then routes by that name, as osmo-hlr does. Requests a peer sends before identifying
 * itself are ignored (osmo-hlr processes them but drops the answer).
 */
export class GsupServer {
  private readonly server: Server;
  private readonly peers = new Map<string, GsupEndpoint>();
  private readonly sockets = new Set<Socket>();
  readonly problems: PeerProblems;

  private constructor(private readonly options: GsupServerOptions) {
    this.problems = options.problems ?? new PeerProblems();
    this.server = createServer((socket) => this.accept(socket));
  }

  static async listen(options: GsupServerOptions): Promise<GsupServer> {
    const server = new GsupServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
    return server;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  /** The connection of a named VLR/SGSN, if it is connected. */
  peer(name: string): GsupEndpoint | undefined {
    return this.peers.get(name);
  }

  get peerNames(): string[] {
    return [...this.peers.keys()];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const address = `${socket.remoteAddress}:${socket.remotePort}`;
    let identified: string | undefined;
    const deadline = this.options.identityDeadlineMs ?? 2000;
    const timer = setTimeout(() => {
      this.problems.report(address, 'no-id-resp', `no identity (IPA ID_RESP with SERNR) within ${deadline} ms, disconnected`);
      socket.destroy();
    }, deadline);
    const endpoint = new GsupEndpoint({
      socket,
      peer: address,
      problems: this.problems,
      deadlineMs: this.options.deadlineMs ?? 2000,
      onIdentity: (identity) => {
        const name = identity.get(CCM_TAG.SERNR);
        if (name === undefined || name.length === 0 || !identity.has(CCM_TAG.UNIT)) {
          this.problems.report(address, 'bad-ccm', 'ID_RESP without SERNR or UNIT, disconnected');
          socket.destroy();
          return;
        }
        clearTimeout(timer);
        identified = name;
        endpoint.peer = name;
        // A second connection under a name replaces the first for routing (osmo-hlr silently misroutes instead).
        this.peers.set(name, endpoint);
      },
      onRequest: (message, peer) => {
        if (identified === undefined) {
          this.problems.report(address, 'unexpected-request', 'GSUP request before the identity handshake, ignored');
          return;
        }
        this.options.onRequest(message, peer);
      },
    });
    socket.once('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
      if (identified !== undefined && this.peers.get(identified) === endpoint) this.peers.delete(identified);
    });
    endpoint.sendRaw(encodeIdGet(ID_GET_TAGS));
  }
}
