import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load';
import { FeatureOrder } from '../../src/reports/feature-order';
import { StateCoverageRecorder, computeCoverage, describeMachine, mergeSnapshots, renderSvg } from '../../src/roaming/state-coverage';

const ROOT = path.resolve(__dirname, '..', '..');
loadConfig({ announce: () => undefined });

test('feature order: product themes first, then the order the theme narrative names its features, then lines', () => {
  const order = new FeatureOrder(ROOT);
  const uris = [
    'features/billing/bad-input.feature',
    'features/billing/triggers.feature',
    'features/registration/agreements.feature',
    'features/registration/attach-by-rat.feature',
    'features/zzz/other.feature',
  ];
  const sorted = [...uris].sort((a, b) => (order.key(a, 1) < order.key(b, 1) ? -1 : 1));
  assert.deepEqual(sorted, [
    'features/registration/attach-by-rat.feature',
    'features/registration/agreements.feature',
    'features/billing/triggers.feature',
    'features/billing/bad-input.feature',
    'features/zzz/other.feature',
  ]);
  assert.ok(order.key('features/billing/triggers.feature', 9) < order.key('features/billing/triggers.feature', 10));
});

test('example scenarios are the first in feature order, whatever order they ran in, across worker snapshots', () => {
  const order = new FeatureOrder(ROOT);
  const attach = { from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' };
  const worker1 = new StateCoverageRecorder();
  worker1.record([attach], 'bad input', order.key('features/billing/bad-input.feature', 10));
  worker1.record([attach], 'a unit that is not the service', order.key('features/billing/bad-input.feature', 20));
  const worker2 = new StateCoverageRecorder();
  worker2.record([attach], 'telemetry', order.key('features/telemetry/metrics.feature', 5));
  worker2.record([attach], 'GSM attach', order.key('features/registration/attach-by-rat.feature', 22));
  worker2.record([attach], 'no order given');
  worker2.record([attach], 'agreements', order.key('features/registration/agreements.feature', 15));
  assert.deepEqual(worker2.snapshot().transitions[0].scenarios, ['GSM attach', 'agreements', 'telemetry']);
  const merged = mergeSnapshots([worker1.snapshot(), worker2.snapshot()]);
  // Billing comes before telemetry in reading order.
  assert.deepEqual(merged.transitions[0].scenarios, ['GSM attach', 'agreements', 'bad input']);
  assert.equal(merged.transitions[0].count, 6);
});

test('the state diagram reads left to right through the life cycle, error states below, labels apart', () => {
  const report = computeCoverage(describeMachine(), { scenarios: 0, transitions: [] });
  const svg = renderSvg(report);
  const boxes = new Map<string, { x: number; y: number }>();
  for (const g of svg.matchAll(/<g class="state"><title>roaming\.([\w.]+) [^<]*<\/title>\s*<rect x="([\d.]+)" y="([\d.]+)"/g)) boxes.set(g[1], { x: Number(g[2]), y: Number(g[3]) });
  const life = ['idle', 'attaching', 'registered', 'moving', 'detaching', 'detached'];
  for (let i = 1; i < life.length; i++) assert.ok((boxes.get(life[i - 1])?.x ?? NaN) < (boxes.get(life[i])?.x ?? NaN), `${life[i - 1]} left of ${life[i]}`);
  assert.ok((boxes.get('rejected')?.y ?? 0) > (boxes.get('registered')?.y ?? Infinity));
  assert.ok((boxes.get('deadLettered')?.y ?? 0) > (boxes.get('registered')?.y ?? Infinity));
  const labels = [...svg.matchAll(/<text class="transition-label" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => {
    const w = m[3].length * 6.2;
    return { left: Number(m[1]) - w / 2, right: Number(m[1]) + w / 2, top: Number(m[2]) - 11, bottom: Number(m[2]) + 2, text: m[3] };
  });
  assert.equal(labels.length, report.transitions.length);
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i];
      const b = labels[j];
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      assert.ok(!overlap, `labels overlap: "${a.text}" and "${b.text}"`);
    }
  }
});
