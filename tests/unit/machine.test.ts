import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diameterError, localError, mapError } from '../../src/protocol/codes';
import type { AttemptRecord } from '../../src/roaming/link';
import { RoamingInterpreter, type StepRunner } from '../../src/roaming/interpreter';
import { type RoamingCommand as RoamingEvent, type RoamingSnapshot, SETTLED_STATES, roamingMachine } from '../../src/roaming/machine';
import type { StepResult, Target } from '../../src/roaming/ue';

const IMSI = '234159900000001';
const GERMANY_LTE: Target = { plmn: '262-01', rat: 'LTE' };
const FRANCE_UMTS: Target = { plmn: '208-01', rat: 'UMTS' };
const OK: StepResult = { status: 'ok' };

type ActorName = 'authenticate' | 'updateLocation' | 'detach';
interface Call {
  readonly actor: ActorName;
  readonly input: { imsi: string; target: Target };
  settle(result: StepResult): void;
  crash(error: Error): void;
}

/** The machine as the tests drive it: a snapshot on the one interpreter, commands sent as a caller would. */
interface Driven {
  getSnapshot(): RoamingSnapshot;
  send(command: RoamingEvent): void;
  settled(): Promise<RoamingSnapshot>;
}

/**
 * Fake steps that park every call until the test settles it, so each intermediate state can be observed.
 * No network, no timers: a call is a promise the test resolves.
 */
function fakeNetwork() {
  const calls: Call[] = [];
  const waiters: Array<() => void> = [];
  const park = (actor: ActorName) => (target: Target) =>
    new Promise<StepResult>((resolve, reject) => {
      calls.push({ actor, input: { imsi: IMSI, target }, settle: resolve, crash: reject });
      waiters.splice(0).forEach((wake) => wake());
    });
  const steps: StepRunner = { authenticate: park('authenticate'), updateLocation: park('updateLocation'), detach: park('detach') };
  const interpreter = new RoamingInterpreter({ memo: false });
  let current = interpreter.start();
  let running: Promise<RoamingSnapshot> = Promise.resolve(current);
  const actor: Driven = {
    getSnapshot: () => current,
    // A command the state does not accept is ignored, as the machine itself would.
    send: (command) => {
      if (!current.can(command)) return;
      running = interpreter.send(current, command, steps, (snapshot) => (current = snapshot));
    },
    settled: () => running,
  };
  /** The n-th call made to any fake step (0-based), once it has been made. */
  async function call(n: number, expected: ActorName): Promise<Call> {
    while (calls.length <= n) await new Promise<void>((wake) => waiters.push(wake));
    assert.equal(calls[n].actor, expected, `call ${n} goes to ${expected}`);
    return calls[n];
  }
  return { actor, calls, call };
}

function stateOf(actor: Driven): unknown {
  return actor.getSnapshot().value;
}

async function settled(actor: Driven) {
  const snapshot = await actor.settled();
  assert.ok(SETTLED_STATES.some((state) => snapshot.matches(state)));
  return snapshot;
}

/** Drives a fresh actor to `registered` at the target. */
async function registeredAt(target: Target) {
  const fake = fakeNetwork();
  fake.actor.send({ type: 'ATTACH', target });
  (await fake.call(0, 'authenticate')).settle(OK);
  (await fake.call(1, 'updateLocation')).settle(OK);
  await settled(fake.actor);
  assert.equal(stateOf(fake.actor), 'registered');
  return fake;
}

test('a new subscriber starts idle with no serving network', () => {
  const { actor } = fakeNetwork();
  assert.equal(stateOf(actor), 'idle');
  const { context } = actor.getSnapshot();
  assert.equal(context.serving, undefined);
  assert.equal(context.target, undefined);
});

