import { test, afterEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nock from 'nock';
import { loadConfig } from '../../src/config/load';
import { faultRules } from '../../src/load/faults';
import { JourneyPlanner, defaultMix } from '../../src/load/mix';
import { planPopulation } from '../../src/load/population';
import { LiveUnavailable, prepareRemote } from '../../src/load/remote';

// roamsim as an HTTP client of someone else's server: the admin client of `load --mocks-url`, against a
// server nock plays (this file never loads MSW; node --test runs each file in its own process).

const config = loadConfig({ announce: () => undefined });
const HLR = 'http://hlr.example.test:7401';
const urls = { 'hlr-hss': HLR, 'vlr-mme': 'http://vlr.example.test:7402' };
const mix = defaultMix(config);
const population = planPopulation(1500, mix, config);
const planner = new JourneyPlanner(mix, 5, config);
const WHOLE = { index: 0, count: 1 };

before(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
after(() => nock.enableNetConnect());

test('provisions the population in batches with the admin token, then adds the fault rules to the ones already set', async () => {
  const provisioned: Array<{ home: string; from: number; count: number; profile: string }> = [];
  const subscribers = nock(HLR, { reqheaders: { authorization: `Bearer ${config.secrets.adminToken}` } })
    .persist()
    .post('/admin/subscribers')
    .reply(200, (_uri, body) => {
      provisioned.push(body as (typeof provisioned)[number]);
      return { provisioned: (body as { count: number }).count };
    });
  // No DELETE interceptor: deleting the rules an operator set through POST /admin/faults would fail here.
  const scope = nock(HLR, { reqheaders: { authorization: `Bearer ${config.secrets.adminToken}` } })
    .get('/admin/faults')
    .reply(200, { rules: [{ procedures: ['UpdateLocation'], action: 'error', error: 'systemFailure', percent: 25 }] })
    .post('/admin/faults')
    .times(faultRules(0.1).length)
    .reply(201, {});
  const notes: string[] = [];
  await prepareRemote(urls, config, population, WHOLE, planner, 0.1, { note: (message) => notes.push(message) });
  assert.ok(scope.isDone(), `every expected request was made: ${scope.pendingMocks().join(', ')}`);
  assert.ok(subscribers.isDone());
  assert.deepEqual(notes, [`keeping 1 fault rule(s) already set on the mocks (GET ${HLR}/admin/faults lists them; --reset-faults removes them first)`]);
  const total = provisioned.reduce((sum, run) => sum + run.count, 0);
  assert.equal(total, population.shares.reduce((sum, share) => sum + share.count, 0), 'every subscriber of the population, once');
  assert.ok(provisioned.every((run) => run.count <= 1000), 'at most 1,000 a request');
});

test('--reset-faults replaces the fault rules: DELETE first, then the --fault-rate mix', async () => {
  nock(HLR).persist().post('/admin/subscribers').reply(200, {});
  // No GET interceptor: with --reset-faults the rules in force are not asked for, they are deleted.
  const scope = nock(HLR, { reqheaders: { authorization: `Bearer ${config.secrets.adminToken}` } })
    .delete('/admin/faults')
    .reply(204)
    .post('/admin/faults')
    .times(faultRules(0.1).length)
    .reply(201, {});
  await prepareRemote(urls, config, population, WHOLE, planner, 0.1, { resetFaults: true });
  assert.ok(scope.isDone(), `every expected request was made: ${scope.pendingMocks().join(', ')}`);
});

test('a connection reset says the live mocks do not answer and how to fix it', async () => {
  nock(HLR).persist().post('/admin/subscribers').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
  await assert.rejects(prepareRemote(urls, config, population, WHOLE, planner, 0), (error: unknown) => {
    assert.ok(error instanceof LiveUnavailable);
    assert.match(error.message, /the live mocks at http:\/\/hlr\.example\.test:7401 do not answer .*start them with `roamsim mocks` or correct --mocks-url/);
    return true;
  });
});

test('an HTTP error from the admin endpoint names the request and the status, with the body', async () => {
  nock(HLR).persist().post('/admin/subscribers').reply(401, { title: 'unauthorized', detail: 'wrong bearer token' });
  await assert.rejects(prepareRemote(urls, config, population, WHOLE, planner, 0), /POST http:\/\/hlr\.example\.test:7401\/admin\/subscribers answered HTTP 401: .*wrong bearer token/);
});

test('only shard 0 touches the fault rules (N shards never stack N copies)', async () => {
  let requests = 0;
  nock(HLR)
    .persist()
    .post('/admin/subscribers')
    .reply(200, () => (requests++, {}));
  // No interceptor for /admin/faults: a request there would fail the run with a nock "no match" error.
  await prepareRemote(urls, config, population, { index: 1, count: 2 }, planner, 0.2);
  assert.ok(requests > 0, 'the shard provisions its subscribers');
});
