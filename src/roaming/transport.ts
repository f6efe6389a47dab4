import { type Socket, connect } from 'node:net';
import { InputError } from '../errors';

/**
 * How a request reaches a network element. Four interchangeable modes behind one interface:
 * `direct` calls the element's handler function, `intercept` goes through fetch and MSW in process, `live`
 * goes over real HTTP to `roamsim mocks`, `wire` speaks the core network's own protocols on 127.0.0.1
 * (GSUP for GSM/UMTS: mocks/gsup/wire-transport.ts; S6a over Diameter/TCP for LTE: mocks/diameter/wire.ts).
 * The mode comes from config (ROAMSIM_MODE), never from the engine.
 */
export type TransportMode = 'direct' | 'intercept' | 'live' | 'wire';
export const TRANSPORT_MODES: readonly TransportMode[] = ['direct', 'intercept', 'live', 'wire'];

/** Reads a mode a person wrote (`ROAMSIM_MODE`, `--mode`); `source` names where it came from. */
export function parseTransportMode(text: string, source: string): TransportMode {
  if (!(TRANSPORT_MODES as readonly string[]).includes(text)) throw new InputError(text, source, TRANSPORT_MODES.join(', '));
  return text as TransportMode;
}

export type ElementKind = 'hlr-hss' | 'vlr-mme';

/** An element endpoint: `POST <base>/<hlr-hss|vlr-mme>/<plmn>/<operation>`. */
export interface Route {
  readonly element: ElementKind;
  readonly plmn: string;
  readonly operation: string;
}

export interface CallMeta {
  /** The caller gives up at this time on its clock; the element uses it to know when "no answer" is due. */
  readonly deadline: number;
  readonly transactionId: number;
  readonly scenario?: string;
}

export type TransportReply =
  | { readonly kind: 'answer'; readonly body: unknown }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'transport-error'; readonly detail: string };

export interface Transport {
  readonly mode: TransportMode;
  send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply>;
}

export const HEADER_DEADLINE = 'x-roamsim-deadline';
export const HEADER_TRANSACTION = 'x-roamsim-transaction';
export const HEADER_SCENARIO = 'x-roamsim-scenario';
export const HEADER_NO_ANSWER = 'x-roamsim-no-answer';

export function routePath(route: Route): string {
  return `/${route.element}/${route.plmn}/${route.operation}`;
}

/** Thrown inside an element when it decides not to answer; transports turn it into a `no-answer` reply. */
export class NoAnswer extends Error {
  constructor() {
    super('the element did not answer');
    this.name = 'NoAnswer';
  }
}

/**
 * fetch-based transport for `intercept` (MSW patches fetch and answers in process; `live` uses HttpTransport).
 * With a real clock the deadline is enforced by aborting the request; with a simulated clock the element
 * itself reports "no answer" (it knows the deadline from the header), so nothing waits in real time.
 */
export class FetchTransport implements Transport {
  constructor(
    readonly mode: TransportMode,
    private readonly baseUrl: (element: ElementKind) => string,
    private readonly realTimeouts: { now(): number } | undefined,
  ) {}

  async send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const url = this.baseUrl(route.element) + routePath(route);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [HEADER_DEADLINE]: String(meta.deadline),
      [HEADER_TRANSACTION]: String(meta.transactionId),
    };
    if (meta.scenario) headers[HEADER_SCENARIO] = encodeURIComponent(meta.scenario);
    const signal = this.realTimeouts ? AbortSignal.timeout(Math.max(1, meta.deadline - this.realTimeouts.now())) : undefined;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) return { kind: 'no-answer' };
      return { kind: 'transport-error', detail: `POST ${url}: ${(error as Error).cause ? String((error as Error).cause) : (error as Error).message}` };
    }
    if (response.headers.get(HEADER_NO_ANSWER)) {
      await response.body?.cancel();
      return { kind: 'no-answer' };
    }
    return readAnswer(url, response.status, await response.text());
  }
}

