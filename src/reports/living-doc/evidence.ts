/**
 * What one scenario was shown to do, in the terms the living document's coverage matrix counts: each
 * registration, move and detach with its RAT, home and visited network and outcome (the protocol cause of a
 * refusal), the location cancellations and purges the home network sent, and the billing triggers emitted
 * with the RAT of the session they belong to. It is read from the scenario's own event streams, carries no
 * identity (no IMSI, no MSISDN) and travels as a JSON attachment (EVIDENCE_FILE_NAME) in the run's messages.
 */
import { type ProtocolError, describeError } from '../../protocol/codes';
import type { Rat } from '../../protocol/rat';
import type { JourneyEvent, SignallingEvent } from '../../roaming/events';

export const EVIDENCE_FILE_NAME = 'journey-evidence.json';
export const EVIDENCE_MEDIA_TYPE = 'application/json';

/** A protocol error without its free-text detail: what the matrix groups by. */
export interface EvidenceError {
  readonly protocol: 'MAP' | 'Diameter' | 'local';
  readonly name: string;
  readonly code?: number;
  readonly cause?: string;
  /** describeError's text, for people. */
  readonly text: string;
}

export interface JourneyEvidence {
  readonly type: JourneyEvent['type'];
  readonly rat?: Rat;
  readonly home: string;
  readonly visited?: string;
  readonly outcome?: JourneyEvent['outcome'];
  readonly error?: EvidenceError;
}

export interface ProcedureEvidence {
  readonly procedure: string;
  readonly protocol: string;
  readonly rat: Rat;
  readonly home: string;
  readonly visited: string;
  readonly ok: boolean;
  readonly count: number;
}

export interface BillingEvidence {
  readonly type: string;
  readonly rat?: Rat;
  readonly home: string;
  readonly visited: string;
}

export interface ScenarioEvidence {
  readonly version: 1;
  readonly journeys: readonly JourneyEvidence[];
  readonly procedures: readonly ProcedureEvidence[];
  readonly billing: readonly BillingEvidence[];
}

export function evidenceError(error: ProtocolError): EvidenceError {
  const text = describeError(error);
  switch (error.kind) {
    case 'map':
      return { protocol: 'MAP', name: error.name, code: error.code, ...(error.cause ? { cause: error.cause } : {}), text };
    case 'diameter-result':
    case 'diameter-experimental':
      return { protocol: 'Diameter', name: error.name, code: error.code, text };
    case 'local':
      return { protocol: 'local', name: error.name, text: error.name };
  }
}

/**
 * The RAT a billing trigger belongs to: the RAT of the latest accepted registration into the trigger's
 * visited network among the journeys seen so far (call it when the trigger is emitted).
 */
export function ratOfSession(journeys: readonly JourneyEvent[], visitedPlmn: string): Rat | undefined {
  for (let i = journeys.length - 1; i >= 0; i--) {
    const j = journeys[i];
    if (j.type === 'registration' && j.outcome === 'accepted' && j.visitedPlmn === visitedPlmn) return j.rat;
  }
  return undefined;
}

/** One scenario's evidence from its signalling and journey streams and the billing triggers it emitted. */
export function scenarioEvidence(signalling: readonly SignallingEvent[], journeys: readonly JourneyEvent[], billing: readonly BillingEvidence[] = []): ScenarioEvidence {
  const procedures = new Map<string, ProcedureEvidence>();
  for (const event of signalling) {
    const ok = event.outcome.status === 'ok';
    const key = [event.procedure, event.rat, event.homePlmn, event.visitedPlmn, ok].join('|');
    const known = procedures.get(key);
    procedures.set(
      key,
      known
        ? { ...known, count: known.count + 1 }
        : { procedure: event.procedure, protocol: event.protocol, rat: event.rat, home: event.homePlmn, visited: event.visitedPlmn, ok, count: 1 },
    );
  }
  return {
    version: 1,
    journeys: journeys
      .filter((j) => j.type !== 'usage' && j.type !== 'usage-refused')
      .map((j) => ({
        type: j.type,
        ...(j.rat ? { rat: j.rat } : {}),
        home: j.homePlmn,
        ...(j.visitedPlmn ? { visited: j.visitedPlmn } : {}),
        ...(j.outcome ? { outcome: j.outcome } : {}),
        ...(j.error ? { error: evidenceError(j.error) } : {}),
      })),
    procedures: [...procedures.values()],
    billing,
  };
}
