import { expect, test } from '@playwright/test';
import { admin, apiEnv, clearFaults, expectProblem } from './support';

const rule = { operation: 'UpdateLocation', action: 'error', error: 'systemFailure', count: 1 };

test.describe('admin endpoint: bearer token', () => {
  test.afterEach(async ({ request }) => clearFaults(request));

  test('without a token every admin route answers 401 with a Bearer challenge', async ({ request }) => {
    const { hlr } = apiEnv();
    for (const response of [
      await request.post(`${hlr}/admin/faults`, { data: rule }),
      await request.delete(`${hlr}/admin/faults`),
      await request.post(`${hlr}/admin/subscribers`, { data: { home: '234-15' } }),
      await request.post(`${hlr}/admin/unknown`, { data: {} }),
    ]) {
      await expectProblem(response, 401);
      expect(response.headers()['www-authenticate']).toContain('Bearer');
    }
  });

  test('a wrong token, another scheme or a token with a suffix is 401', async ({ request }) => {
    const { hlr, token } = apiEnv();
    for (const authorization of ['Bearer wrong', `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, 'Bearer']) {
      await expectProblem(await request.post(`${hlr}/admin/faults`, { headers: { authorization }, data: rule }), 401);
    }
  });

  test('with the token a fault rule is set (204) and cleared (204)', async ({ request }) => {
    const { hlr } = apiEnv();
    const set = await request.post(`${hlr}/admin/faults`, { headers: admin(), data: rule });
    expect(set.status()).toBe(204);
    expect(await set.text()).toBe('');
    expect((await request.delete(`${hlr}/admin/faults`, { headers: admin() })).status()).toBe(204);
  });

  test('GET /admin/faults lists the rules in force, needs the token, and is empty after DELETE', async ({ request }) => {
    const { hlr } = apiEnv();
    expect((await request.post(`${hlr}/admin/faults`, { headers: admin(), data: { ...rule, count: undefined, percent: 25 } })).status()).toBe(204);
    const listed = await request.get(`${hlr}/admin/faults`, { headers: admin() });
    expect(listed.status()).toBe(200);
    expect(await listed.json()).toEqual({ rules: [{ procedures: ['UpdateLocation', 'Update-Location'], action: 'error', error: 'systemFailure', percent: 25 }] });
    await expectProblem(await request.get(`${hlr}/admin/faults`), 401);
    expect((await request.delete(`${hlr}/admin/faults`, { headers: admin() })).status()).toBe(204);
    expect(await (await request.get(`${hlr}/admin/faults`, { headers: admin() })).json()).toEqual({ rules: [] });
  });

  test('subscribers are provisioned (201) with identities, never keys', async ({ request }) => {
    const response = await request.post(`${apiEnv().hlr}/admin/subscribers`, { headers: admin(), data: { home: '262-01', count: 3, profile: 'business', from: 40 } });
    expect(response.status()).toBe(201);
    const { subscribers } = (await response.json()) as { subscribers: Array<Record<string, unknown>> };
    expect(subscribers).toHaveLength(3);
    for (const subscriber of subscribers) {
      expect(Object.keys(subscriber).sort()).toEqual(['homePlmn', 'imsi', 'index', 'msisdn', 'profile']);
      expect(subscriber).toMatchObject({ homePlmn: '262-01', profile: 'business', imsi: expect.stringMatching(/^26201\d{10}$/) });
    }
  });

  test('unknown admin routes are 404, wrong methods 405, and the VLR/MME has no admin endpoint', async ({ request }) => {
    const { hlr, vlr } = apiEnv();
    await expectProblem(await request.post(`${hlr}/admin/unknown`, { headers: admin(), data: {} }), 404);
    const put = await request.put(`${hlr}/admin/faults`, { headers: admin(), data: rule });
    await expectProblem(put, 405);
    expect(put.headers().allow).toBe('GET, POST, DELETE');
    await expectProblem(await request.post(`${vlr}/admin/faults`, { headers: admin(), data: rule }), 404);
  });
});