/** An element's HTTP answer, read the same way by both HTTP transports. */
function readAnswer(url: string, status: number, text: string): TransportReply {
  // A 4xx/5xx from a mock is a contract problem (the engine sent what the element does not accept).
  if (status < 200 || status > 299) throw new Error(`POST ${url} answered HTTP ${status}: ${text.slice(0, 500)}`);
  return { kind: 'answer', body: JSON.parse(text) as unknown };
}

const NO_ANSWER_REPLY: TransportReply = Object.freeze({ kind: 'no-answer' });
/** A request gives up at its deadline or up to this much later. */
const DEADLINE_STEP_MS = 25;

export interface HttpTransportOptions {
  /**
   * Connections per server. A request holds its connection while the element makes its own requests
   * (UE → VLR holds one while VLR → HLR → VLR run), so a server sees up to about twice the journeys in flight:
   * size it from the concurrency, above that. Requests beyond it wait for a connection. Default 256.
   */
  readonly maxSockets?: number;
  /** A pool to share (the feature suite shares one between scenarios); the transport makes its own otherwise. */
  readonly pool?: HttpPool;
}

/**
 * HTTP/1.1 transport for `live` (a real server answers), on node:net with a keep-alive connection pool: one
 * request in flight per connection (no pipelining), the request line, headers and body in one write, the
 * answer read by a small response reader (Content-Length or chunked bodies). Cheaper than node:http's client
 * by more than half per exchange, which is what the live load runs spend their time on.
 *
 * Replies map exactly as FetchTransport's: the answer; `no-answer` for the `x-roamsim-no-answer` mark or, on a
 * real clock, the deadline passing (the request is aborted, its connection closed); `transport-error` for a
 * connection that fails or closes before the answer is complete; a thrown error for an answer outside the
 * contract (HTTP 4xx/5xx, a body that is not JSON). With a simulated clock nothing waits in real time: the
 * element reports "no answer" itself.
 */
export class HttpTransport implements Transport {
  readonly pool: HttpPool;
  private readonly ownsPool: boolean;
  private readonly origins = new Map<ElementKind, Origin>();

  constructor(
    readonly mode: TransportMode,
    private readonly baseUrl: (element: ElementKind) => string,
    private readonly realTimeouts: { now(): number } | undefined,
    options: HttpTransportOptions = {},
  ) {
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new HttpPool({ ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }) });
  }

  /** Closes the transport's own pool (idle connections never hold the process open; this frees them at once). */
  close(): void {
    if (this.ownsPool) this.pool.close();
  }

  send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const origin = this.origin(route.element);
    const path = routePath(route);
    const text = JSON.stringify(body) ?? '';
    let head = `POST ${origin.pathPrefix}${path} HTTP/1.1\r\n${origin.fixedHeaders}content-length: ${Buffer.byteLength(text)}\r\n${HEADER_DEADLINE}: ${meta.deadline}\r\n${HEADER_TRANSACTION}: ${meta.transactionId}\r\n`;
    if (meta.scenario) head += `${HEADER_SCENARIO}: ${encodeURIComponent(meta.scenario)}\r\n`;
    const deadlineMs = this.realTimeouts ? Math.max(1, meta.deadline - this.realTimeouts.now()) : undefined;
    return this.pool.exchange(origin, `${head}\r\n${text}`, deadlineMs).then((answer) => {
      if (answer === undefined) return NO_ANSWER_REPLY;
      if (answer.noAnswer) return NO_ANSWER_REPLY;
      if (typeof answer.body !== 'string') return { kind: 'transport-error', detail: `POST ${origin.base}${path}: ${String(answer.body)}` };
      return readAnswer(`${origin.base}${path}`, answer.status, answer.body);
    });
  }

  private origin(element: ElementKind): Origin {
    let origin = this.origins.get(element);
    if (!origin) {
      origin = parseOrigin(this.baseUrl(element), element);
      this.origins.set(element, origin);
    }
    return origin;
  }
}

/** What a transport needs to reach one element's server, worked out once. */
interface Origin {
  readonly hostname: string;
  readonly port: number;
  /** `host:port`: the pool's key. */
  readonly key: string;
  /** The base URL's path (usually empty), prefixed to every route. */
  readonly pathPrefix: string;
  readonly base: string;
  /** Header lines every request to it carries: Host and Content-Type. */
  readonly fixedHeaders: string;
}

