/**
 * A Diameter node (RFC 6733 §2.1, §6): its identity, the peers it connects to (with reconnect and backoff)
 * and the ones it accepts, routing of the requests it originates, and dispatch of the requests it receives to
 * handlers by application and command. Routing (§6.1): a Destination-Host that is a connected peer gets the
 * request directly; otherwise the configured peers of the Destination-Realm, then the realms peers announced
 * in their CER/CEA, then the agents (the default route, e.g. a Diameter Edge Agent).
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FLAG_RETRANSMIT, S6A_APPLICATION_ID } from './diameter';
import { DISCONNECT_CAUSE, type LocalIdentity, type PeerCapabilities } from './diameter-base';
import { type DecodedMessage, RESULT } from './diameter-decode';
import { DiameterPeer, DiameterRequestFailed } from './diameter-peer';

export const DEFAULT_WATCHDOG_MS = 30_000;

export interface PeerAddress {
  /** The peer's Diameter identity (Origin-Host it will announce). */
  readonly host: string;
  readonly realm: string;
  readonly address: string;
  readonly port: number;
}

export type RequestHandler = (message: DecodedMessage, peer: DiameterPeer) => Promise<Buffer | undefined> | Buffer | undefined;

export interface DiameterNodeOptions {
  /** Application ids advertised and served (default: S6a). */
  readonly applications?: readonly number[];
  readonly local: Omit<LocalIdentity, 'originStateId' | 'productName'> & Partial<Pick<LocalIdentity, 'originStateId' | 'productName'>>;
  /** Tw, ms (default 30 s). */
  readonly watchdogMs?: number;
  /** Accept peers on this address and port (0 picks one). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Peers this node connects to and keeps connected. */
  readonly connectTo?: readonly PeerAddress[];
  /** Peers (by host) that route any realm: agents such as a DEA. */
  readonly defaultRoute?: readonly string[];
  /** Which incoming CERs to accept (default: any); a refused one gets CEA 3010 DIAMETER_UNKNOWN_PEER. */
  readonly acceptPeer?: (capabilities: PeerCapabilities) => boolean;
  /** AVPs this node understands; an unknown one with the M bit set is answered 5001. */
  readonly knowsAvp: (code: number, vendorId: number | undefined) => boolean;
  /** Reconnect backoff: first wait and ceiling, ms (defaults 100 and 30 000), doubled each failure. */
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  readonly onBytes?: (peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer) => void;
  readonly log?: (text: string) => void;
  readonly random?: () => number;
}

export interface RequestOptions {
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly timeoutMs?: number;
  /**
   * A retransmission of a request that timed out or whose connection failed (RFC 6733 §5.5.4): the T flag is
   * set and the End-to-End id is the one the message already carries. Never set for a first attempt.
   */
  readonly retransmission?: boolean;
  /** Stops waiting for the answer (the request fails as a timeout). */
  readonly signal?: AbortSignal;
  /**
   * Peers (by host) that answered an earlier attempt 3002 DIAMETER_UNABLE_TO_DELIVER or 3004
   * DIAMETER_TOO_BUSY (RFC 6733 §7.1.3): the new request goes to another peer of the realm when one is
   * open, and to one of these only when no other is.
   */
  readonly avoid?: readonly string[];
}

/** An answer and the peer it came from (the one the request was routed to). */
export interface RoutedAnswer {
  readonly answer: DecodedMessage;
  readonly peer: string;
}

/** The Result-Code (268) of an answer, when it carries one at the top level. */
export function answerResultCode(answer: DecodedMessage): number | undefined {
  const avp = answer.avps.find((a) => a.code === 268 && a.vendorId === undefined);
  return avp && avp.data.length === 4 ? avp.data.readUInt32BE(0) : undefined;
}

/**
 * An explicit answer after which the request is retried as a NEW request (new End-to-End id, no T flag),
 * to an alternate peer when there is one (RFC 6733 §5.5.4, §7.1.3): the peer answered, so nothing was lost.
 */
export function isRetryElsewhere(resultCode: number | undefined): boolean {
  return resultCode === RESULT.UNABLE_TO_DELIVER || resultCode === RESULT.TOO_BUSY;
}

interface Outbound {
  readonly address: PeerAddress;
  peer: DiameterPeer | undefined;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
}

