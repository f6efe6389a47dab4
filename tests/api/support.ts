import { type APIRequestContext, type APIResponse, expect } from '@playwright/test';
import { apiEnv } from './global-setup';

export { apiEnv };

/** Fictitious node addresses the requests carry (a German VLR global title, an MME identity). */
export const VLR_NUMBER = '4917000000001';
export const MME_HOST = 'mme.epc.mnc001.mcc262.3gppnetwork.org';

export function admin(): Record<string, string> {
  return { authorization: `Bearer ${apiEnv().token}` };
}

export interface Provisioned {
  readonly index: number;
  readonly imsi: string;
  readonly msisdn: string;
  readonly homePlmn: string;
  readonly profile: string;
}

/** Provisions subscriber `index` of a home network through the admin endpoint (idempotent). */
export async function provision(request: APIRequestContext, home: string, index: number): Promise<Provisioned> {
  const response = await request.post(`${apiEnv().hlr}/admin/subscribers`, { headers: admin(), data: { home, from: index, count: 1 } });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { subscribers: Provisioned[] };
  return body.subscribers[0];
}

export async function clearFaults(request: APIRequestContext): Promise<void> {
  const response = await request.delete(`${apiEnv().hlr}/admin/faults`, { headers: admin() });
  expect(response.status()).toBe(204);
}

export async function addFault(request: APIRequestContext, rule: Record<string, unknown>): Promise<void> {
  const response = await request.post(`${apiEnv().hlr}/admin/faults`, { headers: admin(), data: rule });
  expect(response.status(), await response.text()).toBe(204);
}

/** An element's answer: 200 with `{ result }` or `{ error }` (a protocol error is a valid answer). */
export async function answer(response: APIResponse): Promise<{ result?: Record<string, unknown>; error?: { kind: string; name: string; code?: number } }> {
  expect(response.status(), await response.text()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/json');
  return response.json();
}

/** An RFC 9457 problem answer with the status and, when given, the field it names. */
export async function expectProblem(response: APIResponse, status: number, field?: string): Promise<{ title: string; detail: string; field?: string }> {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()['content-type']).toBe('application/problem+json');
  const problem = (await response.json()) as { type: string; title: string; status: number; detail: string; field?: string };
  expect(problem.status).toBe(status);
  expect(problem.title.length).toBeGreaterThan(0);
  if (field !== undefined) expect(problem.field).toBe(field);
  return problem;
}
