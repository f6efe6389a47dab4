import type { SignallingEvent } from '../roaming/events';
import { sgsapMessages } from '../protocol/sgsap';

/** The SGsAP messages that crossed SGs in a visited network for a subscriber, in order (requests and answers). */
export function sgsMessages(events: readonly SignallingEvent[], imsi: string, plmn: string): string[] {
  const sent: string[] = [];
  for (const event of events) {
    if (event.protocol !== 'SGsAP' || event.subscriber.imsi !== imsi || event.visitedPlmn !== plmn) continue;
    const failed = event.outcome.status === 'error';
    const cause = event.outcome.status === 'error' ? event.outcome.detail?.rejectCause : undefined;
    const names = sgsapMessages(event.procedure, failed, typeof cause === 'number' ? cause : undefined);
    sent.push(names.request);
    // A timeout or a lost connection has no answer on SGs.
    if (event.outcome.status === 'ok' || event.outcome.error.kind !== 'local') sent.push(names.answer);
  }
  return sent;
}

/**
 * What "visited network X signalled Y over SGs" means: an SGsAP message named Y (TS 29.118 §8, e.g.
 * `SGsAP-LOCATION-UPDATE-ACCEPT`; a REJECT matches with or without its cause) crossed between the MME and the
 * VLR of X for the subscriber.
 */
export function expectSgsMessage(events: readonly SignallingEvent[], imsi: string, plmn: string, message: string): void {
  const wanted = message.trim().toUpperCase();
  if (!/^SGSAP-[A-Z-]+$/.test(wanted)) throw new Error(`"${message}" is not an SGsAP message name: write it as TS 29.118 §8 does, e.g. "SGsAP-LOCATION-UPDATE-REQUEST"`);
  const seen = sgsMessages(events, imsi, plmn);
  if (!seen.some((name) => name.toUpperCase() === wanted || name.toUpperCase().startsWith(`${wanted} #`))) {
    throw new Error(`expected ${message} over SGs in visited network ${plmn}, but ${seen.length === 0 ? 'no SGsAP message crossed there for the subscriber' : `the messages were: ${seen.join(', ')}`}`);
  }
}
