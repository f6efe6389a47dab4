/**
 * Journey evidence for the living document (src/reports/living-doc): when a scenario ends, what it was shown
 * to do (registrations and their causes, cancellations, purges, billing triggers with their RAT) is attached
 * as journey-evidence.json. The coverage matrix is computed from these attachments, not from tags.
 *
 * Everything comes from the scenario's bus: signalling and journeys as the World collects them, billing
 * triggers as the scenario's billing emits them (`EventBus.onBillingTrigger`).
 */
import { type BillingEvidence, EVIDENCE_FILE_NAME, EVIDENCE_MEDIA_TYPE, ratOfSession, scenarioEvidence } from '../src/reports/living-doc/evidence';
import type { SuiteRun } from './suite';

export function installEvidence(suite: SuiteRun): void {
  suite.onScenario((world) => {
    const billing: BillingEvidence[] = [];
    // The RAT of a trigger is the RAT of its session, known only while the journey is under way: the World's
    // journey list is filled by a sink the composition root subscribed before any trigger could be emitted.
    const off = world.bus.onBillingTrigger((trigger) => {
      const rat = ratOfSession(world.journeys, trigger.visitedPlmn);
      billing.push({ type: trigger.type, home: trigger.homePlmn, visited: trigger.visitedPlmn, ...(rat ? { rat } : {}) });
    });
    return {
      finish() {
        off();
        const evidence = scenarioEvidence(world.signalling, world.journeys, billing);
        if (evidence.journeys.length === 0 && evidence.procedures.length === 0) return;
        world.attach(JSON.stringify(evidence), { mediaType: EVIDENCE_MEDIA_TYPE, fileName: EVIDENCE_FILE_NAME });
      },
    };
  });
}
