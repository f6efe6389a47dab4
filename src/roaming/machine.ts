import { assign, setup } from 'xstate';
import type { ProtocolError } from '../protocol/codes';
import type { AttemptRecord } from './link';
import type { Target } from './ue';

export interface RoamingContext {
  /** Where the subscriber is registered now. */
  serving?: Target;
  /** Where the current attach or move is heading. */
  target?: Target;
  lastError?: ProtocolError;
  deadLetterAttempts?: readonly AttemptRecord[];
}

/** Commands the engine sends for a subscriber. */
export type RoamingCommand = { type: 'ATTACH'; target: Target } | { type: 'MOVE'; target: Target } | { type: 'DETACH' };

/**
 * How the step the machine is waiting for came out (the interpreter runs the step named by the state's tag
 * and sends one of these): plain events, so a pure `transition()` reads them like any command.
 */
export type StepEvent =
  | { type: 'STEP_OK' }
  | { type: 'STEP_REJECTED'; error: ProtocolError }
  | { type: 'STEP_DEAD_LETTERED'; error: ProtocolError; attempts: readonly AttemptRecord[] }
  | { type: 'STEP_CRASHED'; detail: string };

export type RoamingEvent = RoamingCommand | StepEvent;

/** The steps a state can ask for, as state tags: the interpreter runs the UE's method of that name. */
export const STEPS = ['authenticate', 'updateLocation', 'detach'] as const;
export type StepName = (typeof STEPS)[number];

/** Authenticating then updating location: the same two steps for a first attach and for a move. */
function registrationStates() {
  const failed = {
    STEP_REJECTED: { target: '#roaming.rejected', actions: 'recordFailure' as const },
    STEP_DEAD_LETTERED: { target: '#roaming.deadLettered', actions: 'recordFailure' as const },
    STEP_CRASHED: { target: '#roaming.rejected', actions: 'recordCrash' as const },
  };
  return {
    initial: 'authenticating' as const,
    states: {
      authenticating: { tags: ['authenticate' as const], on: { STEP_OK: { target: 'updatingLocation' }, ...failed } },
      updatingLocation: { tags: ['updateLocation' as const], on: { STEP_OK: { target: '#roaming.registered', actions: 'recordServing' as const }, ...failed } },
    },
  };
}

/**
 * One synthetic subscriber's roaming life, from the UE's side. A state that needs the network carries the
 * step's name as a tag (`authenticate`, `updateLocation`, `detach`); whoever interprets the machine runs that
 * step and sends its outcome back as a STEP_* event. Nothing here knows a transport, an actor or a UE.
 */
export const roamingMachine = setup({
  types: {
    context: {} as RoamingContext,
    events: {} as RoamingEvent,
    tags: {} as StepName,
  },
  guards: {
    hasServing: ({ context }) => context.serving !== undefined,
  },
  actions: {
    setTarget: assign({ target: ({ event }) => ('target' in event ? event.target : undefined), lastError: undefined, deadLetterAttempts: undefined }),
    recordFailure: assign(({ event }) => {
      if (event.type === 'STEP_REJECTED') return { lastError: event.error, deadLetterAttempts: undefined };
      if (event.type === 'STEP_DEAD_LETTERED') return { lastError: event.error, deadLetterAttempts: event.attempts };
      return {};
    }),
    recordCrash: assign({
      lastError: ({ event }): ProtocolError => ({ kind: 'local', name: 'transportError', detail: event.type === 'STEP_CRASHED' ? event.detail : `step ended with ${event.type}` }),
    }),
    recordServing: assign({ serving: ({ context }) => context.target }),
    clearServing: assign({ serving: undefined }),
  },
}).createMachine({
  id: 'roaming',
  initial: 'idle',
  context: {},
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
      tags: ['detach'],
      on: {
        STEP_OK: { target: 'detached', actions: 'clearServing' },
        STEP_REJECTED: { target: 'detached', actions: 'clearServing' },
        STEP_DEAD_LETTERED: { target: 'detached', actions: 'clearServing' },
        STEP_CRASHED: { target: 'detached', actions: ['recordCrash', 'clearServing'] },
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
export type RoamingSnapshot = ReturnType<RoamingMachine['getInitialSnapshot']>;

/** Settled states: a command is done when the machine rests in one of these (no step tag). */
export const SETTLED_STATES = ['idle', 'registered', 'detached', 'rejected', 'deadLettered'] as const;
