import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireAdminTokenFor } from '../src/config/admin-token';
import type { RoamingConfig } from '../src/config/load';
import { InputError } from '../src/errors';
import { parseErrorName } from '../src/protocol/codes';
import { formatPlmn, parsePlmn } from '../src/protocol/plmn';
import { type Clock, RealClock } from '../src/roaming/clock';
import { EventBus } from '../src/roaming/events';
import { type ElementKind, HEADER_SCENARIO, HttpPool, HttpTransport, type Transport } from '../src/roaming/transport';
import { type FaultAction, parseOperation } from './faults';
import { HTTP_LIMITS, answerClientError, isJsonContentType, jsonDepthExceeds, problemBody } from './http-limits';
import { type NetworkFor, type RequestHeaders, type Translated, translate } from './http-translate';
import { type NetworkOptions, MockNetwork } from './network';
import { OPERATIONS } from './routes';

export const ELEMENTS: readonly ElementKind[] = ['hlr-hss', 'vlr-mme'];
export const ELEMENT_NAMES: Readonly<Record<ElementKind, string>> = { 'hlr-hss': 'HLR/HSS', 'vlr-mme': 'VLR/MME' };

export type LiveUrls = Readonly<Record<ElementKind, string>>;

export interface LiveMocks {
  /** Base URL of each element's server, with the port actually bound (`http://127.0.0.1:7401`). */
  readonly urls: LiveUrls;
  /** Readiness goes false, then both servers stop and drop their connections. Safe to call twice. */
  close(): Promise<void>;
}

export interface LiveMocksOptions {
  readonly config: RoamingConfig;
  /** The network that serves a request, from its headers (admin requests included); undefined answers 503. */
  readonly networkFor: NetworkFor;
  /** Defaults to `endpoints.host` (127.0.0.1 unless configured). */
  readonly host?: string;
  /** Per element; defaults to `endpoints.hlr_hss_port` / `vlr_mme_port`; 0 picks a free port. */
  readonly ports?: Partial<Record<ElementKind, number>>;
  /** Sees every answered request (metrics). */
  readonly onRequest?: (info: { element: ElementKind; method: string; route: string; status: number }) => void;
  /** Sees every admin change that succeeded (the audit trail of `roamsim mocks`). */
  readonly onAdmin?: (info: { method: string; path: string; status: number; client: string; rules: number }) => void;
}

const { maxBodyBytes: MAX_BODY, maxJsonDepth: MAX_DEPTH } = HTTP_LIMITS;

/**
 * The HLR/HSS and the VLR/MME as two real HTTP servers (node:http, no framework). Element requests are
 * answered by the same HTTP translation as intercept mode's MSW handlers (mocks/http-translate.ts), called
 * straight from the node:http request handler: no fetch Request/Response objects per request. Each server
 * also answers `GET /health` (liveness) and `GET /ready` (readiness); the HLR/HSS server carries the admin
 * endpoint (fault rules and subscriber provisioning) behind `Authorization: Bearer <ROAMSIM_ADMIN_TOKEN>`.
 * Every refusal is an application/problem+json answer naming the field; nothing a client sends makes a
 * server fail.
 */
export async function startLiveMocks(options: LiveMocksOptions): Promise<LiveMocks> {
  const { urls, close } = await startElementMocks(options, ELEMENTS);
  return { urls: urls as LiveUrls, close };
}

/**
 * Some of the elements' servers (a live load run serves the HLR/HSS on its own thread and the VLR/MME from a
 * worker thread, each answered by that thread's network). `urls` has the started elements.
 */
