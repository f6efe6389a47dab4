/**
 * One Diameter peer connection over TCP (RFC 6733 §5.6 peer state machine, without election: a node either
 * connects out to a peer or accepts it, never both). The initiator sends CER and waits for CEA; the responder
 * waits for CER and answers CEA. Once open: requests out are matched to answers by hop-by-hop id; requests in
 * are checked (application, command, M-bit AVPs) before the node's handler sees them; the device watchdog
 * (RFC 3539) sends DWR after Tw of silence and fails the peer over when a second Tw passes without an answer;
 * close sends DPR and waits briefly for DPA. Anything the peer sends that breaks the framing gets a DPR and the
 * connection closes; a malformed message within a sound frame gets its RFC 6733 answer. Requests pending when
 * the connection goes are failed as transient, so the caller's retry policy decides what happens next.
 */
import type { Socket } from 'node:net';
import { AVP, FLAG_PROXIABLE, FLAG_REQUEST } from './diameter';
import {
  BASE_COMMANDS,
  DISCONNECT_CAUSE,
  type LocalIdentity,
  type PeerCapabilities,
  RELAY_APPLICATION_ID,
  capabilitiesExchangeAnswer,
  capabilitiesExchangeRequest,
  deviceWatchdogAnswer,
  deviceWatchdogRequest,
  disconnectPeerAnswer,
  disconnectPeerRequest,
  errorAnswer,
  readCapabilities,
} from './diameter-base';
import { type DecodedMessage, DiameterProblem, RESULT, avpText, decodeMessage, findAvp, isRequest } from './diameter-decode';
import { DiameterFramer, FramingError } from './diameter-framer';

export type PeerState = 'wait-cea' | 'wait-cer' | 'open' | 'closing' | 'closed';

/** Why a request got no answer. Every kind is transient: the retry policy may send it again. */
export class DiameterRequestFailed extends Error {
  readonly transient = true;
  constructor(
    readonly kind: 'timeout' | 'connection-lost' | 'unable-to-deliver',
    message: string,
  ) {
    super(message);
    this.name = 'DiameterRequestFailed';
  }
}

export interface PeerHooks {
  /** The capabilities exchange succeeded. */
  onOpen(peer: DiameterPeer): void;
  /** The connection is gone (either side, any reason); pending requests have been failed. */
  onClose(peer: DiameterPeer, reason: string): void;
  /** An application request passed the checks; resolve with the answer bytes, or undefined to stay silent. */
  onRequest(peer: DiameterPeer, message: DecodedMessage): Promise<Buffer | undefined> | Buffer | undefined;
  /** Responder: 2001 to accept the CER, or the Result-Code to refuse it with (3010 unknown peer, 5012 …). */
  acceptCer(capabilities: PeerCapabilities): { resultCode: number; message?: string };
  /** The application ids this node serves beside the base protocol. */
  supportsApplication(applicationId: number): boolean;
  supportsCommand(applicationId: number, commandCode: number): boolean;
  /** An AVP this node understands (only unknown ones with the M bit are refused). */
  knowsAvp(code: number, vendorId: number | undefined): boolean;
  /** Every message as it crosses the socket (captures). */
  onBytes?(peer: DiameterPeer, direction: 'sent' | 'received', bytes: Buffer): void;
  log?(text: string): void;
}

export interface PeerOptions {
  readonly local: LocalIdentity;
  readonly socket: Socket;
  readonly role: 'initiator' | 'responder';
  /** Tw (RFC 3539), ms. */
  readonly watchdogMs: number;
  readonly hooks: PeerHooks;
  /** Uniform in [0, 1), for the watchdog jitter and the first hop-by-hop id. */
  readonly random?: () => number;
}

interface Pending {
  readonly resolve: (answer: DecodedMessage) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

/** How long a DPR waits for its DPA before the connection is closed anyway. */
const DPA_WAIT_MS = 1000;

export class DiameterPeer {
  state: PeerState;
  /** Set once CER/CEA has been read. */
  remote: PeerCapabilities | undefined;
  private readonly framer = new DiameterFramer();
  private readonly pending = new Map<number, Pending>();
  private nextHopByHop: number;
  private watchdog: NodeJS.Timeout | undefined;
  private dwrOutstanding = false;
  private closeReason = 'closed';
  private readonly random: () => number;

