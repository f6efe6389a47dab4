import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Registry, collectDefaultMetrics } from 'prom-client';
import YAML from 'yaml';
import { ElementMetrics, mockRequestCounter } from '../../mocks/element-metrics';
import { standaloneNetwork } from '../../mocks/live-server';
import { loadConfig } from '../../src/config/load';
import { EventBus } from '../../src/roaming/events';
import { RoamsimMetrics } from '../../src/telemetry/metrics';

const root = path.resolve(__dirname, '..', '..');
const deploy = path.join(root, 'deploy');
const dashboardsDir = path.join(deploy, 'grafana', 'dashboards');
const rulesFile = path.join(deploy, 'prometheus', 'rules', 'roamsim.yml');
const config = loadConfig({ env: {}, envFile: path.join(root, 'no-such.env'), announce: () => undefined });

/** The project's registries as the processes build them: the run's metrics and the standalone mocks' element metrics. */
function projectRegistry(): Registry {
  const metrics = new RoamsimMetrics();
  const network = standaloneNetwork(config, new EventBus());
  new ElementMetrics(network, metrics.registry);
  mockRequestCounter(metrics.registry);
  return metrics.registry;
}

/** Every series name a scrape of a roamsim process can show (histograms as _bucket/_sum/_count), plus Prometheus' own `up`. */
async function knownMetrics(): Promise<Set<string>> {
  const runtime = new Registry();
  collectDefaultMetrics({ register: runtime });
  const names = new Set<string>(['up']);
  for (const registry of [projectRegistry(), runtime]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const rules = (): Rule[] => (YAML.parse(readFileSync(rulesFile, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'le']);

/**
 * The metric names a PromQL expression selects: strings, label matchers, groupings, ranges and Grafana
 * variables are removed, then every identifier not followed by `(` (a function or aggregation) and not a
 * keyword is a metric name.
 */
export function metricNames(expr: string): string[] {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'(?:[^'\\]|\\.)*'/g, "''");
  text = text.replace(/\$__\w+|\$\{\w+\}|\$\w+/g, '5m');
  text = text.replace(/\{[^}]*\}/g, ' ');
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  text = text.replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  for (const match of text.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (match[2] || KEYWORDS.has((match[1] as string).toLowerCase())) continue;
    names.push(match[1] as string);
  }
  return names;
}

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
  refId?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; query: { query: string } | string; datasource?: { uid: string } }> };
}
const dashboards = (): Array<{ file: string; dashboard: Dashboard }> =>
  readdirSync(dashboardsDir)
    .filter((name) => name.endsWith('.json'))
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard }));

/** Every PromQL query of a dashboard, with where it is: panel targets and label_values() variables. */
function promQueries(dashboard: Dashboard): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      const type = target.datasource?.type ?? panel.datasource?.type;
      if (type === 'prometheus' && target.expr) out.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
    }
  }
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    const labelValues = /^label_values\(\s*([^,]+),\s*\w+\s*\)$/.exec(query.trim());
    out.push({ where: `variable $${variable.name}`, expr: labelValues ? (labelValues[1] as string) : query });
  }
  return out;
}

test('the metric-name check finds misspelt metrics (it can fail)', async () => {
  const known = await knownMetrics();
  assert.deepEqual(metricNames('sum by (visited_plmn) (rate(roamsim_registration_total{outcome="rejected"}[5m])) / on (x) group_left up'), ['roamsim_registration_total', 'up']);
  assert.ok(!known.has('roamsim_registration_total'));
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{procedure=~"$procedure"}[$__rate_interval]))) > 1e3'), ['a_bucket']);
});

test('every query of every dashboard names a metric that exists (run registry, mocks, Node runtime) or a recording rule', async () => {
  const known = await knownMetrics();
  for (const rule of rules()) if (rule.record) known.add(rule.record);
  const found = dashboards();
  assert.ok(found.length >= 2, 'the dashboards of deploy/grafana/dashboards');
  const unknown: string[] = [];
  let queries = 0;
  for (const { file, dashboard } of found) {
    for (const { where, expr } of promQueries(dashboard)) {
      queries++;
      const names = metricNames(expr);
      if (names.length === 0) unknown.push(`${file} ${where}: no metric in ${expr}`);
      for (const name of names) if (!known.has(name)) unknown.push(`${file} ${where}: ${name}`);
    }
  }
  assert.ok(queries >= 20, `${queries} queries`);
  assert.deepEqual(unknown, []);
});

test('every rule expression names a metric that exists or a recording rule defined before it', async () => {
  const known = await knownMetrics();
  const unknown: string[] = [];
  for (const rule of rules()) {
    for (const name of metricNames(rule.expr)) if (!known.has(name)) unknown.push(`${rule.record ?? rule.alert}: ${name}`);
    if (rule.record) known.add(rule.record);
  }
  assert.deepEqual(unknown, []);
  const alerts = rules().flatMap((rule) => (rule.alert ? [rule.alert] : []));
  for (const wanted of ['RoamsimRejectionRatioHigh', 'RoamsimDeadLetters', 'RoamsimProcedureLatencyP99High', 'RoamsimCaptureFailures']) assert.ok(alerts.includes(wanted), wanted);
});