export async function startElementMocks(options: LiveMocksOptions, elements: readonly ElementKind[]): Promise<{ urls: Partial<LiveUrls>; close(): Promise<void> }> {
  const { config } = options;
  const host = options.host ?? config.endpoints.host;
  // The HLR/HSS server carries the admin endpoint: off loopback its token must be a secret of its own.
  if (elements.includes('hlr-hss')) requireAdminTokenFor(host, config.secrets.adminToken, options.host === undefined ? 'endpoints.host (ROAMSIM_MOCK_HOST)' : 'the host');
  const state = { ready: false };
  const servers: Array<{ element: ElementKind; server: Server }> = [];
  const urls: Partial<Record<ElementKind, string>> = {};
  try {
    for (const element of elements) {
      const configured = element === 'hlr-hss' ? config.endpoints.hlrHssPort : config.endpoints.vlrMmePort;
      const port = options.ports?.[element] ?? configured;
      const server = createServer({ maxHeaderSize: HTTP_LIMITS.maxHeaderBytes });
      // Requests Node's parser refuses never reach the handler: they get problem+json too, not a bare 400.
      server.on('clientError', answerClientError);
      // Keep-alive sockets must not hold the process open after close().
      server.keepAliveTimeout = 5_000;
      await listen(server, port, host, element);
      const bound = (server.address() as AddressInfo).port;
      urls[element] = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      server.on('request', requestListener(element, state, options));
      servers.push({ element, server });
    }
  } catch (error) {
    await Promise.all(servers.map(({ server }) => stop(server)));
    throw error;
  }
  state.ready = true;
  let closing: Promise<void> | undefined;
  return {
    urls,
    close: () => {
      state.ready = false;
      return (closing ??= Promise.all(servers.map(({ server }) => stop(server))).then(() => undefined));
    },
  };
}

function listen(server: Server, port: number, host: string, element: ElementKind): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new Error(`cannot start the ${ELEMENT_NAMES[element]} mock on ${host}:${port}: ${reason}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function requestListener(element: ElementKind, state: { ready: boolean }, options: LiveMocksOptions) {
  const prefix = `/${element}/`;
  const { networkFor, onRequest } = options;

  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = pathOf(req.url);
    if (onRequest) res.on('finish', () => onRequest({ element, method, route: routeLabel(element, path), status: res.statusCode }));
    const fail = (error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof URIError) return sendProblem(res, 400, 'malformed request path', 'the path is not valid percent-encoding', '(path)');
      sendProblem(res, 500, 'internal error', `the ${ELEMENT_NAMES[element]} mock failed: ${String((error as Error)?.message ?? error)}`);
    };
    try {
      if (path.startsWith(prefix)) {
        // `/<element>/<plmn>/<operation…>`: both parts percent-decoded, as the MSW route `/<element>/:plmn/*` does.
        const rest = path.slice(prefix.length);
        const slash = rest.indexOf('/');
        const plmn = slash > 0 ? decoded(rest.slice(0, slash)) : undefined;
        const operation = slash > 0 ? decoded(rest.slice(slash + 1)) : '';
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        if (plmn === undefined) return sendProblem(res, 404, 'no such operation', `${path} is not an operation of the ${ELEMENT_NAMES[element]}`);
        if (!isJsonContentType(req.headers['content-type'])) return unsupportedMediaType(req, res);
        return readBody(req, MAX_BODY, (text) => {
          if (text === undefined) return tooLarge(res);
          translate(networkFor, element, plmn, operation, new NodeRequestHeaders(req.headers), text).then((answer) => send(res, answer), fail);
        });
      }
      if (path === '/health') return void (isRead(method) ? sendJson(res, 200, { status: 'ok', element }) : methodNotAllowed(res, 'GET, HEAD'));
      if (path === '/ready') {
        if (!isRead(method)) return methodNotAllowed(res, 'GET, HEAD');
        return sendJson(res, state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'stopping', element });
      }
      if (path.startsWith('/admin/') || path === '/admin') {
        if (element !== 'hlr-hss') return sendProblem(res, 404, 'no such endpoint', 'the admin endpoint is on the HLR/HSS server');
        return void admin(req, res, path, options).catch(fail);
      }
      sendProblem(res, 404, 'no such endpoint', `this is the ${ELEMENT_NAMES[element]} mock: POST /${element}/<plmn>/<operation>, GET /health, GET /ready`);
    } catch (error) {
      fail(error);
    }
  };
}

/** A path segment, percent-decoded (a URIError for malformed percent-encoding answers 400 `(path)`). */
function decoded(segment: string): string {
  return segment.includes('%') ? decodeURIComponent(segment) : segment;
}

/** Reads a request body as UTF-8 text (a leading BOM dropped, as fetch's text() does); undefined when over `limit`. */
function readBody(req: IncomingMessage, limit: number, done: (text: string | undefined) => void): void {
  // A client that goes away mid-body: nothing to answer, and the error must not reach the process.
  req.on('error', () => undefined);
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      first = undefined;
      more = undefined;
      return done(undefined);
    }
    if (!first) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (over) return;
    const text = more ? Buffer.concat(more).toString('utf8') : first ? first.toString('utf8') : '';
    done(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
}

/** node:http's header object seen through fetch's `Headers.get` (repeated headers joined with ", "). */
class NodeRequestHeaders implements RequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

function send(res: ServerResponse, answer: Translated): void {
  const headers: string[] = [];
  for (const name in answer.headers) headers.push(name, answer.headers[name] as string);
  headers.push('content-length', answer.body === null ? '0' : String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, headers);
  if (answer.body === null) res.end();
  else res.end(answer.body);
}

// ---------------------------------------------------------------------------------------------------------
// Admin endpoint (HLR/HSS server): fault rules and subscriber provisioning.

class AdminProblem extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    readonly detail: string,
    readonly title = 'malformed request body',
  ) {
    super(detail);
  }
}

