import type { Socket } from 'node:net';

/**
 * What the mocks' HTTP layer accepts from a client, whoever it is. Element and admin bodies of the contract
 * are a few hundred bytes and at most 3 levels deep; these limits leave ample room and keep a hostile body
 * from costing memory or stack.
 */
export const HTTP_LIMITS = Object.freeze({
  /** Request body bytes (element and admin endpoints); more answers 413 naming the limit. */
  maxBodyBytes: 64 * 1024,
  /** Nesting of JSON objects and arrays in a request body; deeper answers 400 naming the limit. */
  maxJsonDepth: 32,
  /** Request head (request line and headers), enforced by Node's parser; more answers 431. */
  maxHeaderBytes: 16 * 1024,
});

/**
 * True when the JSON text nests objects/arrays deeper than `max`. A single pass over the text before
 * JSON.parse, so a 10 KB body of 5,000 brackets costs a scan, never a deep recursion anywhere later.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** `application/json`, parameters (charset) allowed; `text/plain` and forms are what a cross-origin page can send. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const media = header.split(';')[0]?.trim().toLowerCase();
  return media === 'application/json';
}

/** An RFC 9457 problem body. */
export function problemBody(status: number, title: string, detail: string, field?: string): string {
  return JSON.stringify({ type: 'about:blank', title, status, detail, ...(field ? { field } : {}) });
}

/**
 * Node's HTTP parser refused the request before any handler saw it (malformed request line or header,
 * head larger than the limit, bad chunked encoding): answer with problem+json naming what was wrong, and
 * close. A socket that is already gone or half-written gets destroyed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request header fields too large', `the request line and headers are larger than ${HTTP_LIMITS.maxHeaderBytes} bytes`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request timeout', 'the request did not arrive in time']
        : [400, 'malformed HTTP request', `the HTTP parser refused the request (${error.code ?? 'parse error'})`];
  const body = problemBody(status, title, detail, '(request)');
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
