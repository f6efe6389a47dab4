import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load';

const root = path.resolve(__dirname, '..', '..');
const deploy = path.join(root, 'deploy');

interface Service {
  image?: string;
  command?: string | string[];
  working_dir?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string | string[]; interval?: string; retries?: number };
}

function compose(): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  const document = YAML.parseDocument(readFileSync(path.join(deploy, 'docker-compose.yml'), 'utf8'));
  assert.deepEqual(document.errors, [], 'deploy/docker-compose.yml is valid YAML');
  return document.toJS();
}

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));

/** `127.0.0.1:7401:7401` → { host, published, target }. */
function port(spec: string): { host: string; published: number; target: number } {
  const match = /^(?:([\d.]+):)?(\d+):(\d+)$/.exec(spec);
  assert.ok(match, `port ${spec} is HOST:PUBLISHED:TARGET`);
  return { host: match[1] ?? '0.0.0.0', published: Number(match[2]), target: Number(match[3]) };
}

describe('deploy/docker-compose.yml', () => {
  const { services } = compose();
  // The ports the mocks use without overrides: config/roaming.yaml with no ROAMSIM_* variables set.
  const config = loadConfig({ env: {}, envFile: path.join(deploy, 'no-such.env'), announce: () => undefined });

  it('has the mocks, Prometheus, Loki and Grafana', () => {
    for (const name of ['mocks', 'prometheus', 'loki', 'grafana']) assert.ok(services[name], `service ${name}`);
  });

  it('runs the mocks with `node bin/roamsim.js mocks` (SIGTERM reaches the CLI) on node:20 with the repo mounted', () => {
    const mocks = services.mocks;
    assert.match(mocks.image ?? '', /^node:20(\b|-|$)/);
    assert.deepEqual(mocks.command, ['node', 'bin/roamsim.js', 'mocks'], 'exec form: no npx or shell between the runtime and the CLI');
    assert.equal(mocks.working_dir, '/app');
    assert.ok(mocks.volumes?.some((volume) => /^\.\.:\/app(:ro)?$/.test(volume)), `the repo (..) is mounted at /app: ${mocks.volumes}`);
    assert.equal(mocks.environment?.ROAMSIM_MOCK_HOST, '0.0.0.0', 'inside the compose network the mocks listen on every interface');
    assert.equal(mocks.environment?.ROAMSIM_ADMIN_TOKEN, undefined, 'no secret in the compose file');
  });

  it('publishes the configured element ports and the metrics port, on 127.0.0.1 only', () => {
    const env = services.mocks.environment ?? {};
    const expected = [Number(env.ROAMSIM_HLR_PORT), Number(env.ROAMSIM_VLR_PORT), Number(env.ROAMSIM_METRICS_PORT)];
    assert.deepEqual(expected.slice(0, 2), [config.endpoints.hlrHssPort, config.endpoints.vlrMmePort], 'the element ports are the config defaults');
    const published = (services.mocks.ports ?? []).map(port);
    for (const wanted of expected) assert.ok(published.some((p) => p.target === wanted && p.published === wanted), `port ${wanted} is published`);
    for (const [name, service] of Object.entries(services)) {
      for (const spec of service.ports ?? []) assert.equal(port(spec).host, '127.0.0.1', `${name} publishes ${spec} on loopback only`);
    }
  });

  it('checks the mocks health on /ready of both elements, and every service has a healthcheck', () => {
    const probe = text(services.mocks.healthcheck?.test);
    for (const wanted of [config.endpoints.hlrHssPort, config.endpoints.vlrMmePort]) assert.ok(probe.includes(String(wanted)), `the probe covers port ${wanted}`);
    assert.ok(probe.includes('/ready'), 'the probe asks /ready');
    assert.ok(probe.includes('process.exit(1)'), 'the probe fails when an element is not ready');
    for (const [name, service] of Object.entries(services)) {
      const test = text(service.healthcheck?.test);
      assert.ok(test.startsWith('CMD'), `${name} has a healthcheck`);
      assert.ok(/\/(-\/)?ready|\/api\/health/.test(test), `${name} checks a readiness endpoint: ${test}`);
    }
    assert.equal(services.prometheus.depends_on?.mocks?.condition, 'service_healthy');
    assert.equal(services.grafana.depends_on?.prometheus?.condition, 'service_healthy');
  });

  it('mounts a Prometheus config that scrapes the mocks metrics port', () => {
    const mount = services.prometheus.volumes?.find((volume) => volume.includes('/etc/prometheus/prometheus.yml'));
    assert.ok(mount, 'prometheus.yml is mounted');
    const file = path.resolve(deploy, mount.split(':')[0]);
    assert.ok(existsSync(file), `${file} exists`);
    const prometheus = YAML.parse(readFileSync(file, 'utf8')) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    assert.ok(targets.includes(`mocks:${services.mocks.environment?.ROAMSIM_METRICS_PORT}`), `scrapes mocks:<metrics port>: ${targets}`);
  });

  it('the Prometheus config passes promtool when it is installed', (t) => {
    const check = spawnSync('promtool', ['check', 'config', path.join(deploy, 'prometheus', 'prometheus.yml')], { encoding: 'utf8' });
    if (check.error) return t.skip('promtool is not installed (apt-get install prometheus)');
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });
});
