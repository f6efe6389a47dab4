import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load';
import { InputError } from '../../src/errors';
import { defaultMix } from '../../src/load/mix';
import { Schedule, planPopulation } from '../../src/load/population';
import { formatShard, inShard, parseShard, shardMembers, shardSize, subShard } from '../../src/load/shard';

const config = loadConfig({ announce: () => undefined });

test('shards 0..N-1 together cover every index exactly once', () => {
  for (const total of [0, 1, 7, 100, 1001]) {
    for (const count of [1, 2, 3, 4, 7, 16, 1200]) {
      const seen = new Uint8Array(total);
      let members = 0;
      for (let index = 0; index < count; index++) {
        const shard = { index, count };
        const list = [...shardMembers(total, shard)];
        assert.equal(list.length, shardSize(total, shard), `size of shard ${index}/${count} of ${total}`);
        for (const member of list) {
          assert.ok(inShard(member, shard));
          seen[member]++;
        }
        members += list.length;
      }
      assert.equal(members, total, `${count} shards of ${total}`);
      assert.ok(seen.every((times) => times === 1), `every index of ${total} in exactly one of ${count} shards`);
    }
  }
});

test('shard schedules over a population cover each subscriber (home, index) exactly once', () => {
  const population = planPopulation(10_000, defaultMix(config), config);
  assert.equal(population.shares.reduce((sum, share) => sum + share.count, 0), 10_000);
  for (const count of [1, 3, 8]) {
    const seen = new Set<string>();
    for (let index = 0; index < count; index++) {
      const schedule = new Schedule(population.shares, { index, count });
      for (let slot = schedule.next(); slot; slot = schedule.next()) {
        const key = `${slot.home}|${slot.index}`;
        assert.ok(!seen.has(key), `${key} scheduled twice with ${count} shards`);
        assert.equal(slot.index % count, index, 'generator index i belongs to shard i mod N');
        seen.add(key);
      }
    }
    assert.equal(seen.size, 10_000, `${count} shards together`);
  }
});

test('worker sub-shards of a shard are disjoint and together make the shard', () => {
  const shard = { index: 1, count: 3 };
  const total = 500;
  const whole = [...shardMembers(total, shard)];
  const parts = [0, 1, 2, 3].map((part) => [...shardMembers(total, subShard(shard, part, 4))]);
  assert.deepEqual(parts.flat().sort((a, b) => a - b), whole);
});

test('the schedule interleaves homes in proportion and can go round again', () => {
  const schedule = new Schedule([{ home: 'A', count: 6, widened: false }, { home: 'B', count: 3, widened: false }], { index: 0, count: 1 });
  const order: string[] = [];
  for (let slot = schedule.next(); slot; slot = schedule.next()) order.push(`${slot.home}${slot.index}`);
  assert.deepEqual(order, ['A0', 'B0', 'A1', 'A2', 'B1', 'A3', 'A4', 'B2', 'A5']);
  schedule.rewind();
  assert.deepEqual(schedule.next(), { home: 'A', index: 0 });
});

test('--shard takes I/N with 0 <= I < N and names the flag when wrong', () => {
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  assert.equal(formatShard(parseShard(' 0 / 1 ')), '0/1');
  for (const bad of ['5/5', '1/0', '-1/4', 'a/b', '3', '']) {
    assert.throws(() => parseShard(bad), (error: unknown) => error instanceof InputError && /--shard/.test(error.message) && /0 <= I < N/.test(error.message), bad);
  }
});
