/**
 * Journey evidence for the living document (src/reports/living-doc): when a scenario ends, what it was shown
 * to do (registrations and their causes, cancellations, purges, billing triggers with their RAT) is attached
 * as journey-evidence.json. The coverage matrix is computed from these attachments, not from tags.
 */
import { type BillingEvidence, EVIDENCE_FILE_NAME, EVIDENCE_MEDIA_TYPE, ratOfSession, scenarioEvidence } from '../src/reports/living-doc/evidence';
import { onBillingTrigger } from './billing-hook';
import { type RoamingWorld, onScenario } from './world';

const billed = new WeakMap<RoamingWorld, BillingEvidence[]>();

// The RAT of a trigger is the RAT of its session, known only while the journey is under way.
onBillingTrigger((trigger, world) => {
  const rat = ratOfSession(world.journeys, trigger.visitedPlmn);
  billed.get(world)?.push({ type: trigger.type, home: trigger.homePlmn, visited: trigger.visitedPlmn, ...(rat ? { rat } : {}) });
});

onScenario((world) => {
  const billing: BillingEvidence[] = [];
  billed.set(world, billing);
  return {
    finish() {
      const evidence = scenarioEvidence(world.signalling, world.journeys, billing);
      if (evidence.journeys.length === 0 && evidence.procedures.length === 0) return;
      world.attach(JSON.stringify(evidence), { mediaType: EVIDENCE_MEDIA_TYPE, fileName: EVIDENCE_FILE_NAME });
    },
  };
});