function parseOrigin(baseUrl: string, element: ElementKind): Origin {
  const base = baseUrl.replace(/\/+$/, '');
  const url = new URL(base);
  if (url.protocol !== 'http:') throw new Error(`${element}: ${base} is not an http:// URL`);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? 80 : Number(url.port);
  return { hostname, port, key: `${hostname}|${port}`, pathPrefix: url.pathname === '/' ? '' : url.pathname, base, fixedHeaders: `host: ${url.host}\r\ncontent-type: application/json\r\n` };
}

/** A complete answer; `body` is an Error when the connection failed before the answer was complete. */
interface Answer {
  readonly status: number;
  readonly noAnswer: boolean;
  readonly body: string | Error;
}

/**
 * Keep-alive HTTP/1.1 connections per server (`host:port`), at most `maxSockets` each; idle ones are reused
 * last-in first-out, never hold the process open, and are dropped before the server's keep-alive timeout
 * (from its `Keep-Alive: timeout=N`) can close them under a new request.
 */
export class HttpPool {
  readonly maxSockets: number;
  private readonly servers = new Map<string, ServerConnections>();
  private closed = false;

  constructor(options: { maxSockets?: number } = {}) {
    this.maxSockets = Math.max(1, options.maxSockets ?? 256);
  }

  /** Sends `request` (request line, headers, blank line, body) and resolves with the answer, or undefined when `timeoutMs` passed first. */
  exchange(origin: Origin, request: string, timeoutMs: number | undefined): Promise<Answer | undefined> {
    if (this.closed) return Promise.resolve({ status: 0, noAnswer: false, body: new Error('the connection pool is closed') });
    let server = this.servers.get(origin.key);
    if (!server) this.servers.set(origin.key, (server = new ServerConnections(origin.hostname, origin.port, this.maxSockets)));
    return server.exchange(request, timeoutMs);
  }

  /** Closes every connection; requests in flight fail as transport errors. */
  close(): void {
    this.closed = true;
    for (const server of this.servers.values()) server.close();
    this.servers.clear();
  }
}

interface Waiting {
  readonly request: string;
  readonly settle: (answer: Answer | undefined) => void;
  timer: NodeJS.Timeout | undefined;
  /** The connection carrying it, once sent. */
  connection: Connection | undefined;
  done: boolean;
}

class ServerConnections {
  private readonly idle: Connection[] = [];
  private readonly queue: Waiting[] = [];
  private readonly all = new Set<Connection>();
  private shut = false;

  constructor(
    readonly hostname: string,
    readonly port: number,
    private readonly maxSockets: number,
  ) {}

  exchange(request: string, timeoutMs: number | undefined): Promise<Answer | undefined> {
    return new Promise((settle) => {
      const waiting: Waiting = { request, settle, timer: undefined, connection: undefined, done: false };
      // Rounded up to DEADLINE_STEP_MS: a handful of distinct durations keeps Node's timer lists few and reused.
      if (timeoutMs !== undefined) waiting.timer = setTimeout(() => this.expire(waiting), Math.ceil(timeoutMs / DEADLINE_STEP_MS) * DEADLINE_STEP_MS);
      const connection = this.take();
      if (connection) connection.send(waiting);
      else this.queue.push(waiting);
    });
  }

  /** An idle connection still safe to use, a new one while under the limit, or undefined (the caller queues). */
  private take(): Connection | undefined {
    const now = Date.now();
    for (;;) {
      const connection = this.idle.pop();
      if (!connection) break;
      if (connection.usable(now)) return connection;
      connection.destroy();
    }
    if (this.all.size >= this.maxSockets) return undefined;
    const connection = new Connection(this);
    this.all.add(connection);
    return connection;
  }

  /** A connection finished an exchange and can take another. */
  release(connection: Connection): void {
    const next = this.queue.shift();
    if (next) return connection.send(next);
    connection.idleSince = Date.now();
    this.idle.push(connection);
  }

