import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type FaultAction, parseOperation } from '../../mocks/faults';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { parseErrorName } from '../../src/protocol/codes';
import { RATS, type Rat } from '../../src/protocol/rat';
import { SimulatedClock } from '../../src/roaming/clock';
import { DeadLetterLog, type DeadLetterRecord } from '../../src/roaming/dead-letter';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type JourneyEvent } from '../../src/roaming/events';
import { SeededRandom } from '../../src/subscribers/random';
import { runPseudonymizer } from '../../src/subscribers/run-pseudonymizer';

const JOURNEYS = 1000;
const SEED = 20261126;
const OPERATIONS = ['UpdateLocation', 'SendAuthenticationInfo'] as const;
const TRANSIENT = ['systemFailure', 'DIAMETER_TOO_BUSY', 'DIAMETER_UNABLE_TO_DELIVER', 'DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE'];
const PERMANENT = ['unknownSubscriber', 'roamingNotAllowed', 'DIAMETER_ERROR_USER_UNKNOWN', 'DIAMETER_ERROR_ROAMING_NOT_ALLOWED'];

type Expected = 'accepted' | 'rejected' | 'dead-lettered' | 'any';

/**
 * One journey's fault plan. 20 % of the journeys get one, over UpdateLocation or SendAuthenticationInfo:
 * a burst of transient errors (1–6 of them: up to 3 are absorbed by the 4 attempts), a permanent error,
 * an HLR/HSS that never answers, or a per-request transient percentage. Returns what the plan must lead to.
 */
function planFaults(network: MockNetwork, random: SeededRandom): { expected: Expected; plan: string } {
  network.faults.clear();
  if (random.next() >= 0.2) return { expected: 'accepted', plan: 'none' };
  const operation = OPERATIONS[random.int(OPERATIONS.length)];
  const procedures = parseOperation(operation);
  const error = (names: readonly string[]): FaultAction => ({ kind: 'error', error: parseErrorName(names[random.int(names.length)]) });
  switch (random.int(4)) {
    case 0: {
      const count = 1 + random.int(6);
      network.faults.add(procedures, error(TRANSIENT), { count });
      return { expected: count < 4 ? 'accepted' : 'dead-lettered', plan: `${count} transient ${operation}` };
    }
    case 1:
      network.faults.add(procedures, error(PERMANENT), { count: 1 });
      return { expected: 'rejected', plan: `permanent ${operation}` };
    case 2:
      network.faults.add(procedures, { kind: 'no-answer' });
      return { expected: 'dead-lettered', plan: `no answer ${operation}` };
    default: {
      const percent = 20 + random.int(61);
      network.faults.add(procedures, error(TRANSIENT), { percent });
      return { expected: 'any', plan: `${percent}% transient ${operation}` };
    }
  }
}

describe('journey conservation under a seeded fault mix (direct mode)', () => {
  it(`accepted + rejected + dead-lettered = attempted over ${JOURNEYS} journeys, one dead-letter line each`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roamsim-conservation-'));
    try {
      const config = loadConfig({ announce: () => undefined });
      const clock = new SimulatedClock(Date.UTC(2026, 10, 26));
      const bus = new EventBus((error) => assert.fail(`a sink failed: ${String(error)}`));
      const network = new MockNetwork({ config, seed: SEED, clock, bus, scenario: 'conservation' });
      const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock, scenario: 'conservation' });
      const deadLetters = new DeadLetterLog({ file: join(dir, 'dead-letter.jsonl'), pseudonymizer: runPseudonymizer(config) });
      deadLetters.attach(bus);
      const registrations: JourneyEvent[] = [];
      bus.onJourney((event) => {
        if (event.type === 'registration') registrations.push(event);
      });

      const random = new SeededRandom(SEED, 7);
      const generator = network.generator('234-15');
      const visited = ['262-01', '208-01'];
      const tally = { attempted: 0, accepted: 0, rejected: 0, 'dead-lettered': 0 };
      const rawImsis: string[] = [];
      for (let i = 0; i < JOURNEYS; i++) {
        const identity = { ...generator.identity(i), profile: 'postpaid' };
        network.store.add(identity);
        rawImsis.push(identity.imsi);
        const { expected, plan } = planFaults(network, random);
        const rat: Rat = RATS[random.int(RATS.length)];
        tally.attempted++;
        const outcome = await engine.attach(identity.imsi, visited[i % visited.length], rat);
        tally[outcome.outcome]++;
        if (expected !== 'any') assert.equal(outcome.outcome, expected, `journey ${i} (${plan} over ${rat})`);
        if (outcome.outcome === 'dead-lettered') assert.equal(outcome.attempts.length, config.retry.maxAttempts, `journey ${i}: every attempt is listed`);
        if (outcome.outcome !== 'accepted') assert.equal(network.store.record(identity.imsi)?.location, undefined, `journey ${i}: no location after ${outcome.outcome}`);
      }
      engine.stop();

      assert.equal(tally.accepted + tally.rejected + tally['dead-lettered'], tally.attempted);
      assert.equal(registrations.length, tally.attempted, 'one registration event per journey');
      // The mix really exercised every outcome.
      assert.ok(tally.rejected > 10 && tally['dead-lettered'] > 10 && tally.accepted > 800, JSON.stringify(tally));

      const lines = readFileSync(deadLetters.file, 'utf8').split('\n').filter((line) => line !== '');
      assert.equal(lines.length, tally['dead-lettered'], 'one dead-letter line per dead-lettered journey');
      assert.deepEqual(lines, deadLetters.lines);
      for (const line of lines) {
        const record = JSON.parse(line) as DeadLetterRecord;
        assert.equal(record.attempts.length, config.retry.maxAttempts);
        assert.ok(OPERATIONS.some((operation) => parseOperation(operation).includes(record.procedure as never)), `procedure ${record.procedure}`);
        assert.equal(record.homePlmn, '234-15');
        assert.ok(visited.includes(record.visitedPlmn) && (RATS as readonly string[]).includes(record.rat));
        assert.match(record.subscriber, /^23415\d{10}$/, 'the pseudonym keeps MCC+MNC and the length');
        assert.ok(!/"ki"|"opc"|"k"|"rand"|"xres"|"kasme"/i.test(line), `no key material: ${line}`);
      }
      const all = lines.join('\n');
      assert.ok(rawImsis.every((imsi) => !all.includes(imsi)), 'no raw IMSI in the dead-letter log');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
