import { HEADER_DEADLINE, HEADER_NO_ANSWER, HEADER_TRANSACTION, type ElementKind } from '../src/roaming/transport';
import { HTTP_LIMITS, jsonDepthExceeds } from './http-limits';
import type { MockNetwork } from './network';

/** A request's headers, read by lower-case name: fetch's `Headers`, or a view of node:http's `req.headers`. */
export interface RequestHeaders {
  get(name: string): string | null;
}

/** Picks the network that serves a request from its headers (`x-roamsim-scenario` in the feature suite). */
export type NetworkFor = (headers: RequestHeaders) => MockNetwork | undefined;

/** An HTTP answer, independent of any HTTP library: the MSW handlers and the node:http server both write it. */
export interface Translated {
  readonly status: number;
  /** Shared, frozen objects: callers copy them, never change them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });
const PROBLEM_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/problem+json' });
const NO_ANSWER: Translated = Object.freeze({ status: 504, headers: Object.freeze({ [HEADER_NO_ANSWER]: '1' }), body: null });

/**
 * The HTTP layer of an element operation, and all of it: JSON in, `network.dispatch()`, the element's answer
 * out; a 400 application/problem+json naming `(body)` or the header for a malformed body or header, a 504
 * marked `x-roamsim-no-answer` when the element stays silent, 503 when no network serves the request. Intercept
 * mode (MSW handlers) and live mode (node:http) both answer through this function, so they cannot drift.
 */
export async function translate(
  networkFor: NetworkFor,
  element: ElementKind,
  plmn: string,
  operation: string,
  headers: RequestHeaders,
  bodyText: string,
  signal?: AbortSignal,
): Promise<Translated> {
  const network = networkFor(headers);
  if (!network) return problem(503, 'no scenario network', 'no network is provisioned for this request');
  if (jsonDepthExceeds(bodyText, HTTP_LIMITS.maxJsonDepth)) {
    return problem(400, 'request body nested too deep', `the body nests objects or arrays deeper than ${HTTP_LIMITS.maxJsonDepth} levels (the limit)`, '(body)');
  }
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return problem(400, 'malformed request body', 'the body is not valid JSON', '(body)');
  }
  const deadline = headerNumber(headers, HEADER_DEADLINE, network.clock.now() + network.config.retry.requestTimeoutMs);
  const transactionId = headerNumber(headers, HEADER_TRANSACTION, 0);
  if (deadline === undefined) return problem(400, 'malformed request header', `${HEADER_DEADLINE} must be a time in ms since the epoch`, HEADER_DEADLINE);
  if (transactionId === undefined) return problem(400, 'malformed request header', `${HEADER_TRANSACTION} must be a whole number`, HEADER_TRANSACTION);
  const dispatched = await network.dispatch({ element, plmn, operation }, body, { deadline, transactionId }, signal);
  if (dispatched.status === 'no-answer') return NO_ANSWER;
  if (dispatched.status !== 200) return problem(dispatched.status, dispatched.problem.title, dispatched.problem.detail, dispatched.problem.field);
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(dispatched.body) };
}

/** An RFC 9457 problem answer. */
export function problem(status: number, title: string, detail: string, field?: string): Translated {
  return { status, headers: PROBLEM_HEADERS, body: JSON.stringify({ type: 'about:blank', title, status, detail, ...(field ? { field } : {}) }) };
}

/** A numeric header: the fallback when absent, undefined when present but not a whole number. */
function headerNumber(headers: RequestHeaders, name: string, fallback: number): number | undefined {
  const text = headers.get(name);
  if (text === null) return fallback;
  return /^\d{1,16}$/.test(text.trim()) ? Number(text) : undefined;
}
