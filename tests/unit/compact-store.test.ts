import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { parsePlmn } from '../../src/protocol/plmn';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';
import { BYTES_PER_SUBSCRIBER, CompactSubscriberStore, IndexDecoder } from '../../src/subscribers/compact-store';
import { SubscriberGenerator } from '../../src/subscribers/generator';
import { MapSubscriberStore, SQN_STEP } from '../../src/subscribers/store';

const OP = Buffer.from('cdc202d5123e20f62b6d676ac72cb318', 'hex');
const SECRET = 'unit-test-secret';
const FR = '208-01';
const COUNT = 100_000;

function generators(): (plmn: string) => SubscriberGenerator {
  const made = new Map<string, SubscriberGenerator>();
  return (plmn) => {
    let generator = made.get(plmn);
    if (!generator) made.set(plmn, (generator = new SubscriberGenerator(parsePlmn(plmn), undefined, 42, SECRET, OP)));
    return generator;
  };
}

function sample(count: number, every: number): number[] {
  const out: number[] = [];
  for (let index = 0; index < count; index += every) out.push(index);
  out.push(count - 1);
  return out;
}

test('provisions 100k subscribers whose identities are the generator\'s, found again by IMSI', () => {
  const generatorFor = generators();
  const store = new CompactSubscriberStore(generatorFor, { cacheSize: 256 });
  store.provision(FR, { count: COUNT, profile: (index) => (index % 10 === 0 ? 'prepaid' : 'postpaid') });
  assert.equal(store.size, COUNT);
  assert.equal(store.capacity, COUNT);
  const generator = generatorFor(FR);
  for (const index of sample(COUNT, 997)) {
    const expected = { ...generator.identity(index), profile: index % 10 === 0 ? 'prepaid' : 'postpaid' };
    const record = store.record(expected.imsi);
    assert.deepEqual(record?.identity, expected, `identity of index ${index}`);
    assert.deepEqual(store.sim(expected.imsi)?.identity, expected);
    assert.deepEqual(store.touch(FR, index), expected);
  }
  // Outside the block, another network or not an IMSI at all: unknown.
  assert.equal(store.record(generator.identity(COUNT).imsi), undefined);
  assert.equal(store.record('262019900000000'), undefined);
  assert.equal(store.record('not-an-imsi'), undefined);
});

test('typed arrays hold BYTES_PER_SUBSCRIBER per subscriber, under 500 bytes (2,000,000 per GB)', (t) => {
  const store = new CompactSubscriberStore(generators());
  store.provision(FR, { count: COUNT });
  assert.equal(store.byteLength, COUNT * BYTES_PER_SUBSCRIBER);
  assert.ok(BYTES_PER_SUBSCRIBER <= 500);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    t.diagnostic('run node with --expose-gc to also measure heap bytes per subscriber');
    return;
  }
  gc();
  const before = process.memoryUsage();
  const measured = new CompactSubscriberStore(generators());
  measured.provision(FR, { count: COUNT });
  gc();
  const after = process.memoryUsage();
  const bytes = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / COUNT;
  t.diagnostic(`measured ${bytes.toFixed(1)} bytes per subscriber (heap + array buffers), ${measured.size} held`);
});

test('SQN, barring, location and a foreign key survive leaving the cache; a forgotten record stays forgotten', () => {
  const store = new CompactSubscriberStore(generators(), { cacheSize: 64 });
  store.provision(FR, { count: COUNT });
  const generator = generators()(FR);
  const indices = sample(COUNT, 4_999);
  const node = { kind: 'MME' as const, plmn: '234-15', address: 'mme.epc.mnc015.mcc234.3gppnetwork.org' };
  for (const [n, index] of indices.entries()) {
    const imsi = generator.identity(index).imsi;
    const record = store.record(imsi);
    const sim = store.sim(imsi);
    assert.ok(record && sim);
    record.sqn += SQN_STEP * (n + 1);
    sim.sqnMs = record.sqn;
    record.barred = n % 2 === 0;
    if (n % 3 === 0) record.location = { node, rat: 'LTE', since: 1_700_000_000_000 + n };
    if (n % 5 === 0) sim.foreignKey = true;
  }
  const forgotten = generator.identity(indices[1]).imsi;
  store.forget(forgotten);
  assert.equal(store.size, COUNT - 1);
  // Push everything out of the two generations, then read back from the arrays.
  for (let index = 10; index < 400; index++) store.touch(FR, index * 3);
  store.flush();
  assert.equal(store.cached, 0);
  for (const [n, index] of indices.entries()) {
    const imsi = generator.identity(index).imsi;
    const record = store.record(imsi);
    const sim = store.sim(imsi);
    assert.ok(sim, `SIM of index ${index}`);
    assert.equal(sim.sqnMs, SQN_STEP * (n + 1));
    assert.equal(sim.foreignKey, n % 5 === 0);
    if (imsi === forgotten) {
      assert.equal(record, undefined);
      assert.throws(() => store.aucKeys(imsi), /no HLR\/HSS record/);
      continue;
    }
    assert.ok(record, `record of index ${index}`);
    assert.equal(record.sqn, SQN_STEP * (n + 1));
    assert.equal(record.barred, n % 2 === 0);
    if (n % 3 === 0) assert.deepEqual(record.location, { node, rat: 'LTE', since: 1_700_000_000_000 + n });
    else assert.equal(record.location, undefined);
  }
  // `delete record.location` (what the HLR/HSS does on a cancel or purge) also sticks.
  const located = generator.identity(indices[0]).imsi;
  const record = store.record(located);
  assert.ok(record?.location);
  delete record.location;
  store.flush();
  assert.equal(store.record(located)?.location, undefined);
});