async function admin(req: IncomingMessage, res: ServerResponse, path: string, options: LiveMocksOptions): Promise<void> {
  if (!authorised(req.headers.authorization, options.config.secrets.adminToken)) {
    res.setHeader('www-authenticate', 'Bearer realm="roamsim-admin"');
    return sendProblem(res, 401, 'unauthorised', 'the admin endpoint needs Authorization: Bearer <ROAMSIM_ADMIN_TOKEN>');
  }
  const method = req.method ?? 'GET';
  const routes: Record<string, Record<string, (body: () => Promise<unknown>, network: MockNetwork) => Promise<void> | void>> = {
    '/admin/faults': {
      GET: (_body, network) => sendJson(res, 200, { rules: network.faults.list() }),
      POST: async (body, network) => {
        const rule = readFaultRule(await body());
        network.faults.add(rule.procedures, rule.action, rule.options);
        res.writeHead(204).end();
      },
      DELETE: (_body, network) => {
        network.faults.clear();
        res.writeHead(204).end();
      },
    },
    '/admin/subscribers': {
      POST: async (body, network) => sendJson(res, 201, { subscribers: provision(network, await body()) }),
    },
  };
  const route = routes[path];
  if (!route) return sendProblem(res, 404, 'no such endpoint', 'admin endpoints: GET|POST|DELETE /admin/faults, POST /admin/subscribers');
  const handle = route[method];
  if (!handle) return methodNotAllowed(res, Object.keys(route).join(', '));
  if (method === 'POST' && !isJsonContentType(req.headers['content-type'])) return unsupportedMediaType(req, res);
  const network = options.networkFor(new NodeRequestHeaders(req.headers));
  if (!network) return sendProblem(res, 503, 'no scenario network', 'no network is provisioned for this request');
  try {
    await handle(() => readJson(req), network);
    if (method !== 'GET') options.onAdmin?.({ method, path, status: res.statusCode, client: req.socket.remoteAddress ?? '', rules: network.faults.list().length });
  } catch (error) {
    if (error instanceof AdminProblem) {
      if (error.status === 413) return tooLarge(res);
      return sendProblem(res, error.status, error.title, error.detail, error.field);
    }
    throw error;
  }
}

