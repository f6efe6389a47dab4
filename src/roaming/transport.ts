/**
 * How a request reaches a network element. Three interchangeable modes behind one interface:
 * `direct` calls the element's handler function, `intercept` goes through fetch and MSW in process, `live`
 * goes over real HTTP to `roamsim mocks`. The mode comes from config (ROAMSIM_MODE), never from the engine.
 */
export type TransportMode = 'direct' | 'intercept' | 'live';
export const TRANSPORT_MODES: readonly TransportMode[] = ['direct', 'intercept', 'live'];

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
 * fetch-based transport for `intercept` (MSW answers in process) and `live` (a real server answers).
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
    const text = await response.text();
    if (!response.ok) {
      // A 4xx/5xx from a mock is a contract problem (the engine sent what the element does not accept).
      throw new Error(`POST ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
    }
    return { kind: 'answer', body: JSON.parse(text) as unknown };
  }
}
