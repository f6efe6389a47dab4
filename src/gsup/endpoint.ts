import type { Socket } from 'node:net';
import { CCM, IPA_OSMO_EXT, IPA_STREAM, IpaReassembler, decodeIdGet, decodeIdResp, encodeCcm, encodeIdResp, encodeOsmo } from '../protocol/ipa';
import { type GsupMessage, GsupDecodeError, decodeGsup, describeType, encodeGsup } from '../protocol/gsup';
import type { GsupProblem, PeerProblems } from './problems';

/** A request that got no answer within its deadline. The message names the peer and the procedure, never the IMSI. */
export class GsupTimeout extends Error {
  constructor(peer: string, procedure: string, deadlineMs: number) {
    super(`GSUP peer ${peer} did not answer ${procedure} within ${deadlineMs} ms`);
    this.name = 'GsupTimeout';
  }
}

export class GsupClosed extends Error {
  constructor(peer: string, procedure: string) {
    super(`GSUP connection to ${peer} closed before it answered ${procedure}`);
    this.name = 'GsupClosed';
  }
}

interface Pending {
  resolve?: (message: GsupMessage) => void;
  reject?: (error: Error) => void;
  timer?: NodeJS.Timeout;
  procedure: string;
  /** Set when the deadline passed: the slot stays so the late answer is recognised, until `ghostUntil`. */
  ghostUntil?: number;
}

export interface EndpointOptions {
  readonly socket: Socket;
  /** Name for log lines until the peer identifies itself (its address). */
  readonly peer: string;
  readonly problems: PeerProblems;
  /** What we answer to ID_GET (tag → text); absent on the server side, which asks instead. */
  readonly identity?: ReadonlyMap<number, string>;
  /** Default deadline of `request`. */
  readonly deadlineMs: number;
  /** How long a timed-out request's slot waits for its late answer (default: twice the deadline). */
  readonly lateGraceMs?: number;
  /** Requests (and reports) the peer sends us. */
  readonly onRequest?: (message: GsupMessage, endpoint: GsupEndpoint) => void;
  /** The peer's ID_RESP, decoded (server side). */
  readonly onIdentity?: (identity: Map<number, string>) => void;
  /** ID_GET seen and answered (client side: from now on the peer routes our answers). */
  readonly onIdGet?: () => void;
}

/**
 * One IPA connection carrying GSUP, either side. GSUP has no transaction id, so answers are matched by IMSI
 * and procedure in FIFO order per pair; a request past its deadline leaves a ghost slot that absorbs its late
 * answer (counted as late) instead of letting it resolve the next request for the same pair.
 */
export class GsupEndpoint {
  private readonly reassembler = new IpaReassembler();
  private readonly pending = new Map<string, Pending[]>();
  private name: string;
  private isClosed = false;
  readonly closed: Promise<void>;
  readonly stats = { sent: 0, received: 0, answered: 0, timeouts: 0, late: 0 };

