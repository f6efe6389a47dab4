/**
 * One S6a request over a Diameter node and its outcome in the terms a transport uses: the element's reply,
 * no answer (the deadline passed), or a transport error (no route, the connection went). A retransmission
 * (after a timeout or a lost connection) reuses the first attempt's Session-Id and End-to-End id and sets
 * the T flag; a first attempt never does.
 */
import type { Peer } from '../../src/protocol/diameter';
import type { DiameterNode } from '../../src/protocol/diameter-node';
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
}

export async function exchange(node: DiameterNode, operation: S6aOperation, body: Record<string, unknown>, options: ExchangeOptions): Promise<{ outcome: WireOutcome; sent: SentRequest }> {
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
    const answer = await node.request(message, {
      destinationRealm: options.destinationRealm,
      ...(options.destinationHost === undefined ? {} : { destinationHost: options.destinationHost }),
      timeoutMs: options.timeoutMs,
      retransmission: options.retransmitOf !== undefined,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { outcome: { reply: decodeAnswer(operation, answer) }, sent };
  } catch (error) {
    if (!(error instanceof DiameterRequestFailed)) throw error;
    return { outcome: error.kind === 'timeout' ? { noAnswer: true, detail: error.message } : { transportError: error.message }, sent };
  }
}
