/**
 * One S6a request over a Diameter node and its outcome in the terms a transport uses: the element's reply,
 * no answer (the deadline passed), or a transport error (no route, the connection went). A retransmission
 * (after a timeout or a lost connection) reuses the first attempt's Session-Id and End-to-End id and sets
 * the T flag; a first attempt never does. An explicit 3002 DIAMETER_UNABLE_TO_DELIVER or 3004
 * DIAMETER_TOO_BUSY answer is not a loss: the caller's retry is a new request (new End-to-End id, no T flag)
 * that avoids the peer which answered so (`busyPeer`), when another peer routes the realm (RFC 6733 §7.1.3).
 */
import type { Peer } from '../../src/protocol/diameter';
import { type DiameterNode, answerResultCode, isRetryElsewhere } from '../../src/protocol/diameter-node';
import { DiameterRequestFailed } from '../../src/protocol/diameter-peer';
import { type ElementReply, type S6aOperation, decodeAnswer, encodeRequest } from './s6a-json';

export type WireOutcome = { readonly reply: Exclude<ElementReply, { noAnswer: true }> } | { readonly noAnswer: true; readonly detail: string } | { readonly transportError: string };

/** What identifies a request across its retransmissions. */
export interface SentRequest {
  readonly sessionId: string;
  readonly endToEnd: number;
}

export interface ExchangeOptions {
  readonly origin: Peer;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly timeoutMs: number;
  /** The first attempt of this request, when this is a retransmission of it. */
  readonly retransmitOf?: SentRequest;
  /** Session-Id and End-to-End id for a first attempt, when the caller chose them. */
  readonly ids?: SentRequest;
  readonly signal?: AbortSignal;
  /** Peers that answered an earlier attempt 3002/3004: routed around when another peer is open. */
  readonly avoid?: readonly string[];
}

export async function exchange(node: DiameterNode, operation: S6aOperation, body: Record<string, unknown>, options: ExchangeOptions): Promise<{ outcome: WireOutcome; sent: SentRequest; busyPeer?: string }> {
  const sent: SentRequest = options.retransmitOf ?? options.ids ?? {
    sessionId: node.newSessionId(options.origin.host),
    endToEnd: node.newEndToEnd(),
  };
  const message = encodeRequest(operation, body, {
    sessionId: sent.sessionId,
    origin: options.origin,
    destinationRealm: options.destinationRealm,
    ...(options.destinationHost === undefined ? {} : { destinationHost: options.destinationHost }),
    endToEnd: sent.endToEnd,
  });
  try {
    const { answer, peer } = await node.requestRouted(message, {
      destinationRealm: options.destinationRealm,
      ...(options.destinationHost === undefined ? {} : { destinationHost: options.destinationHost }),
      timeoutMs: options.timeoutMs,
      retransmission: options.retransmitOf !== undefined,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.avoid ? { avoid: options.avoid } : {}),
    });
    const busy = isRetryElsewhere(answerResultCode(answer));
    return { outcome: { reply: decodeAnswer(operation, answer) }, sent, ...(busy ? { busyPeer: peer } : {}) };
  } catch (error) {
    if (!(error instanceof DiameterRequestFailed)) throw error;
    return { outcome: error.kind === 'timeout' ? { noAnswer: true, detail: error.message } : { transportError: error.message }, sent };
  }
}

/** What a link remembers of a request's last attempt, to decide how the next attempt goes. */
export interface Attempt {
  readonly sent: SentRequest;
  /** No answer or a lost connection: the next attempt is a retransmission. */
  readonly transient: boolean;
  /** Peers that answered this request 3002/3004: its next (new) request goes elsewhere when it can. */
  readonly avoid: readonly string[];
}

/** The record of an attempt from its outcome. */
export function attemptOf(result: { outcome: WireOutcome; sent: SentRequest; busyPeer?: string }, previous: Attempt | undefined): Attempt {
  const avoid = previous?.avoid ?? [];
  const { busyPeer } = result;
  return { sent: result.sent, transient: !('reply' in result.outcome), avoid: busyPeer && !avoid.includes(busyPeer) ? [...avoid, busyPeer] : avoid };
}

/**
 * How the next attempt of a request goes (RFC 6733 §5.5.4, §7.1.3): after no answer or a lost connection,
 * a retransmission (T flag, the same Session-Id and End-to-End id); after any answer, 3002/3004 included,
 * a new request (fresh ids, no T flag) that avoids the peers which answered 3002/3004.
 */
export function nextAttempt(previous: Attempt | undefined): { retransmitOf?: SentRequest; avoid: readonly string[] } {
  if (!previous) return { avoid: [] };
  return previous.transient ? { retransmitOf: previous.sent, avoid: previous.avoid } : { avoid: previous.avoid };
}
