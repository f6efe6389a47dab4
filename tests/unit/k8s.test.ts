import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load';
import { parseShard } from '../../src/load/shard';

const ROOT = path.resolve(__dirname, '..', '..');
const K8S = path.join(ROOT, 'deploy', 'k8s');

interface Manifest {
  file: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  envFrom?: Array<{ secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

interface JobSpec {
  completionMode?: string;
  completions?: number;
  parallelism?: number;
  template: {
    metadata?: { annotations?: Record<string, string> };
    spec: { containers: Container[]; volumes?: Array<{ name: string; configMap?: { name: string } }>; restartPolicy?: string };
  };
}

/** Every document of every YAML file under deploy/k8s (multi-document files included). */
function manifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(K8S).filter((name) => /\.ya?ml$/.test(name))) {
    for (const document of YAML.parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8'))) {
      assert.equal(document.errors.length, 0, `${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      const value = document.toJS() as Manifest | null;
      if (value) out.push({ ...value, file });
    }
  }
  return out;
}

const all = manifests();
const byKind = (kind: string) => all.filter((manifest) => manifest.kind === kind);
const named = (kind: string, name: string) => {
  const found = all.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  assert.ok(found, `${kind} ${name} in deploy/k8s`);
  return found;
};
const jobSpec = (name: string) => named('Job', name).spec as JobSpec;
const envOf = (container: Container, name: string) => container.env?.find((entry) => entry.name === name);

test('the kustomization lists every manifest file and one namespace holds them all', () => {
  const kustomization = all.find((manifest) => manifest.file === 'kustomization.yaml') as unknown as { resources: string[]; namespace: string };
  const files = readdirSync(K8S).filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml');
  assert.deepEqual([...kustomization.resources].sort(), files.sort());
  for (const manifest of all.filter((candidate) => candidate.file !== 'kustomization.yaml' && candidate.kind !== 'Namespace')) {
    assert.equal(manifest.metadata.namespace, kustomization.namespace, `${manifest.kind} ${manifest.metadata.name}`);
  }
});

test('load Job: Indexed, completions = parallelism, JOB_COMPLETION_INDEX is the --shard index of N = completions', () => {
  const spec = jobSpec('roamsim-load');
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(typeof spec.completions, 'number');
  assert.equal(spec.completions, spec.parallelism);
  assert.equal(spec.template.spec.restartPolicy, 'Never');
  const [container] = spec.template.spec.containers;
  const args = container.args ?? [];
  assert.equal(args[0], 'load');
  const shard = args[args.indexOf('--shard') + 1];
  assert.equal(shard, `$(JOB_COMPLETION_INDEX)/${spec.completions}`);
  // Every index the Job hands out is a valid --shard.
  for (let index = 0; index < (spec.completions as number); index++) assert.deepEqual(parseShard(shard.replace('$(JOB_COMPLETION_INDEX)', String(index))), { index, count: spec.completions });
  assert.equal(envOf(container, 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  assert.ok(args.includes('--json'));
});

test('load Job: the Secret and the ConfigMap it references exist; the config path is where the ConfigMap is mounted', () => {
  const spec = jobSpec('roamsim-load');
  const [container] = spec.template.spec.containers;
  const secretName = container.envFrom?.find((entry) => entry.secretRef)?.secretRef?.name;
  assert.ok(secretName, 'envFrom secretRef');
  const secret = named('Secret', secretName) as unknown as { stringData: Record<string, string> };
  assert.deepEqual(Object.keys(secret.stringData).sort(), ['ROAMSIM_ADMIN_TOKEN', 'ROAMSIM_AUDIT_KEY', 'ROAMSIM_KI_SECRET', 'ROAMSIM_OP']);
  assert.match(secret.stringData.ROAMSIM_OP, /^[0-9a-fA-F]{32}$/);
  assert.match(secret.stringData.ROAMSIM_KI_SECRET, /change-me/, 'a placeholder, never a real key');
  assert.match(secret.stringData.ROAMSIM_ADMIN_TOKEN, /change-me/);
  assert.equal(secret.stringData.ROAMSIM_AUDIT_KEY, '', 'no shared example audit key: empty means an unkeyed trail, said at every run');
  const volume = spec.template.spec.volumes?.find((candidate) => candidate.configMap);
  assert.ok(volume?.configMap);
  named('ConfigMap', volume.configMap.name);
  const mount = container.volumeMounts?.find((candidate) => candidate.name === volume.name);
  assert.ok(mount);
  assert.equal(path.posix.dirname(envOf(container, 'ROAMSIM_CONFIG')?.value ?? ''), mount.mountPath);
});

test('load Job: Prometheus scrape annotations match the --metrics-port it serves on 0.0.0.0', () => {
  const spec = jobSpec('roamsim-load');
  const annotations = spec.template.metadata?.annotations ?? {};
  assert.equal(annotations['prometheus.io/scrape'], 'true');
  assert.equal(annotations['prometheus.io/path'], '/metrics');
  const [container] = spec.template.spec.containers;
  const args = container.args ?? [];
  assert.equal(args[args.indexOf('--metrics-port') + 1], annotations['prometheus.io/port']);
  assert.equal(args[args.indexOf('--metrics-host') + 1], '0.0.0.0', 'reachable from Prometheus, not only from the pod');
  assert.ok(container.ports?.some((port) => String(port.containerPort) === annotations['prometheus.io/port']));
});

test('the ConfigMap carries a roaming.yaml the config loader accepts', () => {
  const configMap = named('ConfigMap', 'roamsim-config') as unknown as { data: Record<string, string> };
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-k8s-'));
  const file = path.join(dir, 'roaming.yaml');
  writeFileSync(file, configMap.data['roaming.yaml']);
  const config = loadConfig({ file, envFile: path.join(dir, 'no.env'), env: {}, announce: () => undefined });
  assert.ok(config.networks.length > 0);
  assert.ok(config.agreements.length > 0, 'the default load mix needs agreements');
});

test('features Job: Indexed, completions = parallelism, cucumber --shard from JOB_COMPLETION_INDEX (1-based)', () => {
  const spec = jobSpec('roamsim-features');
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.completions, spec.parallelism);
  const [container] = spec.template.spec.containers;
  const line = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
  assert.match(line, /cucumber-js/);
  const shard = /--shard\s+"?\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/(\d+)"?/.exec(line);
  assert.ok(shard, `--shard "$((JOB_COMPLETION_INDEX + 1))/N" in: ${line}`);
  assert.equal(Number(shard[1]), spec.completions);
  assert.ok(envOf(container, 'JOB_COMPLETION_INDEX'));
  assert.ok(container.envFrom?.some((entry) => entry.secretRef && byKind('Secret').some((secret) => secret.metadata.name === entry.secretRef?.name)));
});

test('Prometheus keeps the annotated pods; its ConfigMap is deploy/prometheus/k8s-pods.yml', () => {
  const text = readFileSync(path.join(ROOT, 'deploy', 'prometheus', 'k8s-pods.yml'), 'utf8');
  const scrape = YAML.parse(text) as { scrape_configs: Array<{ kubernetes_sd_configs: Array<{ role: string; namespaces?: { names: string[] } }>; relabel_configs: Array<{ source_labels?: string[]; action?: string; regex?: string; target_label?: string }> }> };
  const job = scrape.scrape_configs[0];
  assert.equal(job.kubernetes_sd_configs[0].role, 'pod');
  assert.deepEqual(job.kubernetes_sd_configs[0].namespaces?.names, ['roamsim-lab']);
  const rule = (label: string) => job.relabel_configs.find((candidate) => candidate.source_labels?.includes(label));
  assert.equal(rule('__meta_kubernetes_pod_annotation_prometheus_io_scrape')?.action, 'keep');
  assert.equal(rule('__meta_kubernetes_pod_annotation_prometheus_io_path')?.target_label, '__metrics_path__');
  assert.equal(rule('__meta_kubernetes_pod_annotation_prometheus_io_port')?.target_label, '__address__');
  const portRule = rule('__meta_kubernetes_pod_annotation_prometheus_io_port');
  assert.equal('10.1.2.3:8080;9464'.replace(new RegExp(`^${portRule?.regex}$`), '$1:$2'), '10.1.2.3:9464');
  const configMap = named('ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> };
  assert.equal(configMap.data['prometheus.yml'], text);
  const deployment = named('Deployment', 'prometheus') as unknown as { spec: { template: { spec: { serviceAccountName: string } } } };
  named('ServiceAccount', deployment.spec.template.spec.serviceAccountName);
});