test('the dashboards cover what the SRE kit promises, and load as Grafana dashboards (ids, grid, data sources, refIds)', () => {
  const datasources = (YAML.parse(readFileSync(path.join(deploy, 'grafana', 'provisioning', 'datasources', 'roamsim.yml'), 'utf8')) as { datasources: Array<{ uid: string; type: string }> }).datasources;
  const uids = new Map(datasources.map((source) => [source.uid, source.type]));
  const all: string[] = [];
  const uidsSeen = new Set<string>();
  for (const { file, dashboard } of dashboards()) {
    assert.ok(dashboard.uid && !uidsSeen.has(dashboard.uid), `${file}: a unique uid`);
    uidsSeen.add(dashboard.uid);
    assert.ok(dashboard.title, `${file}: a title`);
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      assert.ok(Number.isInteger(panel.id) && !ids.has(panel.id), `${file}: panel id ${panel.id} is unique`);
      ids.add(panel.id);
      assert.ok(panel.gridPos && panel.gridPos.w > 0 && panel.gridPos.w <= 24 && panel.gridPos.x + panel.gridPos.w <= 24, `${file}: "${panel.title}" fits the 24-column grid`);
      assert.ok(['row', 'timeseries', 'stat', 'heatmap', 'logs'].includes(panel.type), `${file}: "${panel.title}" is a known panel type (${panel.type})`);
      if (panel.type === 'row') continue;
      assert.equal(uids.get(panel.datasource?.uid ?? ''), panel.datasource?.type, `${file}: "${panel.title}" uses a provisioned data source`);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      assert.ok(refIds.length > 0 && new Set(refIds).size === refIds.length, `${file}: "${panel.title}" has targets with distinct refIds`);
      for (const target of panel.targets ?? []) all.push(`${panel.type} ${target.expr}`);
    }
  }
  const has = (pattern: RegExp, what: string) => assert.ok(all.some((line) => pattern.test(line)), what);
  has(/by \(outcome\).*roamsim_registrations_total/, 'registrations by outcome');
  has(/by \(visited_plmn, outcome\).*roamsim_registrations_total/, 'registrations by visited network');
  has(/^heatmap .*roamsim_procedure_duration_seconds_bucket/, 'a procedure latency heatmap');
  has(/roamsim_retries_total/, 'retries');
  has(/roamsim_dead_letters_total/, 'dead letters');
  has(/roamsim_mock_visitor_records/, 'visitor records held per VLR/MME');
  has(/roamsim_mock_location_records/, 'location records per HLR/HSS');
  has(/roamsim_billing_triggers_total/, 'billing triggers');
  has(/^logs .*roamsim-mocks/, 'the mocks logs from Loki');
});

test('Compose wires the kit: rules into Prometheus, data sources and dashboards into Grafana, logs of the mocks into Loki', () => {
  const compose = YAML.parse(readFileSync(path.join(deploy, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[]; environment?: Record<string, string>; command?: string | string[] }> };
  const mount = (service: string, target: string) => {
    const volume = compose.services[service]?.volumes?.find((spec) => spec.split(':')[1] === target);
    assert.ok(volume, `${service} mounts ${target}`);
    const source = path.resolve(deploy, volume.split(':')[0] as string);
    assert.ok(existsSync(source), `${source} exists`);
    return source;
  };
  assert.equal(mount('prometheus', '/etc/prometheus/rules'), path.join(deploy, 'prometheus', 'rules'));
  assert.equal(mount('grafana', '/etc/grafana/provisioning'), path.join(deploy, 'grafana', 'provisioning'));
  assert.equal(mount('grafana', '/var/lib/grafana/dashboards'), dashboardsDir);
  const dashboardProvider = YAML.parse(readFileSync(path.join(deploy, 'grafana', 'provisioning', 'dashboards', 'roamsim.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
  assert.equal(dashboardProvider.providers[0]?.options.path, '/var/lib/grafana/dashboards');
  const prometheus = YAML.parse(readFileSync(path.join(deploy, 'prometheus', 'prometheus.yml'), 'utf8')) as { rule_files: string[] };
  assert.deepEqual(prometheus.rule_files, ['rules/*.yml']);
  assert.equal(compose.services.mocks?.environment?.LOKI_URL, 'http://loki:3100');
});

const promtool = ['/usr/bin/promtool', process.env.PROMTOOL_BIN].find((candidate): candidate is string => !!candidate && existsSync(candidate));

test('promtool check metrics: the project registry (run and mocks metrics) lints clean', { skip: promtool ? false : 'promtool not found (Debian: apt-get install -y prometheus; scripts/setup-system.sh does it)' }, async () => {
  // The Node runtime set is left out on purpose: prom-client's nodejs_active_*_total gauges break a counter naming rule.
  const text = await projectRegistry().metrics();
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-promtool-'));
  try {
    const file = path.join(dir, 'metrics.txt');
    writeFileSync(file, text);
    const result = spawnSync('sh', ['-c', `"${promtool}" check metrics < "${file}"`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the k8s Prometheus loads the same rules: ConfigMap prometheus-rules equals the rules file, projected under rules/', () => {
  // Manifests are read loosely: a missing field fails the assertions below, not the type checker.
  const manifests = YAML.parseAllDocuments(readFileSync(path.join(deploy, 'k8s', 'prometheus.yaml'), 'utf8')).map((document) => document.toJS() as Record<string, any>);
  const rulesMap = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === 'prometheus-rules');
  assert.equal(rulesMap?.data['roamsim.yml'], readFileSync(rulesFile, 'utf8'));
  const deployment = manifests.find((manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === 'prometheus');
  const volume = deployment?.spec.template.spec.volumes.find((candidate: { name: string }) => candidate.name === 'config');
  const projected = volume?.projected.sources.find((source: { configMap?: { name: string } }) => source.configMap?.name === 'prometheus-rules');
  assert.deepEqual(projected?.configMap.items, [{ key: 'roamsim.yml', path: 'rules/roamsim.yml' }]);
  const scrape = YAML.parse(readFileSync(path.join(deploy, 'prometheus', 'k8s-pods.yml'), 'utf8')) as { rule_files: string[] };
  assert.deepEqual(scrape.rule_files, ['rules/*.yml']);
});
