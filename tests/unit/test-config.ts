import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { type Dispatched, MockNetwork } from '../../mocks/network';
import { loadConfig, type RoamingConfig } from '../../src/config/load';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';
import type { Route } from '../../src/roaming/transport';

export interface TestConfigOptions {
  /** Folder name prefix under the OS temp folder. */
  readonly prefix: string;
  /** Visited networks 234-15 has an agreement with, and the RATs of each. */
  readonly agreements: Readonly<Record<string, readonly string[]>>;
  readonly maxAttempts?: number;
  readonly linkLatencyMs?: number;
  readonly processingMs?: number;
}

/**
 * A small roaming.yaml with one home network (234-15, Vodafone UK) written to a temporary folder removed after
 * the file's tests, loaded with a fixed Ki secret and OP: the unit tests that build elements without the
 * project's own config.
 */
export function testConfig(options: TestConfigOptions): RoamingConfig {
  const dir = mkdtempSync(path.join(tmpdir(), `${options.prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'roaming.yaml');
  const agreements = Object.entries(options.agreements)
    .map(([visited, rats]) => `  - { home: "234-15", visited: "${visited}", rats: [${rats.join(', ')}] }`)
    .join('\n');
  writeFileSync(
    file,
    `
seed: 1
networks:
  - plmn: "234-15"
    name: Vodafone UK
    tadig: GBRVF
    imsi_range: { from: "9900000000", to: "9909999999" }
    msisdn_range: { from: "447700900000", to: "447700900999" }
agreements:
${agreements}
retry: { max_attempts: ${options.maxAttempts ?? 4}, initial_backoff_ms: 200, backoff_factor: 2, max_backoff_ms: 5000, jitter: full, request_timeout_ms: 2000 }
simulation: { link_latency_ms: ${options.linkLatencyMs ?? 10}, processing_ms: ${options.processingMs ?? 3} }
endpoints: { host: 127.0.0.1, hlr_hss_port: 7401, vlr_mme_port: 7402 }
`,
  );
  return loadConfig({ file, envFile: '/nonexistent', env: { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: 'cdc202d5123e20f62b6d676ac72cb318' }, announce: () => undefined });
}

/**
 * One scenario's network in direct mode, built the way support/world.ts builds it, with one postpaid subscriber
 * of 234-15: the engine, the subscriber's keys, every signalling event, and a bus whose sink errors are kept in
 * `sinkErrors` unless `onSinkError` says otherwise.
 */
export function directScenario(config: RoamingConfig, options: { readonly start?: number; readonly onSinkError?: (error: unknown) => void } = {}) {
  const clock = new SimulatedClock(options.start ?? 1_700_000_000_000);
  const sinkErrors: unknown[] = [];
  const bus = new EventBus(options.onSinkError ?? ((error) => sinkErrors.push(error)));
  const events: SignallingEvent[] = [];
  bus.onSignalling((event) => events.push(event));
  const network = new MockNetwork({ config, seed: 4242, clock, bus, scenario: 'unit' });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock, scenario: 'unit' });
  const identity = { ...network.generator('234-15').identity(7), profile: 'postpaid' };
  network.store.add(identity);
  const imsi = identity.imsi;
  const keys = network.generator('234-15').keys(imsi);
  const meta = () => ({ deadline: clock.now() + 2000, transactionId: 1 });
  const route = (element: 'hlr-hss' | 'vlr-mme', plmn: string, operation: string): Route => ({ element, plmn, operation });
  const procedures = (...names: string[]) => events.filter((event) => names.includes(event.procedure));
  return { clock, bus, events, sinkErrors, network, engine, imsi, keys, meta, route, procedures };
}

/** The result of a 200 answer; fails the test on a problem, no answer or a protocol error. */
export function resultOf<T>(answer: Dispatched): T {
  assert.equal(answer.status, 200, JSON.stringify(answer));
  const body = (answer as Extract<Dispatched, { status: 200 }>).body;
  assert.ok('result' in body, `expected a result, got ${JSON.stringify(body)}`);
  return body.result as T;
}