test('ATTACH: idle → attaching.authenticating → attaching.updatingLocation → registered', async () => {
  const { actor, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  assert.deepEqual(stateOf(actor), { attaching: 'authenticating' });
  const authenticate = await call(0, 'authenticate');
  assert.deepEqual(authenticate.input, { imsi: IMSI, target: GERMANY_LTE });
  assert.deepEqual(actor.getSnapshot().context.target, GERMANY_LTE);

  authenticate.settle(OK);
  const updateLocation = await call(1, 'updateLocation');
  assert.deepEqual(stateOf(actor), { attaching: 'updatingLocation' });
  assert.deepEqual(updateLocation.input, { imsi: IMSI, target: GERMANY_LTE });

  updateLocation.settle(OK);
  await settled(actor);
  assert.equal(stateOf(actor), 'registered');
  assert.deepEqual(actor.getSnapshot().context.serving, GERMANY_LTE);
});

test('a refused authentication ends in rejected, records the error and never updates the location', async () => {
  const { actor, calls, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  const refusal = localError('authenticationFailure', 'RES does not match XRES');
  (await call(0, 'authenticate')).settle({ status: 'rejected', error: refusal });
  await settled(actor);
  assert.equal(stateOf(actor), 'rejected');
  assert.deepEqual(actor.getSnapshot().context.lastError, refusal);
  assert.equal(actor.getSnapshot().context.serving, undefined);
  assert.deepEqual(calls.map((c) => c.actor), ['authenticate']);
});

test('a refused location update ends in rejected with the home network error', async () => {
  const { actor, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  (await call(0, 'authenticate')).settle(OK);
  const refusal = diameterError('DIAMETER_ERROR_ROAMING_NOT_ALLOWED');
  (await call(1, 'updateLocation')).settle({ status: 'rejected', error: refusal });
  await settled(actor);
  assert.equal(stateOf(actor), 'rejected');
  assert.deepEqual(actor.getSnapshot().context.lastError, refusal);
  assert.equal(actor.getSnapshot().context.deadLetterAttempts, undefined);
  assert.equal(actor.getSnapshot().context.serving, undefined);
});

test('retries that ran out end in deadLettered with every attempt', async () => {
  const { actor, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: FRANCE_UMTS });
  (await call(0, 'authenticate')).settle(OK);
  const error = mapError('systemFailure');
  const attempts: AttemptRecord[] = [1, 2, 3, 4].map((attempt) => ({ attempt, at: 1000 * attempt, error }));
  (await call(1, 'updateLocation')).settle({ status: 'dead-lettered', error, attempts });
  await settled(actor);
  assert.equal(stateOf(actor), 'deadLettered');
  assert.deepEqual(actor.getSnapshot().context.lastError, error);
  assert.deepEqual(actor.getSnapshot().context.deadLetterAttempts, attempts);
});

test('a dead-lettered authentication also ends in deadLettered', async () => {
  const { actor, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: FRANCE_UMTS });
  const error = localError('timeout');
  (await call(0, 'authenticate')).settle({ status: 'dead-lettered', error, attempts: [{ attempt: 1, at: 0, error }] });
  await settled(actor);
  assert.equal(stateOf(actor), 'deadLettered');
});

test('an actor that throws ends in rejected with a local transportError carrying the message', async () => {
  const { actor, call } = fakeNetwork();
  actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  (await call(0, 'authenticate')).crash(new Error('socket hang up'));
  await settled(actor);
  assert.equal(stateOf(actor), 'rejected');
  assert.deepEqual(actor.getSnapshot().context.lastError, { kind: 'local', name: 'transportError', detail: 'Error: socket hang up' });
});

test('MOVE from registered: moving.authenticating → moving.updatingLocation → registered at the new target', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'MOVE', target: FRANCE_UMTS });
  assert.deepEqual(stateOf(actor), { moving: 'authenticating' });
  const authenticate = await call(2, 'authenticate');
  assert.deepEqual(authenticate.input.target, FRANCE_UMTS);
  authenticate.settle(OK);
  const updateLocation = await call(3, 'updateLocation');
  assert.deepEqual(stateOf(actor), { moving: 'updatingLocation' });
  // The old registration stands until the new one is confirmed.
  assert.deepEqual(actor.getSnapshot().context.serving, GERMANY_LTE);
  updateLocation.settle(OK);
  await settled(actor);
  assert.equal(stateOf(actor), 'registered');
  assert.deepEqual(actor.getSnapshot().context.serving, FRANCE_UMTS);
});

test('a refused MOVE keeps the old serving network, and DETACH from there detaches it', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'MOVE', target: FRANCE_UMTS });
  (await call(2, 'authenticate')).settle(OK);
  (await call(3, 'updateLocation')).settle({ status: 'rejected', error: mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') });
  await settled(actor);
  assert.equal(stateOf(actor), 'rejected');
  assert.deepEqual(actor.getSnapshot().context.serving, GERMANY_LTE);

  actor.send({ type: 'DETACH' });
  assert.equal(stateOf(actor), 'detaching');
  const detach = await call(4, 'detach');
  assert.deepEqual(detach.input, { imsi: IMSI, target: GERMANY_LTE });
  detach.settle(OK);
  await settled(actor);
  assert.equal(stateOf(actor), 'detached');
});

test('DETACH from registered: detaching with the serving network → detached, serving cleared', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'DETACH' });
  assert.equal(stateOf(actor), 'detaching');
  const detach = await call(2, 'detach');
  assert.deepEqual(detach.input, { imsi: IMSI, target: GERMANY_LTE });
  detach.settle(OK);
  await settled(actor);
  assert.equal(stateOf(actor), 'detached');
  assert.equal(actor.getSnapshot().context.serving, undefined);
});