export class DiameterNode {
  readonly local: LocalIdentity;
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly applications = new Set<number>();
  /** Open peers by their Diameter identity. */
  private readonly open = new Map<string, DiameterPeer>();
  private readonly all = new Set<DiameterPeer>();
  private readonly outbound: Outbound[];
  private readonly realms = new Map<string, string[]>();
  private server: Server | undefined;
  private stopped = false;
  private nextEndToEnd: number;
  private sessionCounter = 0;
  private readonly openWaiters = new Set<() => void>();
  private readonly random: () => number;

  constructor(private readonly options: DiameterNodeOptions) {
    this.random = options.random ?? Math.random;
    for (const id of options.applications ?? [S6A_APPLICATION_ID]) this.applications.add(id);
    this.local = {
      productName: 'roamsim',
      // RFC 6733 §8.16: a value that grows with each restart; seconds since the epoch do that.
      originStateId: Math.floor(Date.now() / 1000) >>> 0,
      ...options.local,
    };
    // RFC 6733 §3: the high 12 bits from the clock, the low 20 random, then incremented.
    this.nextEndToEnd = (((Date.now() & 0xfff) << 20) | Math.floor(this.random() * 0x100000)) >>> 0;
    this.outbound = (options.connectTo ?? []).map((address) => ({ address, peer: undefined, backoffMs: options.reconnect?.initialMs ?? 100, timer: undefined }));
    for (const p of options.connectTo ?? []) this.addRealm(p.realm, p.host);
  }

  /** Serves `commandCode` of `applicationId` with `handler`. */
  handle(applicationId: number, commandCode: number, handler: RequestHandler): void {
    this.handlers.set(`${applicationId}/${commandCode}`, handler);
  }

  /** Starts listening (when configured) and connecting; resolves with the bound port. */
  async start(): Promise<{ port: number | undefined }> {
    let port: number | undefined;
    if (this.options.listen) {
      const server = createServer((socket) => this.accept(socket));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.listen?.port, this.options.listen?.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
    }
    for (const out of this.outbound) this.dial(out);
    return { port };
  }

  /** The open peer with this identity. */
  peer(host: string): DiameterPeer | undefined {
    return this.open.get(host);
  }

  get openPeers(): string[] {
    return [...this.open.keys()];
  }