test('keys are the generator\'s (the Map store\'s), a foreign-key SIM holds another Ki', () => {
  const generatorFor = generators();
  const compact = new CompactSubscriberStore(generatorFor);
  compact.provision(FR, { count: 1000 });
  const map = new MapSubscriberStore(generatorFor);
  const identity = generatorFor(FR).identity(123);
  map.add(identity);
  assert.deepEqual(compact.aucKeys(identity.imsi), map.aucKeys(identity.imsi));
  assert.deepEqual(compact.simKeys(identity.imsi), map.simKeys(identity.imsi));
  (compact.sim(identity.imsi) as { foreignKey: boolean }).foreignKey = true;
  (map.sim(identity.imsi) as { foreignKey: boolean }).foreignKey = true;
  assert.deepEqual(compact.simKeys(identity.imsi), map.simKeys(identity.imsi));
  assert.notDeepEqual(compact.simKeys(identity.imsi).ki, compact.aucKeys(identity.imsi).ki);
});

test('a shard block holds indices first, first+step, …; add() outside the blocks still works', () => {
  const generatorFor = generators();
  const store = new CompactSubscriberStore(generatorFor);
  store.provision(FR, { first: 2, step: 5, count: 1000 });
  const generator = generatorFor(FR);
  assert.equal(store.byteLength, 1000 * BYTES_PER_SUBSCRIBER);
  assert.ok(store.record(generator.identity(2).imsi));
  assert.ok(store.record(generator.identity(2 + 5 * 999).imsi));
  assert.equal(store.record(generator.identity(3).imsi), undefined);
  assert.equal(store.touch(FR, 3), undefined);
  const outsider = { ...generator.identity(3), profile: 'business' };
  store.add(outsider);
  assert.deepEqual(store.record(outsider.imsi)?.identity, outsider);
  assert.equal(store.size, 1001);
});

test('IMSI → index inverts the generator permutation', () => {
  const generator = new SubscriberGenerator(parsePlmn('310-260'), undefined, 7, SECRET, OP);
  const decoder = new IndexDecoder(generator);
  for (const index of [0, 1, 2, 99, 123_456, generator.capacity - 1]) assert.equal(decoder.indexOf(generator.identity(index).imsi), index);
  assert.equal(decoder.indexOf('31026099'), undefined);
});

test('MockNetwork runs a registration on the compact store: the HSS records the location', async () => {
  const config = loadConfig({ announce: () => undefined });
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const bus = new EventBus();
  let store: CompactSubscriberStore | undefined;
  const network = new MockNetwork({ config, seed: 5, clock, bus, store: (generatorFor) => (store = new CompactSubscriberStore(generatorFor, { cacheSize: 64 })) });
  assert.ok(store);
  store.provision('234-15', { count: 1000 });
  const identity = store.touch('234-15', 17);
  assert.ok(identity);
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const outcome = await engine.attach(identity.imsi, '262-01', 'LTE');
  engine.stop();
  assert.equal(outcome.outcome, 'accepted');
  store.flush();
  const record = network.store.record(identity.imsi);
  assert.equal(record?.location?.node.plmn, '262-01');
  assert.equal(record?.location?.rat, 'LTE');
  assert.equal(record?.sqn, SQN_STEP);
  assert.equal(network.store.sim(identity.imsi)?.sqnMs, SQN_STEP);
});