test('a detach that crashes still ends detached, with the error recorded', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'DETACH' });
  (await call(2, 'detach')).crash(new Error('connection refused'));
  await settled(actor);
  assert.equal(stateOf(actor), 'detached');
  assert.equal(actor.getSnapshot().context.serving, undefined);
  assert.deepEqual(actor.getSnapshot().context.lastError, { kind: 'local', name: 'transportError', detail: 'Error: connection refused' });
});

test('ATTACH again after a detach goes through authentication again', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'DETACH' });
  (await call(2, 'detach')).settle(OK);
  await settled(actor);
  actor.send({ type: 'ATTACH', target: FRANCE_UMTS });
  assert.deepEqual(stateOf(actor), { attaching: 'authenticating' });
  (await call(3, 'authenticate')).settle(OK);
  (await call(4, 'updateLocation')).settle(OK);
  await settled(actor);
  assert.deepEqual(actor.getSnapshot().context.serving, FRANCE_UMTS);
});

test('ignored events: MOVE and DETACH in idle, everything while a registration is in progress', async () => {
  const { actor, calls, call } = fakeNetwork();
  const move: RoamingEvent = { type: 'MOVE', target: FRANCE_UMTS };
  const detach: RoamingEvent = { type: 'DETACH' };
  assert.equal(actor.getSnapshot().can(move), false);
  assert.equal(actor.getSnapshot().can(detach), false);
  actor.send(move);
  actor.send(detach);
  assert.equal(stateOf(actor), 'idle');

  actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  await call(0, 'authenticate');
  for (const event of [{ type: 'ATTACH', target: FRANCE_UMTS }, move, detach] as RoamingEvent[]) {
    assert.equal(actor.getSnapshot().can(event), false, `${event.type} while authenticating`);
    actor.send(event);
  }
  assert.deepEqual(stateOf(actor), { attaching: 'authenticating' });
  assert.deepEqual(actor.getSnapshot().context.target, GERMANY_LTE);
  assert.equal(calls.length, 1);
});

test('ignored events: MOVE and DETACH once detached; DETACH after a refused first attach', async () => {
  const { actor, call } = await registeredAt(GERMANY_LTE);
  actor.send({ type: 'DETACH' });
  (await call(2, 'detach')).settle(OK);
  await settled(actor);
  assert.equal(actor.getSnapshot().can({ type: 'MOVE', target: FRANCE_UMTS }), false);
  assert.equal(actor.getSnapshot().can({ type: 'DETACH' }), false);
  assert.equal(actor.getSnapshot().can({ type: 'ATTACH', target: FRANCE_UMTS }), true);

  const refused = fakeNetwork();
  refused.actor.send({ type: 'ATTACH', target: GERMANY_LTE });
  (await refused.call(0, 'authenticate')).settle({ status: 'rejected', error: localError('authenticationFailure') });
  await settled(refused.actor);
  // Nothing to detach from: the guard needs a serving network.
  assert.equal(refused.actor.getSnapshot().can({ type: 'DETACH' }), false);
  refused.actor.send({ type: 'DETACH' });
  assert.equal(stateOf(refused.actor), 'rejected');
  assert.equal(refused.actor.getSnapshot().can({ type: 'ATTACH', target: GERMANY_LTE }), true);
});

test('registered accepts MOVE, ATTACH and DETACH', async () => {
  const { actor } = await registeredAt(GERMANY_LTE);
  for (const event of [{ type: 'MOVE', target: FRANCE_UMTS }, { type: 'ATTACH', target: FRANCE_UMTS }, { type: 'DETACH' }] as RoamingEvent[]) {
    assert.equal(actor.getSnapshot().can(event), true, event.type);
  }
});

test('a state that needs the network names its step by tag; settled states name none', () => {
  const interpreter = new RoamingInterpreter({ memo: false });
  const idle = interpreter.start();
  assert.equal(idle.hasTag('authenticate'), false);
  for (const state of SETTLED_STATES) {
    const node = roamingMachine.root.states[state];
    assert.deepEqual([...(node?.tags ?? [])], [], `${state} carries no step tag`);
  }
  assert.deepEqual([...(roamingMachine.root.states.attaching.states.authenticating.tags ?? [])], ['authenticate']);
  assert.deepEqual([...(roamingMachine.root.states.moving.states.updatingLocation.tags ?? [])], ['updateLocation']);
  assert.deepEqual([...(roamingMachine.root.states.detaching.tags ?? [])], ['detach']);
});