  /** Resolves once `host` is open, rejects after `timeoutMs`. */
  waitOpen(host: string, timeoutMs: number): Promise<void> {
    if (this.open.has(host)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.open.has(host)) return;
        this.openWaiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.openWaiters.delete(check);
        reject(new Error(`Diameter peer ${host} did not open within ${timeoutMs} ms (open: ${this.openPeers.join(', ') || 'none'})`));
      }, timeoutMs);
      this.openWaiters.add(check);
    });
  }

  /** RFC 6733 §8.8: `<DiameterIdentity>;<high 32 bits>;<low 32 bits>`, unique across restarts by Origin-State-Id. */
  newSessionId(host = this.local.host): string {
    this.sessionCounter = (this.sessionCounter + 1) >>> 0;
    return `${host};${this.local.originStateId};${this.sessionCounter}`;
  }

  /** A fresh End-to-End id for a new request (a retransmission keeps its first one). */
  newEndToEnd(): number {
    this.nextEndToEnd = (this.nextEndToEnd + 1) >>> 0;
    return this.nextEndToEnd;
  }

  /**
   * Routes and sends a request built by the caller (End-to-End id included), resolves with the answer.
   * Rejects with DiameterRequestFailed (transient) when no peer can take it, the deadline passes or the
   * connection goes before the answer.
   */
  async request(message: Buffer, options: RequestOptions): Promise<DecodedMessage> {
    return (await this.requestRouted(message, options)).answer;
  }

  /** As `request`, also naming the peer the request went to (what `avoid` takes on a 3002/3004 retry). */
  requestRouted(message: Buffer, options: RequestOptions): Promise<RoutedAnswer> {
    const peer = this.route(options.destinationRealm, options.destinationHost, options.avoid ?? []);
    if (!peer) {
      return Promise.reject(
        new DiameterRequestFailed('unable-to-deliver', `no open Diameter peer for ${options.destinationHost ? `host ${options.destinationHost} / ` : ''}realm ${options.destinationRealm} (open: ${this.openPeers.join(', ') || 'none'})`),
      );
    }
    let out = message;
    if (options.retransmission) {
      out = Buffer.from(message);
      out[4] = (out[4] as number) | FLAG_RETRANSMIT;
    }
    const host = peer.remote?.host ?? '';
    return peer.request(out, options.timeoutMs, options.signal).then((answer) => ({ answer, peer: host }));
  }

  /** DPR to every peer, stop listening and reconnecting. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const out of this.outbound) if (out.timer) clearTimeout(out.timer);
    const serverClosed = this.server ? new Promise<void>((resolve) => this.server?.close(() => resolve())) : Promise.resolve();
    await Promise.all([...this.all].map((peer) => peer.close(DISCONNECT_CAUSE.REBOOTING, 'node stopping')));
    await serverClosed;
  }

  private route(realm: string, host: string | undefined, avoid: readonly string[]): DiameterPeer | undefined {
    if (host) {
      const direct = this.open.get(host);
      if (direct && !avoid.includes(host)) return direct;
    }
    const candidates = [...(this.realms.get(realm) ?? []), ...(this.options.defaultRoute ?? [])];
    // A peer that just answered 3002/3004 is the last resort, used only when no other one is open.
    const preferred = [...candidates.filter((c) => !avoid.includes(c)), ...(host ? [host] : []), ...candidates.filter((c) => avoid.includes(c))];
    for (const candidate of preferred) {
      const peer = this.open.get(candidate);
      if (peer) return peer;
    }
    return undefined;
  }

  private addRealm(realm: string, host: string): void {
    const hosts = this.realms.get(realm) ?? [];
    if (!hosts.includes(host)) hosts.push(host);
    this.realms.set(realm, hosts);
  }

  private dial(out: Outbound): void {
    if (this.stopped) return;
    out.timer = undefined;
    const socket = connect({ host: out.address.address, port: out.address.port });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      out.peer = this.attach(socket, 'initiator', out);
    });
    socket.once('close', () => {
      if (!out.peer) this.redial(out, 'connect failed');
    });
  }

  private redial(out: Outbound, why: string): void {
    if (this.stopped || out.timer) return;
    const wait = out.backoffMs;
    out.backoffMs = Math.min(this.options.reconnect?.maxMs ?? 30_000, out.backoffMs * 2);
    this.options.log?.(`diameter: ${out.address.host} at ${out.address.address}:${out.address.port}: ${why}; reconnecting in ${wait} ms`);
    out.timer = setTimeout(() => this.dial(out), wait);
    out.timer.unref();
  }

  private accept(socket: Socket): void {
    if (this.stopped) return void socket.destroy();
    socket.on('error', () => undefined);
    this.attach(socket, 'responder', undefined);
  }

  private attach(socket: Socket, role: 'initiator' | 'responder', out: Outbound | undefined): DiameterPeer {
    const { options } = this;
    const peer = new DiameterPeer({
      local: this.local,
      socket,
      role,
      watchdogMs: options.watchdogMs ?? DEFAULT_WATCHDOG_MS,
      random: this.random,
      hooks: {
        onOpen: (p) => {
          const remote = p.remote as PeerCapabilities;
          this.open.set(remote.host, p);
          this.addRealm(remote.realm, remote.host);
          if (out) out.backoffMs = options.reconnect?.initialMs ?? 100;
          options.log?.(`diameter: peer ${remote.host} (${remote.realm}) open`);
          for (const waiter of [...this.openWaiters]) waiter();
        },
        onClose: (p, reason) => {
          this.all.delete(p);
          if (p.remote && this.open.get(p.remote.host) === p) this.open.delete(p.remote.host);
          if (out) {
            out.peer = undefined;
            this.redial(out, reason);
          }
        },
        onRequest: (p, message) => {
          const handler = this.handlers.get(`${message.applicationId}/${message.commandCode}`);
          return handler ? handler(message, p) : undefined;
        },
        acceptCer: (capabilities) => {
          if (options.acceptPeer && !options.acceptPeer(capabilities)) {
            return { resultCode: RESULT.UNKNOWN_PEER, message: `peer ${capabilities.host} of realm ${capabilities.realm} is not expected here` };
          }
          if (this.open.has(capabilities.host)) return { resultCode: RESULT.UNABLE_TO_COMPLY, message: `${capabilities.host} already has an open connection` };
          return { resultCode: RESULT.SUCCESS };
        },
        supportsApplication: (id) => this.applications.has(id),
        supportsCommand: (id, code) => this.handlers.has(`${id}/${code}`),
        knowsAvp: options.knowsAvp,
        ...(options.onBytes ? { onBytes: options.onBytes } : {}),
        ...(options.log ? { log: options.log } : {}),
      },
    });
    this.all.add(peer);
    return peer;
  }
}
