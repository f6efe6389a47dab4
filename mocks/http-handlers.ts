import { http, HttpResponse, type HttpHandler } from 'msw';
import { HEADER_DEADLINE, HEADER_NO_ANSWER, HEADER_TRANSACTION, type ElementKind } from '../src/roaming/transport';
import type { MockNetwork } from './network';
import { OPERATIONS } from './routes';

/**
 * The elements as MSW request handlers: in process for `intercept`, behind a real HTTP server for `live`
 * (the same handlers). The HTTP layer only translates: JSON in, the element's answer out, a 400
 * application/problem+json for a malformed body, a 504 marked "no answer" when the element stays silent on
 * a simulated clock.
 */
export function elementHandlers(baseUrl: (element: ElementKind) => string, networkFor: (request: Request) => MockNetwork | undefined): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  for (const element of Object.keys(OPERATIONS) as ElementKind[]) {
    handlers.push(
      http.post(`${baseUrl(element)}/${element}/:plmn/*`, async ({ request, params }) => {
        const network = networkFor(request);
        if (!network) return problemResponse(503, 'no scenario network', 'no network is provisioned for this request');
        const operation = String(params[0] ?? '');
        let body: unknown;
        try {
          body = await request.json();
        } catch {
          return problemResponse(400, 'malformed request body', 'the body is not valid JSON', '(body)');
        }
        const clock = network.clock;
        const deadline = headerNumber(request, HEADER_DEADLINE, clock.now() + network.config.retry.requestTimeoutMs);
        const transactionId = headerNumber(request, HEADER_TRANSACTION, 0);
        if (deadline === undefined) return problemResponse(400, 'malformed request header', `${HEADER_DEADLINE} must be a time in ms since the epoch`, HEADER_DEADLINE);
        if (transactionId === undefined) return problemResponse(400, 'malformed request header', `${HEADER_TRANSACTION} must be a whole number`, HEADER_TRANSACTION);
        const dispatched = await network.dispatch({ element, plmn: String(params.plmn), operation }, body, { deadline, transactionId }, request.signal);
        if (dispatched.status === 'no-answer') return new HttpResponse(null, { status: 504, headers: { [HEADER_NO_ANSWER]: '1' } });
        if (dispatched.status !== 200) return problemResponse(dispatched.status, dispatched.problem.title, dispatched.problem.detail, dispatched.problem.field);
        return HttpResponse.json(dispatched.body);
      }),
    );
  }
  return handlers;
}

/** A numeric header: the fallback when absent, undefined when present but not a whole number. */
function headerNumber(request: Request, name: string, fallback: number): number | undefined {
  const text = request.headers.get(name);
  if (text === null) return fallback;
  return /^\d{1,16}$/.test(text.trim()) ? Number(text) : undefined;
}

export function problemResponse(status: number, title: string, detail: string, field?: string): Response {
  return new HttpResponse(JSON.stringify({ type: 'about:blank', title, status, detail, ...(field ? { field } : {}) }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
