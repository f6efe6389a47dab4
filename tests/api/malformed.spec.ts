import { expect, test } from '@playwright/test';
import { admin, apiEnv, clearFaults, expectProblem, provision } from './support';

const hlr = (path: string) => `${apiEnv().hlr}/hlr-hss/234-15/${path}`;
const json = { 'content-type': 'application/json' };
/** Raw bytes: Playwright would JSON-encode a string body. */
const raw = (text: string) => Buffer.from(text, 'utf8');

test.describe('malformed element requests get 400 application/problem+json naming the field', () => {
  test('a body that is not JSON', async ({ request }) => {
    const problem = await expectProblem(await request.post(hlr('map/update-location'), { headers: json, data: raw('{"imsi": "2341') }), 400, '(body)');
    expect(problem.detail).toContain('not valid JSON');
  });

  test('a JSON value that is not an object', async ({ request }) => {
    await expectProblem(await request.post(hlr('map/purge-ms'), { headers: json, data: raw('[1, 2]') }), 400, '(body)');
    await expectProblem(await request.post(`${apiEnv().vlr}/vlr-mme/262-01/ue/detach`, { headers: json, data: raw('null') }), 400, '(body)');
  });

  test('a field of the wrong type, a missing field, a value out of range', async ({ request }) => {
    const { imsi } = await provision(request, '234-15', 200);
    const typed = await expectProblem(await request.post(hlr('map/send-authentication-info'), { data: { imsi: Number(imsi), numberOfRequestedVectors: 1, rat: 'GSM' } }), 400, 'imsi');
    expect(typed.detail).toContain(imsi);
    await expectProblem(await request.post(hlr('map/send-authentication-info'), { data: { imsi, rat: 'GSM' } }), 400, 'numberOfRequestedVectors');
    await expectProblem(await request.post(hlr('map/send-authentication-info'), { data: { imsi, numberOfRequestedVectors: 9, rat: 'GSM' } }), 400, 'numberOfRequestedVectors');
    await expectProblem(await request.post(hlr('map/update-location'), { data: { imsi, mscNumber: 'x', vlrNumber: '4917000000001', visitedPlmn: '262-01', rat: 'GSM' } }), 400, 'mscNumber');
    await expectProblem(await request.post(hlr('map/update-location'), { data: { imsi, mscNumber: '4917000000001', vlrNumber: '4917000000001', visitedPlmn: '26201', rat: 'GSM' } }), 400, 'visitedPlmn');
    await expectProblem(await request.post(`${apiEnv().vlr}/vlr-mme/262-01/ue/attach`, { data: { imsi, homePlmn: '234-15', rat: '5G' } }), 400, 'rat');
  });

  test('hostile bodies: not JSON by content-type (415), nested past the limit (400), over the size limit (413)', async ({ request }) => {
    const plain = await expectProblem(await request.post(hlr('map/purge-ms'), { headers: { 'content-type': 'text/plain' }, data: raw('{}') }), 415, 'content-type');
    expect(plain.detail).toContain('application/json');
    const deep = await expectProblem(await request.post(hlr('map/purge-ms'), { headers: json, data: raw(`${'['.repeat(5000)}${']'.repeat(5000)}`) }), 400, '(body)');
    expect(deep.detail).toContain('32 levels (the limit)');
    const big = await expectProblem(await request.post(hlr('map/purge-ms'), { headers: json, data: raw(JSON.stringify({ imsi: 'x'.repeat(70_000) })) }), 413, '(body)');
    expect(big.detail).toContain('65536 bytes (the limit)');
  });

  test('a malformed deadline header', async ({ request }) => {
    await expectProblem(await request.post(hlr('map/purge-ms'), { headers: { 'x-roamsim-deadline': 'soon' }, data: {} }), 400, 'x-roamsim-deadline');
  });

  test('an unknown PLMN, operation or path is a problem answer, never a 500', async ({ request }) => {
    const { hlr: base, vlr } = apiEnv();
    await expectProblem(await request.post(`${base}/hlr-hss/2341/map/purge-ms`, { data: {} }), 404);
    await expectProblem(await request.post(`${vlr}/vlr-mme/not-a-plmn/ue/attach`, { data: {} }), 404);
    await expectProblem(await request.post(`${base}/hlr-hss/234-15/map/no-such-operation`, { data: {} }), 404);
    await expectProblem(await request.post(`${base}/hlr-hss/%E0%A4%A/map/purge-ms`, { data: {} }), 400, '(path)');
    await expectProblem(await request.get(hlr('map/purge-ms')), 405);
  });
});

test.describe('malformed admin requests get 400 application/problem+json naming the field', () => {
  test.afterEach(async ({ request }) => clearFaults(request));

  const cases: Array<[string, unknown, string]> = [
    ['bad JSON', '{"operation":', '(body)'],
    ['an array', '[]', '(body)'],
    ['no operation', { action: 'no-answer' }, 'operation'],
    ['an unknown operation', { operation: 'CancelLocation', action: 'no-answer' }, 'operation'],
    ['an unknown action', { operation: 'ULR', action: 'explode' }, 'action'],
    ['an unknown error name', { operation: 'ULR', action: 'error', error: 'DIAMETER_SOMETHING' }, 'error'],
    ['a local error', { operation: 'ULR', action: 'error', error: 'timeout' }, 'error'],
    ['a negative count', { operation: 'ULR', action: 'error', error: 'systemFailure', count: -1 }, 'count'],
    ['a count that is text', { operation: 'ULR', action: 'error', error: 'systemFailure', count: '2' }, 'count'],
    ['a percentage over 100', { operation: 'ULR', action: 'error', error: 'systemFailure', percent: 150 }, 'percent'],
    ['a delay without ms', { operation: 'ULR', action: 'delay' }, 'ms'],
  ];
  for (const [what, body, field] of cases) {
    test(`fault rule with ${what}`, async ({ request }) => {
      const data = raw(typeof body === 'string' ? body : JSON.stringify(body));
      await expectProblem(await request.post(`${apiEnv().hlr}/admin/faults`, { headers: { ...admin(), ...json }, data }), 400, field);
    });
  }

  test('subscriber provisioning with a bad home network, profile or count', async ({ request }) => {
    const url = `${apiEnv().hlr}/admin/subscribers`;
    await expectProblem(await request.post(url, { headers: admin(), data: { home: '2341' } }), 400, 'home');
    await expectProblem(await request.post(url, { headers: admin(), data: { home: '234-15', profile: 'platinum' } }), 400, 'profile');
    await expectProblem(await request.post(url, { headers: admin(), data: { home: '234-15', count: 0 } }), 400, 'count');
    await expectProblem(await request.post(url, { headers: admin(), data: { home: 234 } }), 400, 'home');
  });
});