  constructor(private readonly options: EndpointOptions) {
    this.name = options.peer;
    const { socket } = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows; the pending requests learn it there.
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.onClose();
        resolve();
      }),
    );
  }

  get peer(): string {
    return this.name;
  }

  set peer(name: string) {
    this.name = name;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  send(message: GsupMessage): void {
    if (this.isClosed) return;
    this.stats.sent++;
    this.options.socket.write(encodeOsmo(IPA_OSMO_EXT.GSUP, encodeGsup(message)));
  }

  sendRaw(bytes: Buffer): void {
    if (!this.isClosed) this.options.socket.write(bytes);
  }

  /** Sends a request and waits for its result or error (both resolve; the caller reads `type`/`cause`). */
  request(message: GsupMessage, deadlineMs = this.options.deadlineMs): Promise<GsupMessage> {
    const described = describeType(message.type);
    const procedure = described?.procedure ?? `type 0x${message.type.toString(16)}`;
    if (this.isClosed) return Promise.reject(new GsupClosed(this.name, procedure));
    return new Promise((resolve, reject) => {
      const key = pairKey(message.imsi, message.type);
      const slot: Pending = { resolve, reject, procedure };
      slot.timer = setTimeout(() => {
        this.stats.timeouts++;
        this.options.problems.report(this.name, 'no-answer', `no answer to ${procedure} within ${deadlineMs} ms`);
        slot.ghostUntil = Date.now() + (this.options.lateGraceMs ?? deadlineMs * 2);
        delete slot.resolve;
        delete slot.reject;
        reject(new GsupTimeout(this.name, procedure, deadlineMs));
      }, deadlineMs);
      const queue = this.pending.get(key);
      if (queue) {
        // Ghosts whose grace is over will never be claimed: drop them so a silent peer cannot grow the queue.
        const now = Date.now();
        while (queue.length > 0 && queue[0].ghostUntil !== undefined && queue[0].ghostUntil < now) queue.shift();
        queue.push(slot);
      } else this.pending.set(key, [slot]);
      this.send(message);
    });
  }

  /**
   * Ends the oldest pending request for this IMSI and procedure as unanswered, now. For a simulated clock:
   * the peer (in this process) decided not to answer, and waiting out the real deadline would only cost
   * time. The slot stays as a ghost, so an answer that does come is still counted as late.
   */
  abandon(imsi: string, type: number): void {
    const slot = this.pending.get(pairKey(imsi, type))?.find((candidate) => candidate.resolve !== undefined);
    if (!slot) return;
    clearTimeout(slot.timer);
    this.stats.timeouts++;
    slot.ghostUntil = Date.now() + (this.options.lateGraceMs ?? this.options.deadlineMs * 2);
    const reject = slot.reject;
    delete slot.resolve;
    delete slot.reject;
    reject?.(new GsupTimeout(this.name, slot.procedure, 0));
  }

  close(): void {
    this.options.socket.destroy();
  }

  private report(problem: GsupProblem, detail: string): void {
    this.options.problems.report(this.name, problem, detail);
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.reassembler.push(chunk)) {
      if (this.isClosed) return;
      if (frame.stream === IPA_STREAM.CCM) this.onCcm(frame.payload);
      else if (frame.stream === IPA_STREAM.OSMO) this.onOsmo(frame.payload);
      else this.report('unknown-stream', `IPA stream 0x${frame.stream.toString(16).padStart(2, '0')} (${frame.payload.length} octets) skipped`);
    }
  }

  private onCcm(payload: Buffer): void {
    if (payload.length === 0) return this.report('bad-ccm', 'empty CCM frame');
    const body = payload.subarray(1);
    switch (payload[0]) {
      case CCM.PING:
        this.sendRaw(encodeCcm(CCM.PONG));
        return;
      case CCM.PONG:
      case CCM.ID_ACK:
        return;
      case CCM.ID_GET: {
        if (!decodeIdGet(body)) return this.report('bad-ccm', 'ID_GET with an entry overrunning the frame');
        if (this.options.identity) this.sendRaw(encodeIdResp(this.options.identity));
        this.options.onIdGet?.();
        return;
      }
      case CCM.ID_RESP: {
        const identity = decodeIdResp(body);
        if (!identity) return this.report('bad-ccm', 'ID_RESP with an entry overrunning the frame');
        this.options.onIdentity?.(identity);
        return;
      }
      default:
        this.report('bad-ccm', `CCM message type 0x${payload[0].toString(16)} not understood`);
    }
  }

  private onOsmo(payload: Buffer): void {
    if (payload.length === 0) return this.report('truncated-frame', 'OSMO frame without its extension octet');
    if (payload[0] !== IPA_OSMO_EXT.GSUP) return this.report('unknown-stream', `OSMO extension 0x${payload[0].toString(16)} is not GSUP (0x05)`);
    let message: GsupMessage;
    try {
      message = decodeGsup(payload.subarray(1));
    } catch (error) {
      if (error instanceof GsupDecodeError) {
        const problem: GsupProblem = error.problem === 'empty' ? 'empty-message' : error.problem;
        return this.report(problem, error.message);
      }
      throw error;
    }
    this.stats.received++;
    const described = describeType(message.type);
    if (!described) return this.report('unknown-message-type', `message type 0x${message.type.toString(16).padStart(2, '0')} ignored`);
    if (described.procedure === 'RoutingError') return this.report('routing-error', 'the peer could not route a message');
    if (described.kind === 'request' || described.kind === 'other') {
      if (this.options.onRequest) this.options.onRequest(message, this);
      else this.report('unexpected-request', `${described.procedure} request not served on this side`);
      return;
    }
    this.onAnswer(message, described.procedure);
  }

  private onAnswer(message: GsupMessage, procedure: string): void {
    const key = pairKey(message.imsi, message.type);
    const queue = this.pending.get(key);
    const now = Date.now();
    while (queue && queue.length > 0 && queue[0].ghostUntil !== undefined && queue[0].ghostUntil < now) queue.shift();
    const slot = queue?.shift();
    if (queue && queue.length === 0) this.pending.delete(key);
    if (!slot) return this.report('unsolicited-answer', `${procedure} answer nobody asked for`);
    if (!slot.resolve) {
      this.stats.late++;
      return this.report('late-answer', `${procedure} answer after its deadline, dropped`);
    }
    clearTimeout(slot.timer);
    this.stats.answered++;
    slot.resolve(message);
  }

  private onClose(): void {
    this.isClosed = true;
    if (this.reassembler.pending > 0) this.report('truncated-frame', `connection closed inside a frame (${this.reassembler.pending} octets left)`);
    for (const queue of this.pending.values()) {
      for (const slot of queue) {
        clearTimeout(slot.timer);
        slot.reject?.(new GsupClosed(this.name, slot.procedure));
      }
    }
    this.pending.clear();
  }
}

/** Answers share the pair key of their request: the IMSI and the request type (low two bits cleared). */
function pairKey(imsi: string, type: number): string {
  return `${imsi}|${type & ~0x03}`;
}