  constructor(private readonly options: PeerOptions) {
    this.random = options.random ?? Math.random;
    this.nextHopByHop = Math.floor(this.random() * 0x7fffffff);
    this.state = options.role === 'initiator' ? 'wait-cea' : 'wait-cer';
    const { socket } = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.closeReason = `socket error: ${error.message}`;
    });
    socket.on('close', () => this.onSocketClosed());
    this.armWatchdog();
    if (options.role === 'initiator') this.write(capabilitiesExchangeRequest(options.local, { hopByHop: this.hopByHop(), endToEnd: this.hopByHop() }));
  }

  get role(): 'initiator' | 'responder' {
    return this.options.role;
  }

  /** This side's and the other side's TCP port. */
  get ports(): { local: number; remote: number } {
    return { local: this.options.socket.localPort ?? 0, remote: this.options.socket.remotePort ?? 0 };
  }

  get remoteHost(): string | undefined {
    return this.remote?.host;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Sends a request (its hop-by-hop id is set here) and resolves with the answer. `signal` gives up early
   * (reported as a timeout: the caller stopped waiting).
   */
  request(message: Buffer, timeoutMs: number | undefined, signal?: AbortSignal): Promise<DecodedMessage> {
    if (this.state !== 'open') return Promise.reject(new DiameterRequestFailed('unable-to-deliver', `the connection to ${this.remoteHost ?? 'the peer'} is not open (${this.state})`));
    const hopByHop = this.hopByHop();
    const out = Buffer.from(message);
    out.writeUInt32BE(hopByHop, 12);
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(hopByHop);
              reject(new DiameterRequestFailed('timeout', `no answer from ${this.remoteHost ?? 'the peer'} within ${timeoutMs} ms`));
            }, timeoutMs);
      this.pending.set(hopByHop, { resolve, reject, timer });
      signal?.addEventListener(
        'abort',
        () => {
          const pending = this.pending.get(hopByHop);
          if (!pending) return;
          this.pending.delete(hopByHop);
          if (pending.timer) clearTimeout(pending.timer);
          reject(new DiameterRequestFailed('timeout', `the caller stopped waiting for ${this.remoteHost ?? 'the peer'}`));
        },
        { once: true },
      );
      this.write(out);
    });
  }

  /** DPR, then the connection closes on DPA or after a short wait. */
  close(cause: number = DISCONNECT_CAUSE.REBOOTING, reason = 'closed by this node'): Promise<void> {
    return new Promise((resolve) => {
      if (this.state === 'closed') return resolve();
      this.options.socket.once('close', () => resolve());
      this.closeReason = reason;
      if (this.state === 'open') {
        this.state = 'closing';
        this.write(disconnectPeerRequest(this.options.local, { hopByHop: this.hopByHop(), endToEnd: this.hopByHop() }, cause));
        setTimeout(() => this.options.socket.destroy(), DPA_WAIT_MS).unref();
      } else {
        this.state = 'closing';
        this.options.socket.destroy();
      }
    });
  }

  /** Drops the connection at once, no DPR (a silent or broken peer). */
  destroy(reason: string): void {
    this.closeReason = reason;
    this.options.socket.destroy();
  }

  private hopByHop(): number {
    this.nextHopByHop = (this.nextHopByHop + 1) >>> 0;
    return this.nextHopByHop;
  }

  private write(bytes: Buffer): void {
    if (this.options.socket.destroyed) return;
    this.options.hooks.onBytes?.(this, 'sent', bytes);
    this.options.socket.write(bytes);
  }

  private log(text: string): void {
    this.options.hooks.log?.(`diameter peer ${this.remoteHost ?? this.options.socket.remoteAddress ?? '?'}:${this.options.socket.remotePort ?? '?'}: ${text}`);
  }

  /** RFC 3539: Tw with a jitter of up to ±2 s (scaled down for short test intervals). */
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const tw = this.options.watchdogMs;
    const jitter = Math.min(2000, tw / 10);
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(1, Math.round(tw + (this.random() * 2 - 1) * jitter)));
    this.watchdog.unref();
  }

  private onWatchdog(): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state !== 'open') {
      this.log(`no capabilities exchange within ${this.options.watchdogMs} ms`);
      return this.destroy('no capabilities exchange in time');
    }
    if (this.dwrOutstanding) {
      // Failover (RFC 3539 §3.4.1): the peer is silent; its pending requests go back to their callers.
      this.log(`no answer to DWR within ${this.options.watchdogMs} ms: failing over`);
      return this.destroy('watchdog: the peer stopped answering');
    }
    this.dwrOutstanding = true;
    this.write(deviceWatchdogRequest(this.options.local, { hopByHop: this.hopByHop(), endToEnd: this.hopByHop() }));
    this.armWatchdog();
  }

  private onSocketClosed(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.state = 'closed';
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new DiameterRequestFailed('connection-lost', `the connection to ${this.remoteHost ?? 'the peer'} closed before the answer (${this.closeReason})`));
    }
    this.options.hooks.onClose(this, this.closeReason);
  }

  private onData(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof FramingError)) throw error;
      return this.lostFraming(error.message);
    }
    for (const message of messages) {
      if (this.state === 'closed') return;
      this.options.hooks.onBytes?.(this, 'received', message);
      this.onMessage(message);
    }
  }

  /** The stream cannot be resynchronised: say so with a DPR and close. */
  private lostFraming(problem: string): void {
    this.log(problem);
    this.closeReason = problem;
    if (this.state === 'open') this.write(disconnectPeerRequest(this.options.local, { hopByHop: this.hopByHop(), endToEnd: this.hopByHop() }, DISCONNECT_CAUSE.DO_NOT_WANT_TO_TALK_TO_YOU));
    this.state = 'closing';
    this.options.socket.end();
    setTimeout(() => this.options.socket.destroy(), DPA_WAIT_MS).unref();
  }

  private onMessage(raw: Buffer): void {
    // Any traffic shows the peer is alive (RFC 3539 §3.4.1).
    this.dwrOutstanding = false;
    this.armWatchdog();
    let message: DecodedMessage;
    try {
      message = decodeMessage(raw);
    } catch (error) {
      if (!(error instanceof DiameterProblem)) throw error;
      return this.refuseUndecodable(raw, error);
    }
    if (this.state === 'wait-cer' || this.state === 'wait-cea') return this.onCapabilities(message);
    if (message.applicationId === 0 && this.onBase(message)) return;
    if (isRequest(message)) void this.onApplicationRequest(message);
    else this.onAnswer(message);
  }

  /** A message whose AVPs or header bits are wrong: requests get their answer, answers are dropped. */
  private refuseUndecodable(raw: Buffer, problem: DiameterProblem): void {
    const request = ((raw[4] as number) & FLAG_REQUEST) !== 0;
    this.log(`${request ? 'request' : 'answer'} refused: ${problem.message}`);
    if (!request || this.state !== 'open') {
      if (this.state !== 'open') this.destroy(`malformed message before the capabilities exchange: ${problem.message}`);
      return;
    }
    this.write(
      errorAnswer(
        this.options.local,
        { flags: raw[4] as number, commandCode: raw.readUIntBE(5, 3), applicationId: raw.readUInt32BE(8), hopByHop: raw.readUInt32BE(12), endToEnd: raw.readUInt32BE(16) },
        problem.resultCode,
        problem.message,
        problem.failedAvp,
      ),
    );
  }

  private onCapabilities(message: DecodedMessage): void {
    const { local } = this.options;
    const expected = this.state === 'wait-cer' ? 'CER' : 'CEA';
    const isCer = message.commandCode === BASE_COMMANDS.capabilitiesExchange && isRequest(message);
    const isCea = message.commandCode === BASE_COMMANDS.capabilitiesExchange && !isRequest(message);
    if ((expected === 'CER' && !isCer) || (expected === 'CEA' && !isCea)) {
      this.log(`expected ${expected}, got command ${message.commandCode}${isRequest(message) ? ' request' : ' answer'}`);
      return this.destroy(`expected ${expected} first`);
    }
    const capabilities = readCapabilities(message);
    const common = capabilities.applications.some((id) => id === RELAY_APPLICATION_ID || this.options.hooks.supportsApplication(id));
    if (expected === 'CER') {
      let verdict = this.options.hooks.acceptCer(capabilities);
      if (verdict.resultCode === RESULT.SUCCESS && !common) verdict = { resultCode: RESULT.NO_COMMON_APPLICATION, message: 'no common application: this node serves S6a (16777251)' };
      this.write(capabilitiesExchangeAnswer(local, message, verdict.resultCode, verdict.message));
      if (verdict.resultCode !== RESULT.SUCCESS) {
        this.log(`CER from ${capabilities.host} (${capabilities.realm}) refused with ${verdict.resultCode}: ${verdict.message ?? ''}`);
        this.closeReason = `CER refused with ${verdict.resultCode}`;
        this.state = 'closing';
        this.options.socket.end();
        setTimeout(() => this.options.socket.destroy(), DPA_WAIT_MS).unref();
        return;
      }
    } else if (capabilities.resultCode !== RESULT.SUCCESS || !common) {
      this.log(`CEA from ${capabilities.host} refused us: ${capabilities.resultCode ?? 'no Result-Code'}${common ? '' : ', no common application'}`);
      return this.destroy(`CEA ${capabilities.resultCode ?? 'without Result-Code'}`);
    }
    this.remote = capabilities;
    this.state = 'open';
    this.options.hooks.onOpen(this);
  }

  /** Base protocol messages once open; false when it is not one (then it is handled as an application message). */
  private onBase(message: DecodedMessage): boolean {
    const { local } = this.options;
    const request = isRequest(message);
    switch (message.commandCode) {
      case BASE_COMMANDS.deviceWatchdog:
        if (request) this.write(deviceWatchdogAnswer(local, message));
        return true;
      case BASE_COMMANDS.disconnectPeer:
        if (request) {
          this.write(disconnectPeerAnswer(local, message));
          this.closeReason = `the peer sent DPR (cause ${findAvp(message.avps, 273)?.data.readUInt32BE(0) ?? '?'})`;
          this.state = 'closing';
          this.options.socket.end();
          setTimeout(() => this.options.socket.destroy(), DPA_WAIT_MS).unref();
        } else {
          this.options.socket.destroy();
        }
        return true;
      case BASE_COMMANDS.capabilitiesExchange:
        if (request) this.write(errorAnswer(local, message, RESULT.UNABLE_TO_COMPLY, 'the capabilities exchange is already done on this connection'));
        return true;
      default:
        return false;
    }
  }

  private async onApplicationRequest(message: DecodedMessage): Promise<void> {
    const { hooks, local } = this.options;
    const sessionId = avpText(findAvp(message.avps, AVP.sessionId));
    const refuse = (code: number, text: string, failed?: Buffer) => {
      this.log(`request ${message.commandCode} refused with ${code}: ${text}`);
      this.write(errorAnswer(local, { ...message, ...(sessionId === undefined ? {} : { sessionId }) }, code, text, failed));
    };
    if (!hooks.supportsApplication(message.applicationId)) return refuse(RESULT.APPLICATION_UNSUPPORTED, `application ${message.applicationId} is not served here`);
    if (!hooks.supportsCommand(message.applicationId, message.commandCode)) return refuse(RESULT.COMMAND_UNSUPPORTED, `command ${message.commandCode} is not served in application ${message.applicationId}`);
    if ((message.flags & FLAG_PROXIABLE) === 0) return refuse(RESULT.INVALID_HDR_BITS, `command ${message.commandCode} must be proxiable (P bit)`);
    const unknown = message.avps.find((a) => (a.flags & 0x40) !== 0 && !hooks.knowsAvp(a.code, a.vendorId));
    if (unknown) return refuse(RESULT.AVP_UNSUPPORTED, `AVP ${unknown.code}${unknown.vendorId ? ` (vendor ${unknown.vendorId})` : ''} has the M bit and is not supported`, unknown.raw);
    let answer: Buffer | undefined;
    try {
      answer = await hooks.onRequest(this, message);
    } catch (error) {
      if (error instanceof DiameterProblem) return refuse(error.resultCode, error.message, error.failedAvp);
      this.log(`handler failed: ${(error as Error).stack ?? String(error)}`);
      return refuse(RESULT.UNABLE_TO_COMPLY, 'the request could not be processed');
    }
    if (answer && this.state === 'open') this.write(answer);
  }

  private onAnswer(message: DecodedMessage): void {
    const pending = this.pending.get(message.hopByHop);
    if (!pending) {
      // RFC 6733 §6.2: an answer matching no request is discarded.
      this.log(`answer to command ${message.commandCode} with unknown hop-by-hop id ${message.hopByHop} dropped`);
      return;
    }
    this.pending.delete(message.hopByHop);
    if (pending.timer) clearTimeout(pending.timer);
    pending.resolve(message);
  }
}