/** Constant-time: both sides are hashed to 32 bytes first, so neither length nor content leaks by timing. */
function authorised(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null && token.length > 0;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new AdminProblem(413, '(body)', `the body is larger than ${MAX_BODY} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (jsonDepthExceeds(text, MAX_DEPTH)) {
        return reject(new AdminProblem(400, '(body)', `the body nests objects or arrays deeper than ${MAX_DEPTH} levels (the limit)`, 'request body nested too deep'));
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new AdminProblem(400, '(body)', 'the body is not valid JSON'));
      }
    });
  });
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AdminProblem(400, '(body)', `${shown(body)}: expected a JSON object`);
  return body as Record<string, unknown>;
}

function field<T>(body: Record<string, unknown>, name: string, read: (value: unknown) => T | undefined, expected: string, required = true): T | undefined {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  const result = value === undefined ? undefined : read(value);
  if (result === undefined) throw new AdminProblem(400, name, `${shown(value)}: expected ${expected}`);
  return result;
}

const str = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const wholeNumber = (min: number, max: number) => (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined);
const numberIn = (min: number, max: number) => (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined);

/**
 * `{"operation": "UpdateLocation", "action": "error", "error": "systemFailure", "count": 2}`;
 * `action` is `error` (with `error`), `no-answer` or `delay` (with `ms`); `count` or `percent` limit it.
 */
export function readFaultRule(input: unknown): { procedures: ReturnType<typeof parseOperation>; action: FaultAction; options: { count?: number; percent?: number } } {
  const body = objectBody(input);
  const operationName = field(body, 'operation', str, 'an HLR/HSS operation (UpdateLocation, SendAuthenticationInfo, PurgeMS, ULR, AIR, PUR, …)') as string;
  const procedures = userInput('operation', () => parseOperation(operationName, 'operation'));
  const kind = field(body, 'action', (v) => (v === 'error' || v === 'no-answer' || v === 'delay' ? v : undefined), '"error", "no-answer" or "delay"');
  let action: FaultAction;
  if (kind === 'error') {
    const name = field(body, 'error', str, 'an error name (systemFailure, roamingNotAllowed, DIAMETER_TOO_BUSY, …)') as string;
    const error = userInput('error', () => parseErrorName(name, 'error'));
    if (error.kind === 'local') throw new AdminProblem(400, 'error', `${shown(name)}: expected an error the HLR/HSS answers with; for silence use "action": "no-answer"`);
    action = { kind: 'error', error };
  } else if (kind === 'delay') {
    action = { kind: 'delay', ms: field(body, 'ms', wholeNumber(0, 600_000), 'a delay in ms from 0 to 600000') as number };
  } else {
    action = { kind: 'no-answer' };
  }
  const count = field(body, 'count', wholeNumber(0, 1_000_000), 'a whole number of requests, 0 or more', false);
  const percent = field(body, 'percent', numberIn(0, 100), 'a percentage from 0 to 100', false);
  if (count !== undefined && percent !== undefined) throw new AdminProblem(400, 'percent', 'give either count or percent, not both');
  return { procedures, action, options: { ...(count === undefined ? {} : { count }), ...(percent === undefined ? {} : { percent }) } };
}

/** `{"home": "234-15", "count": 3, "profile": "postpaid", "from": 0}` → the provisioned identities (never keys). */
function provision(network: MockNetwork, input: unknown) {
  const body = objectBody(input);
  const homeText = field(body, 'home', str, 'a home PLMN as "MCC-MNC", e.g. "234-15"') as string;
  const home = userInput('home', () => formatPlmn(parsePlmn(homeText, 'home')));
  const count = field(body, 'count', wholeNumber(1, 1000), 'a whole number from 1 to 1000', false) ?? 1;
  const profile = field(body, 'profile', str, 'a subscriber profile name', false) ?? 'postpaid';
  userInput('profile', () => network.requireProfile(profile, 'profile'));
  const generator = network.generator(home);
  const first = field(body, 'from', wholeNumber(0, Number.MAX_SAFE_INTEGER), 'a subscriber index, 0 or more', false) ?? 0;
  if (first + count > generator.capacity) throw new AdminProblem(400, 'from', `${first}: expected an index below ${generator.capacity - count + 1} (the home network has ${generator.capacity} subscribers)`);
  const out = [];
  for (let index = first; index < first + count; index++) {
    const identity = { ...generator.identity(index), profile };
    if (!network.store.record(identity.imsi)) network.store.add(identity);
    out.push({ index, imsi: identity.imsi, msisdn: identity.msisdn, homePlmn: identity.homePlmn, profile });
  }
  return out;
}

function userInput<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError) throw new AdminProblem(400, name, error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Readiness probe.

/**
 * Polls `GET <url>/ready` on every element until each answers 200, within `timeoutMs` overall. On timeout
 * the error names the element, the URL and the last thing seen.
 */
export async function waitForReady(urls: LiveUrls, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const element of ELEMENTS) {
    const url = `${urls[element]}/ready`;
    let last = 'no answer yet';
    for (;;) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(50, Math.min(1000, deadline - Date.now()))) });
        await response.body?.cancel();
        if (response.status === 200) break;
        last = `HTTP ${response.status}`;
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string } }).cause;
        last = cause?.code ?? (error as Error).message;
      }
      if (Date.now() >= deadline) {
        throw new Error(`the ${ELEMENT_NAMES[element]} mock at ${url} was not ready within ${timeoutMs} ms (endpoints.ready_timeout_ms); last: ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(1, deadline - Date.now()))));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Standalone mocks (`roamsim mocks`) and the feature suite in live mode.

