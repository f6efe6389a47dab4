import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../mocks/cli';
import { GsupClient } from '../../src/gsup/client';
import { gsupPeerName } from '../../src/gsup/names';
import { describeType } from '../../src/protocol/gsup';

test('roamsim mocks --gsup-port 0 serves the home networks over GSUP and prints the port it picked', async () => {
  const lines: string[] = [];
  const stop = new AbortController();
  let announced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (announced = resolve));
  const io = { out: (s: string) => (lines.push(s), s.includes('GSUP HLR') && announced()), err: (s: string) => lines.push(s) };
  const done = run(['--hlr-port', '0', '--vlr-port', '0', '--metrics-port', 'off', '--gsup-port', '0'], io, { signal: stop.signal });
  const timer = setTimeout(() => stop.abort(), 10_000);
  try {
    await Promise.race([ready, done]);
    const match = / GSUP HLR 127\.0\.0\.1:(\d+)/.exec(lines.join('\n'));
    assert.ok(match, `printed the GSUP address: ${lines.join(' | ')}`);
    const client = await GsupClient.connect({ host: '127.0.0.1', port: Number(match[1]), name: gsupPeerName('262-01', 'CS') });
    const answer = await client.sendAuthInfo('234159999999999');
    assert.deepEqual([describeType(answer.type)?.kind, answer.cause], ['error', 2], 'a subscriber nobody provisioned is unknown');
    await client.close();
  } finally {
    stop.abort();
    clearTimeout(timer);
  }
  assert.equal(await done, 0);
  assert.ok(lines.includes('roamsim mocks: stopped'));
});