  /** A connection closed (by either side): it leaves the pool, and a queued request may open another. */
  closed(connection: Connection): void {
    if (!this.all.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.queue.length > 0 && !this.shut) {
      const replacement = this.take();
      if (replacement) replacement.send(this.queue.shift() as Waiting);
    }
  }

  close(): void {
    this.shut = true;
    for (const waiting of this.queue.splice(0)) finish(waiting, { status: 0, noAnswer: false, body: new Error('the connection pool is closed') });
    this.idle.length = 0;
    for (const connection of this.all) connection.destroy();
  }

  /** The deadline passed: the request gives up, and its connection closes (a late answer must not be read as the next request's). */
  private expire(waiting: Waiting): void {
    waiting.timer = undefined;
    const queued = this.queue.indexOf(waiting);
    if (queued >= 0) this.queue.splice(queued, 1);
    finish(waiting, undefined);
    waiting.connection?.destroy();
  }
}

function finish(waiting: Waiting, answer: Answer | undefined): void {
  if (waiting.done) return;
  waiting.done = true;
  if (waiting.timer) clearTimeout(waiting.timer);
  waiting.settle(answer);
}

const CRLF2 = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |\r|$)/;
const NO_ANSWER_NEEDLE = `\r\n${HEADER_NO_ANSWER}:`;
/** Idle time below the server's keep-alive timeout after which a connection is not reused (the server may be closing it). */
const KEEP_ALIVE_MARGIN_MS = 1000;
const DEFAULT_KEEP_ALIVE_MS = 5000;

/** One keep-alive connection and the small response reader for the exchange in flight on it. */
class Connection {
  idleSince = 0;
  private readonly socket: Socket;
  private current: Waiting | undefined;
  private buffered: Buffer | undefined;
  private keepAliveMs = DEFAULT_KEEP_ALIVE_MS;
  private reusable = true;

