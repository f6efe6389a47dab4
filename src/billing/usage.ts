import type { Clock } from '../roaming/clock';
import type { RoamingEngine } from '../roaming/engine';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { SubscriberIdentity } from '../subscribers/generator';
import { type Service, billableQuantity, parseService } from './tariffs';

/** What recordUsage needs: the bus it reports on and where it learns who is serving the subscriber. */
export interface UsageDeps {
  readonly bus: Pick<EventBus, 'emitJourney' | 'onJourney'>;
  readonly engine: Pick<RoamingEngine, 'servingOf'>;
  /** Any subscriber store (the scenario's, a load run's compact one): only the SIM's identity is read. */
  readonly store: { sim(imsi: string): { readonly identity: Pick<SubscriberIdentity, 'msisdn' | 'homePlmn'> } | undefined };
  readonly clock: Pick<Clock, 'now'>;
  readonly scenario?: string;
}

export interface UsageResult {
  /** The `usage` journey event as emitted. */
  readonly event: JourneyEvent;
  /** The `usage-refused` event a listener (the billing emulator) answered it with, if any. */
  readonly refusal?: JourneyEvent;
}

/**
 * Reports that the subscriber used a service: one `usage` JourneyEvent on the bus for the whole quantity,
 * carrying the network serving the subscriber right now (`engine.servingOf`), or no visited network when
 * it is registered nowhere, so billing refuses it. Steps, the CLI and load runs all report usage this way.
 *
 * `quantity` is in the service's tariff unit (MB, minutes, messages) unless `unit` says otherwise (voice
 * also takes seconds, which billing rounds up to whole minutes). A service that does not exist, a quantity
 * that is negative or not whole, or a unit that is not the service's is bad input: it throws an InputError
 * naming the value and nothing is emitted.
 */
export function recordUsage(deps: UsageDeps, imsi: string, service: Service | string, quantity: number, unit?: string, extra?: Readonly<Record<string, unknown>>): UsageResult {
  const source = `usage of ${service}`;
  const checked = parseService(service, `${source} service`);
  billableQuantity(checked, quantity, unit, source);
  const sim = deps.store.sim(imsi);
  // The IMSI stays out of the message: errors end up in reports, which only ever carry pseudonyms.
  if (!sim) throw new Error(`${source}: the subscriber is not known in this run (add it to the subscriber store first)`);
  const serving = deps.engine.servingOf(imsi);
  const event: JourneyEvent = {
    type: 'usage',
    ...(deps.scenario === undefined ? {} : { scenario: deps.scenario }),
    at: deps.clock.now(),
    subscriber: { imsi, msisdn: sim.identity.msisdn },
    homePlmn: sim.identity.homePlmn,
    ...(serving ? { visitedPlmn: serving.plmn, rat: serving.rat } : {}),
    detail: { service: checked, quantity, ...(unit === undefined ? {} : { unit }), ...extra },
  };
  let refusal: JourneyEvent | undefined;
  // The bus is synchronous: a refusal for this event arrives before emitJourney returns.
  const off = deps.bus.onJourney((answer) => {
    if (answer.type === 'usage-refused' && answer.subscriber.imsi === imsi && refusal === undefined) refusal = answer;
  });
  try {
    deps.bus.emitJourney(event);
  } finally {
    off();
  }
  return refusal ? { event, refusal } : { event };
}
