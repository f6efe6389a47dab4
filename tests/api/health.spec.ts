import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { waitForReady } from '../../mocks/live-server';
import { apiEnv, expectProblem } from './support';

const elements = () => [
  { element: 'hlr-hss', url: apiEnv().hlr },
  { element: 'vlr-mme', url: apiEnv().vlr },
];

test.describe('liveness and readiness', () => {
  test('GET /health answers 200 on each element', async ({ request }) => {
    for (const { element, url } of elements()) {
      const response = await request.get(`${url}/health`);
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', element });
    }
  });

  test('GET /ready answers 200 on each element', async ({ request }) => {
    for (const { element, url } of elements()) {
      const response = await request.get(`${url}/ready`);
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', element });
    }
  });

  test('an unknown path is a 404 problem, a wrong method a 405 problem', async ({ request }) => {
    await expectProblem(await request.get(`${apiEnv().hlr}/nowhere`), 404);
    const response = await request.post(`${apiEnv().vlr}/ready`, { data: {} });
    await expectProblem(response, 405);
    expect(response.headers().allow).toBe('GET, HEAD');
  });

  test('the metrics port serves the mocks request counter', async ({ request }) => {
    const response = await request.get(apiEnv().metrics);
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('roamsim_mock_requests_total{element="hlr-hss",route="/ready",status="200"}');
  });

  test('the readiness probe names the element and the URL when nothing answers', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const urls = { 'hlr-hss': apiEnv().hlr, 'vlr-mme': `http://127.0.0.1:${port}` };
    await expect(waitForReady(urls, 300)).rejects.toThrow(`the VLR/MME mock at http://127.0.0.1:${port}/ready was not ready within 300 ms`);
  });
});