  constructor(private readonly server: ServerConnections) {
    const socket = connect({ host: server.hostname, port: server.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => this.fail(error));
    socket.on('close', () => {
      this.reusable = false;
      this.fail(new Error('the connection closed before the answer was complete'));
      server.closed(this);
    });
  }

  usable(now: number): boolean {
    return this.reusable && now - this.idleSince < this.keepAliveMs - KEEP_ALIVE_MARGIN_MS;
  }

  send(waiting: Waiting): void {
    this.current = waiting;
    waiting.connection = this;
    this.socket.ref();
    this.socket.write(waiting.request);
  }

  destroy(): void {
    this.reusable = false;
    this.socket.destroy();
  }

  private fail(error: Error): void {
    const waiting = this.current;
    if (!waiting) return;
    this.current = undefined;
    this.buffered = undefined;
    this.reusable = false;
    this.socket.destroy();
    finish(waiting, { status: 0, noAnswer: false, body: error });
  }

  private onData(chunk: Buffer): void {
    const waiting = this.current;
    if (!waiting) {
      // Bytes with no request in flight (a late answer to an abandoned one): the connection cannot be trusted.
      return this.destroy();
    }
    if (waiting.done) {
      // The request gave up at its deadline; whatever comes now belongs to it, not to a next one.
      this.current = undefined;
      return this.destroy();
    }
    const data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    const parsed = readResponse(data);
    if (parsed === 'incomplete') {
      this.buffered = data;
      return;
    }
    this.buffered = undefined;
    if (parsed instanceof Error) return this.fail(parsed);
    this.current = undefined;
    if (parsed.keepAliveMs !== undefined) this.keepAliveMs = parsed.keepAliveMs;
    if (parsed.close || parsed.end < data.length) this.destroy();
    finish(waiting, parsed);
    if (this.reusable) {
      this.socket.unref();
      this.server.release(this);
    }
  }
}

interface Parsed extends Answer {
  /** Bytes of `data` the response took. */
  readonly end: number;
  /** The server closes the connection after this answer. */
  readonly close: boolean;
  /** The server's keep-alive timeout, when it gives one (`Keep-Alive: timeout=5`). */
  readonly keepAliveMs: number | undefined;
}

/**
 * Reads one HTTP/1.1 response from the start of `data`: 'incomplete' until all of it is there, an Error for
 * something that is not an HTTP response. Interim (1xx) responses are skipped. A body is delimited by
 * Content-Length or chunked transfer coding; one delimited by neither (read until the connection closes) is
 * refused as a transport error: the mocks always send Content-Length.
 */
function readResponse(data: Buffer): Parsed | 'incomplete' | Error {
  let start = 0;
  for (;;) {
    const headEnd = data.indexOf(CRLF2, start);
    if (headEnd < 0) return data.length - start > 64 * 1024 ? new Error('the answer headers are larger than 64 KiB') : 'incomplete';
    const head = data.toString('latin1', start, headEnd);
    const statusLine = STATUS_LINE.exec(head);
    if (!statusLine) return new Error(`not an HTTP/1.x answer: ${JSON.stringify(head.slice(0, 40))}`);
    const status = Number(statusLine[2]);
    // Names matched in one lower-cased copy of the head (the first of a repeated header counts).
    const lower = head.toLowerCase();
    const lengthText = headerValue(head, lower, '\r\ncontent-length:');
    const contentLength = lengthText === undefined ? -1 : /^\d+$/.test(lengthText) ? Number(lengthText) : -2;
    const chunked = /(^|,)\s*chunked\s*$/.test(headerValue(head, lower, '\r\ntransfer-encoding:')?.toLowerCase() ?? '');
    const connection = headerValue(head, lower, '\r\nconnection:')?.toLowerCase();
    // HTTP/1.0 closes unless it says keep-alive; HTTP/1.1 keeps the connection unless it says close.
    const close = connection === undefined ? statusLine[1] === '0' : /(^|,)\s*close\s*(,|$)/.test(connection) || (statusLine[1] === '0' && !connection.includes('keep-alive'));
    const noAnswer = lower.includes(NO_ANSWER_NEEDLE);
    const timeout = /timeout=(\d+)/.exec(headerValue(head, lower, '\r\nkeep-alive:')?.toLowerCase() ?? '');
    const keepAliveMs = timeout ? Number(timeout[1]) * 1000 : undefined;
    const bodyStart = headEnd + 4;
    if (status < 200 && status !== 101) {
      start = bodyStart;
      continue;
    }
    if (contentLength === -2) return new Error('the answer has an invalid Content-Length');
    let body: string;
    let end: number;
    if (status === 204 || status === 304 || status === 101) {
      body = '';
      end = bodyStart;
    } else if (chunked) {
      const decoded = readChunked(data, bodyStart);
      if (decoded === 'incomplete' || decoded instanceof Error) return decoded;
      body = decoded.body;
      end = decoded.end;
    } else if (contentLength >= 0) {
      end = bodyStart + contentLength;
      if (data.length < end) return 'incomplete';
      body = data.toString('utf8', bodyStart, end);
    } else {
      return new Error('the answer has neither Content-Length nor chunked coding');
    }
    return { status, noAnswer, body, end, close, keepAliveMs };
  }
}

/** The value of a header in a response head, trimmed; `needle` is `\r\n<name>:` in lower case, `lower` the head lower-cased. */
function headerValue(head: string, lower: string, needle: string): string | undefined {
  const at = lower.indexOf(needle);
  if (at < 0) return undefined;
  const from = at + needle.length;
  const eol = head.indexOf('\r\n', from);
  return head.slice(from, eol < 0 ? head.length : eol).trim();
}

function readChunked(data: Buffer, from: number): { body: string; end: number } | 'incomplete' | Error {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return 'incomplete';
    const sizeText = (data.toString('latin1', at, lineEnd).split(';')[0] as string).trim();
    const size = /^[0-9a-f]{1,8}$/i.test(sizeText) ? parseInt(sizeText, 16) : -1;
    if (size < 0) return new Error('the answer has a malformed chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers, if any, end with an empty line.
      for (;;) {
        const trailerEnd = data.indexOf('\r\n', at, 'latin1');
        if (trailerEnd < 0) return 'incomplete';
        const empty = trailerEnd === at;
        at = trailerEnd + 2;
        if (empty) return { body: Buffer.concat(parts).toString('utf8'), end: at };
      }
    }
    if (data.length < at + size + 2) return 'incomplete';
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}
