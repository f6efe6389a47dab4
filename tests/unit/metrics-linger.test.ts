import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LoadSummary, run as load } from '../../src/cli/load';
import { startMetricsServer } from '../../src/telemetry/exporter';
import { RoamsimMetrics } from '../../src/telemetry/metrics';
import { CLI_DEPS } from './cli-deps';

test('the exporter serves Node runtime metrics next to the run, and nextScrape waits for a scrape that starts after it', async () => {
  const metrics = new RoamsimMetrics();
  metrics.billingTrigger('sms');
  const server = await startMetricsServer({ port: 0, metrics });
  try {
    assert.equal(await server.nextScrape(50), false, 'no scrape: the wait ends at its bound');
    const waiting = server.nextScrape(10_000);
    const body = await (await fetch(server.url)).text();
    assert.equal(await waiting, true);
    assert.match(body, /^roamsim_billing_triggers_total\{type="sms"\} 1$/m);
    assert.match(body, /^nodejs_heap_size_used_bytes \d/m);
    assert.match(body, /^process_cpu_user_seconds_total /m);
    assert.match(body, /^nodejs_eventloop_lag_p99_seconds /m);
  } finally {
    await server.close();
  }
});

test('load --linger: after the summary the run waits for one scrape, which reads the final counts', async () => {
  const err: string[] = [];
  const out: string[] = [];
  let scrape: Promise<string> | undefined;
  const code = await load(['--subscribers', '300', '--metrics-port', '0', '--linger', '20s', '--json'], {
    out: (line) => out.push(line),
    err: (line) => {
      err.push(line);
      const url = /waiting for a scrape of (http:\/\/\S+)/.exec(line)?.[1];
      if (url) scrape = fetch(url).then((response) => response.text());
    },
  }, CLI_DEPS);
  assert.equal(code, 0, err.join('\n'));
  assert.ok(scrape, `the run announced its wait: ${err.join('\n')}`);
  assert.ok(err.includes('roamsim load: final metrics scraped'), err.join('\n'));
  const summary = JSON.parse(out[0] as string) as LoadSummary;
  const body = await scrape;
  const accepted = [...body.matchAll(/^roamsim_registrations_total\{[^}]*outcome="accepted"[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  assert.equal(accepted, summary.accepted, 'the lingering scrape saw the final count');
});

test('load --linger refuses what is not a duration, naming the flag', async () => {
  const err: string[] = [];
  await assert.rejects(load(['--subscribers', '10', '--linger', 'soon'], { out: () => undefined, err: (line) => err.push(line) }, CLI_DEPS), /--linger: "soon" is not valid/);
});