/** The standalone mocks' own network: built from config, on the real clock, subscribers provisioned by admin. */
export function standaloneNetwork(config: RoamingConfig, bus = new EventBus(), clock: Clock = new RealClock(), limits: { maxElements?: number; transport?: NetworkOptions['transport'] } = {}): MockNetwork {
  return new MockNetwork({ config, seed: config.seed, clock, bus, ...limits });
}

/**
 * Scenario networks of the feature suite in live mode: a request names its scenario in `x-roamsim-scenario`
 * (the transports send it), and is served by that scenario's network, so Then steps inspect the state the
 * real HTTP exchanges changed. Without the header, the only registered network serves it.
 */
export class ScenarioNetworks {
  private readonly networks = new Map<string, MockNetwork>();

  register(network: MockNetwork): void {
    this.networks.set(network.options.scenario ?? '', network);
  }

  unregister(network: MockNetwork): void {
    const name = network.options.scenario ?? '';
    if (this.networks.get(name) === network) this.networks.delete(name);
  }

  readonly networkFor = (headers: RequestHeaders): MockNetwork | undefined => {
    const header = headers.get(HEADER_SCENARIO);
    if (header === null) return this.networks.size === 1 ? [...this.networks.values()][0] : undefined;
    try {
      return this.networks.get(decodeURIComponent(header));
    } catch {
      return undefined;
    }
  };
}

/**
 * The feature suite's live servers (started before the first scenario in live mode) and the scenario
 * networks they serve: one object per run, owned by the embedded element provider the run built.
 */
export class LiveSuite {
  mocks?: LiveMocks;
  readonly networks = new ScenarioNetworks();
  private pool?: { mocks: LiveMocks; pool: HttpPool };

  /** One keep-alive pool for the suite's servers, shared by every scenario's transport. */
  poolFor(mocks: LiveMocks): HttpPool {
    if (this.pool?.mocks !== mocks) {
      this.pool?.pool.close();
      this.pool = { mocks, pool: new HttpPool() };
    }
    return this.pool.pool;
  }

  close(): void {
    this.pool?.pool.close();
    this.pool = undefined;
  }
}

/** The World's transport in live mode: real HTTP to the suite's servers, answered by the scenario's network. */
export function liveTransport(suite: LiveSuite): (network: MockNetwork) => Transport {
  return (network) => {
    const mocks = suite.mocks;
    if (!mocks) throw new Error('live mode: the live mocks are not running (support/live-hook.ts starts them before the first scenario)');
    suite.networks.register(network);
    // Idle connections do not hold the process open, and closing the servers drops them.
    return new HttpTransport('live', (element) => mocks.urls[element], network.clock.simulated ? undefined : network.clock, { pool: suite.poolFor(mocks) });
  };
}

// ---------------------------------------------------------------------------------------------------------
// Small HTTP helpers.

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  const path = query < 0 ? raw : raw.slice(0, query);
  return path.startsWith('/') ? path : `/${path}`;
}

/** A bounded label for metrics: the operation without the PLMN, or `other` (clients choose paths). */
function routeLabel(element: ElementKind, path: string): string {
  if (path === '/health' || path === '/ready' || path === '/admin/faults' || path === '/admin/subscribers') return path;
  const operation = path.split('/').slice(3).join('/');
  return path.startsWith(`/${element}/`) && OPERATIONS[element][operation] ? `/${element}/<plmn>/${operation}` : 'other';
}

function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string, field?: string): void {
  const text = problemBody(status, title, detail, field);
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function tooLarge(res: ServerResponse): void {
  sendProblem(res, 413, 'request body too large', `the body is larger than ${MAX_BODY} bytes (the limit)`, '(body)');
}

/** Only JSON is accepted: a browser page can POST text/plain or a form across origins without a preflight. */
function unsupportedMediaType(req: IncomingMessage, res: ServerResponse): void {
  req.on('error', () => undefined);
  req.resume();
  res.setHeader('accept-post', 'application/json');
  const given = req.headers['content-type'];
  sendProblem(res, 415, 'unsupported media type', `${given === undefined ? 'no content-type' : `content-type ${JSON.stringify(given.slice(0, 60))}`}: POST bodies must be content-type: application/json`, 'content-type');
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendProblem(res, 405, 'method not allowed', `use ${allow}`);
}

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return `${text === undefined ? String(value) : text.slice(0, 60)} is not valid`;
}
