import { describeSubscription, SUBSCRIPTION_PHRASE_FORMS, type SubscriptionData } from '../elements/subscription';
import type { SignallingEvent } from '../roaming/events';

/**
 * What "the subscription data sent to visited network X includes Y" means: the last subscription data the
 * home network sent that network for the subscriber (S6a ULA Subscription-Data, S6a IDR, or MAP
 * InsertSubscriberData), described in the phrases of describeSubscription, includes Y (case-insensitive).
 */
export function sentSubscription(events: readonly SignallingEvent[], imsi: string, plmn: string): { data: SubscriptionData; protocol: 'MAP' | 'S6a' } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.subscriber.imsi !== imsi || event.to.plmn !== plmn && event.from.plmn !== plmn) continue;
    if (event.protocol !== 'MAP' && event.protocol !== 'S6a') continue;
    if (event.procedure === 'Update-Location' && event.from.plmn === plmn && event.outcome.status === 'ok') {
      const data = event.outcome.response.subscription as SubscriptionData | undefined;
      if (data) return { data, protocol: 'S6a' };
    }
    if ((event.procedure === 'InsertSubscriberData' || event.procedure === 'Insert-Subscriber-Data') && event.to.plmn === plmn) {
      const data = event.request.subscription as SubscriptionData | undefined;
      if (data) return { data, protocol: event.protocol };
    }
  }
  return undefined;
}

export function expectSubscriptionIncludes(events: readonly SignallingEvent[], imsi: string, plmn: string, phrase: string): void {
  const sent = sentSubscription(events, imsi, plmn);
  if (!sent) throw new Error(`expected subscription data sent to visited network ${plmn}, but the home network sent it none (no ULA or InsertSubscriberData to ${plmn} for the subscriber)`);
  const phrases = describeSubscription(sent.data, sent.protocol);
  const wanted = phrase.trim().toLowerCase();
  if (!phrases.some((p) => p.toLowerCase() === wanted)) {
    throw new Error(
      `expected the ${sent.protocol === 'S6a' ? 'S6a Subscription-Data' : 'MAP InsertSubscriberData'} sent to ${plmn} to include "${phrase}", but it has: ${phrases.map((p) => `"${p}"`).join(', ')} (accepted forms: ${SUBSCRIPTION_PHRASE_FORMS.join('; ')})`,
    );
  }
}
