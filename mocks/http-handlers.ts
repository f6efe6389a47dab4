import { http, HttpResponse, type HttpHandler } from 'msw';
import type { ElementKind } from '../src/roaming/transport';
import { type NetworkFor, type Translated, translate } from './http-translate';
import { OPERATIONS } from './routes';

/**
 * The elements as MSW request handlers, for `intercept` (MSW answers fetch in process). The HTTP translation
 * itself is mocks/http-translate.ts, which the live servers (mocks/live-server.ts) call as well: JSON in, the
 * element's answer out, a 400 application/problem+json for a malformed body or header, a 504 marked
 * "no answer" when the element stays silent on a simulated clock.
 */
export function elementHandlers(baseUrl: (element: ElementKind) => string, networkFor: NetworkFor): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  for (const element of Object.keys(OPERATIONS) as ElementKind[]) {
    handlers.push(
      http.post(`${baseUrl(element)}/${element}/:plmn/*`, async ({ request, params }) =>
        toResponse(await translate(networkFor, element, String(params.plmn), String(params[0] ?? ''), request.headers, await request.text(), request.signal)),
      ),
    );
  }
  return handlers;
}

function toResponse(answer: Translated): Response {
  return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
}
