import { assign, fromPromise, setup } from 'xstate';
import type { ProtocolError } from '../protocol/codes';
import type { AttemptRecord } from './link';
import type { StepResult, Target } from './ue';

export interface RoamingContext {
  readonly imsi: string;
  readonly homePlmn: string;
  /** Where the subscriber is registered now. */
  serving?: Target;
  /** Where the current attach or move is heading. */
  target?: Target;
  lastError?: ProtocolError;
  deadLetterAttempts?: readonly AttemptRecord[];
}

export type RoamingEvent =
  | { type: 'ATTACH'; target: Target }
  | { type: 'MOVE'; target: Target }
  | { type: 'DETACH' };

type StepInput = { imsi: string; target: Target };

const notProvided = (name: string) =>
  fromPromise<StepResult, StepInput>(async () => {
    throw new Error(`roaming machine: actor "${name}" is not provided; create the machine with createRoamingMachine(ue) or machine.provide({ actors: { ${name} } })`);
  });

/** Authenticating then updating location: the same two steps for a first attach and for a move. */
function registrationStates() {
  const settle = (next: string, onSuccess?: 'recordServing') => [
    { guard: 'stepRejected' as const, target: '#roaming.rejected', actions: 'recordFailure' as const },
    { guard: 'stepDeadLettered' as const, target: '#roaming.deadLettered', actions: 'recordFailure' as const },
    onSuccess ? { target: next, actions: onSuccess } : { target: next },
  ];
  const input = ({ context }: { context: RoamingContext }): StepInput => ({ imsi: context.imsi, target: context.target as Target });
  return {
    initial: 'authenticating' as const,
    states: {
      authenticating: {
        invoke: { src: 'authenticate' as const, input, onDone: settle('updatingLocation'), onError: { target: '#roaming.rejected', actions: 'recordCrash' as const } },
      },
      updatingLocation: {
        invoke: {
          src: 'updateLocation' as const,
          input,
          onDone: settle('#roaming.registered', 'recordServing'),
          onError: { target: '#roaming.rejected', actions: 'recordCrash' as const },
        },
      },
    },
  };
}

/**
 * One synthetic subscriber's roaming life, from the UE's side. Transports are the named actors
 * `authenticate`, `updateLocation` and `detach`, swapped per mode with `provide()`; nothing here knows HTTP.
 */
export const roamingMachine = setup({
  types: {
    context: {} as RoamingContext,
    events: {} as RoamingEvent,
    input: {} as { imsi: string; homePlmn: string },
  },
  actors: {
    authenticate: notProvided('authenticate'),
    updateLocation: notProvided('updateLocation'),
    detach: notProvided('detach'),
  },
  guards: {
    hasServing: ({ context }) => context.serving !== undefined,
    stepRejected: ({ event }) => (event as unknown as { output: StepResult }).output.status === 'rejected',
    stepDeadLettered: ({ event }) => (event as unknown as { output: StepResult }).output.status === 'dead-lettered',
  },
  actions: {
    setTarget: assign({ target: ({ event }) => (event.type === 'DETACH' ? undefined : event.target), lastError: undefined, deadLetterAttempts: undefined }),
    recordFailure: assign(({ event }) => {
      const output = (event as unknown as { output: StepResult }).output;
      if (output.status === 'ok') return {};
      return { lastError: output.error, deadLetterAttempts: output.status === 'dead-lettered' ? output.attempts : undefined };
    }),
    recordCrash: assign({
      lastError: ({ event }) => ({ kind: 'local', name: 'transportError', detail: String((event as unknown as { error: unknown }).error) }) as ProtocolError,
    }),
    recordServing: assign({ serving: ({ context }) => context.target }),
    clearServing: assign({ serving: undefined }),
  },
}).createMachine({
  id: 'roaming',
  initial: 'idle',
  context: ({ input }) => ({ imsi: input.imsi, homePlmn: input.homePlmn }),
  states: {
    idle: { on: { ATTACH: { target: 'attaching', actions: 'setTarget' } } },
    attaching: registrationStates(),
    registered: {
      on: {
        MOVE: { target: 'moving', actions: 'setTarget' },
        ATTACH: { target: 'attaching', actions: 'setTarget' },
        DETACH: { target: 'detaching' },
      },
    },
    moving: registrationStates(),
    detaching: {
      invoke: {
        src: 'detach',
        input: ({ context }) => ({ imsi: context.imsi, target: context.serving as Target }),
        onDone: { target: 'detached', actions: 'clearServing' },
        onError: { target: 'detached', actions: ['recordCrash', 'clearServing'] },
      },
    },
    detached: { on: { ATTACH: { target: 'attaching', actions: 'setTarget' } } },
    // A refused move leaves the old registration in place (the old VLR/MME keeps its record until cancelled).
    rejected: {
      on: { ATTACH: { target: 'attaching', actions: 'setTarget' }, MOVE: { target: 'moving', actions: 'setTarget' }, DETACH: { guard: 'hasServing', target: 'detaching' } },
    },
    deadLettered: {
      on: { ATTACH: { target: 'attaching', actions: 'setTarget' }, MOVE: { target: 'moving', actions: 'setTarget' }, DETACH: { guard: 'hasServing', target: 'detaching' } },
    },
  },
});

export type RoamingMachine = typeof roamingMachine;

/** Settled states: a step or command waits until the actor reaches one of these. */
export const SETTLED_STATES = ['idle', 'registered', 'detached', 'rejected', 'deadLettered'] as const;

export function createRoamingMachine(ue: (imsi: string) => { authenticate(t: Target): Promise<StepResult>; updateLocation(t: Target): Promise<StepResult>; detach(t: Target): Promise<StepResult> }) {
  return roamingMachine.provide({
    actors: {
      authenticate: fromPromise<StepResult, StepInput>(({ input }) => ue(input.imsi).authenticate(input.target)),
      updateLocation: fromPromise<StepResult, StepInput>(({ input }) => ue(input.imsi).updateLocation(input.target)),
      detach: fromPromise<StepResult, StepInput>(({ input }) => ue(input.imsi).detach(input.target)),
    },
  });
}
