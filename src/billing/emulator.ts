import { InputError } from '../errors';
import { parsePlmn } from '../protocol/plmn';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import { type Money, chargeFor, compareMoney, formatMoney, parseMoney, roundMoney, sumMoney, zeroMoney } from './money';
import { type Service, type Tariffs, SERVICES, billableQuantity, parseService, priceOf } from './tariffs';
import { type Zone, inZone, retailCharge } from './zones';

/** Rated triggers are typed by their service, so an expected list reads `registration, sms, deregistration`. */
export const TRIGGER_TYPES = ['registration', 'deregistration', ...SERVICES] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** One billing trigger as a charging system would receive it; identities are already pseudonymised. */
export interface BillingTrigger {
  readonly type: TriggerType;
  readonly scenario?: string;
  /** ISO 8601, from the journey event's `at`. */
  readonly timestamp: string;
  /** The IMSI pseudonymised with its MCC+MNC kept. */
  readonly subscriberId: string;
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly homeTadig: string;
  readonly visitedTadig: string;
  readonly service?: Service;
  /** In the tariff unit: MB, whole minutes, messages. */
  readonly quantity?: number;
  readonly unit?: string;
  /** Retail: what the subscriber pays, formatted (`EUR 0.04`); zero for (de)registrations and inside a free zone. */
  readonly charge: string;
  /** The inter-operator charge, tariff × quantity, recorded even when retail is free. */
  readonly wholesale: string;
  readonly currency: string;
  readonly agreement: string;
  /** The zone whose retail rule applied, when home and visited network are both in it. */
  readonly zone?: string;
  /** The charging record the usage trigger came from (`SGW-CDR`, `SGSN-CDR`), when an element wrote one. */
  readonly record?: string;
  /** `online` when the home OCS charged the usage (prepaid over Gy): `charge` is what left the balance. */
  readonly charging?: 'online' | 'offline';
}

/** How a pair of networks is billed: the agreement's tariffs and, optionally, a retail zone. */
export interface AgreementRating {
  readonly tariffs: Tariffs;
  readonly agreementId: string;
  readonly zone?: Zone;
}

export interface BillingEmulatorOptions {
  /** The agreement between home and visited PLMN (`MCC-MNC`), or undefined when they have none. */
  tariffsFor(home: string, visited: string): AgreementRating | undefined;
  tadigOf(plmn: string): string;
  pseudonymizer: Pick<Pseudonymizer, 'imsi'>;
  runId: string;
}

export interface ExpectedTrigger {
  readonly type: string;
  readonly charge?: string;
}

export type VerdictClass = 'match' | 'diverge' | 'only-expected' | 'only-emitted';

export interface Verdict {
  readonly verdict: VerdictClass;
  readonly type: string;
  readonly expectedCharge?: string;
  readonly emittedCharge?: string;
  /** 1-based row of the expected list. */
  readonly expectedRow?: number;
  /** 0-based position in the emitted list. */
  readonly emittedIndex?: number;
}

interface Session {
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  /** Undefined while the subscriber is at home: nothing there is roaming, so nothing is triggered. */
  readonly rating?: AgreementRating;
}

type TriggerListener = (trigger: BillingTrigger) => void;

/**
 * Turns the journey stream into billing triggers. Sessions are kept per scenario and IMSI: an accepted
 * registration opens one, detach closes it, a move to another network closes it and opens the next, and
 * usage is rated only inside an open session. Errors thrown while handling a bus event (bad quantity, no
 * agreement) also land in `errors`, since the bus only counts them.
 */
export class BillingEmulator {
  readonly runId: string;
  readonly errors: Error[] = [];
  /** `usage-refused` events this emulator emitted, in order. */
  readonly refusals: JourneyEvent[] = [];
  private readonly emitted: BillingTrigger[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<TriggerListener>();

  constructor(private readonly options: BillingEmulatorOptions) {
    this.runId = options.runId;
  }

  /** All triggers so far, in emission order. */
  get triggers(): readonly BillingTrigger[] {
    return this.emitted;
  }

  /** Triggers whose `scenario` is exactly this one (leaving it out selects those emitted without one). */
  triggersFor(scenario?: string): BillingTrigger[] {
    return this.emitted.filter((trigger) => trigger.scenario === scenario);
  }

  /** Called with every trigger as it is emitted (the JSONL writer streams through this). */
  onTrigger(listener: TriggerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  attach(bus: EventBus): () => void {
    return bus.onJourney((event) => {
      try {
        this.handle(event, bus);
      } catch (error) {
        this.errors.push(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    });
  }

  /** Handles one journey event; returns the triggers it emitted. A refusal is emitted on `bus` when given. */
  handle(event: JourneyEvent, bus?: EventBus): BillingTrigger[] {
    switch (event.type) {
      case 'registration':
        return event.outcome === 'accepted' ? this.register(event, requireVisited(event)) : [];
      case 'move':
        return this.move(event);
      case 'detach':
        return this.close(event);
      case 'usage':
        return this.usage(event, bus);
      default:
        return [];
    }
  }

  /** Sum of retail charges, in `currency` only when given; without it, mixed currencies are an error. */
  total(currency?: string): Money {
    return totalOf(this.emitted, currency);
  }

  /** Compares an expected trigger list with the emitted one (all triggers unless a list is given). */
  reconcile(expected: readonly ExpectedTrigger[], emitted: readonly BillingTrigger[] = this.emitted): Verdict[] {
    return reconcileTriggers(expected, emitted);
  }

  private register(event: JourneyEvent, visitedPlmn: string): BillingTrigger[] {
    const current = this.sessions.get(sessionKey(event));
    if (current && current.visitedPlmn === visitedPlmn) return [];
    const rating = this.ratingFor(event.homePlmn, visitedPlmn);
    const closed = current ? this.close(event) : [];
    const session: Session = { homePlmn: event.homePlmn, visitedPlmn, rating };
    this.sessions.set(sessionKey(event), session);
    return rating ? [...closed, this.emit(event, session, 'registration')] : closed;
  }

  /** A move that fails still leaves the old network: the old session closes and nothing opens. */
  private move(event: JourneyEvent): BillingTrigger[] {
    const succeeded = event.outcome === undefined || event.outcome === 'accepted' || event.outcome === 'ok';
    if (!succeeded) return this.close(event);
    return this.register(event, requireVisited(event));
  }

  private close(event: JourneyEvent): BillingTrigger[] {
    const session = this.sessions.get(sessionKey(event));
    if (!session) return [];
    this.sessions.delete(sessionKey(event));
    return session.rating ? [this.emit(event, session, 'deregistration')] : [];
  }

  private usage(event: JourneyEvent, bus?: EventBus): BillingTrigger[] {
    const detail = event.detail ?? {};
    const source = `usage event${event.scenario ? ` in "${event.scenario}"` : ''}`;
    if (typeof detail.service !== 'string') throw new InputError(String(detail.service ?? ''), `${source} service`, `one of ${SERVICES.join(', ')}`);
    const service = parseService(detail.service, `${source} service`);
    const { quantity, unit } = billableQuantity(service, detail.quantity, detail.unit, source);
    const session = this.sessions.get(sessionKey(event));
    if (!session) {
      this.refuse(event, { service, quantity, unit, reason: 'no open session: the subscriber is not registered on any network' }, bus);
      return [];
    }
    if (event.visitedPlmn !== undefined && event.visitedPlmn !== session.visitedPlmn) {
      const reason = `no open session on ${event.visitedPlmn}: the subscriber is registered on ${session.visitedPlmn}`;
      this.refuse(event, { service, quantity, unit, reason }, bus);
      return [];
    }
    if (typeof detail.refused === 'string') {
      // The element carrying the usage refused it (a prepaid balance that buys nothing more).
      this.refuse(event, { service, quantity, unit, reason: detail.refused }, bus);
      return [];
    }
    const rating = session.rating;
    if (!rating) return []; // at home: not roaming, nothing to trigger
    const price = priceOf(rating.tariffs, service);
    if (!price) {
      const priced = SERVICES.filter((s) => priceOf(rating.tariffs, s)).join(', ');
      throw new InputError(service, `tariffs of agreement ${rating.agreementId}`, `a service the agreement prices: ${priced}`);
    }
    const wholesale = chargeFor(price, quantity);
    // Online charging: the retail charge is what the OCS took off the balance, not a re-rating of it.
    const online = typeof detail.onlineCharge === 'string' ? parseMoney(detail.onlineCharge, `${source} online charge`) : undefined;
    const retail = online ?? retailCharge(wholesale, rating.zone, session.homePlmn, session.visitedPlmn);
    const record = typeof detail.record === 'string' ? detail.record : undefined;
    return [this.emit(event, session, service, { service, quantity, unit, wholesale, retail, ...(record ? { record, charging: online ? 'online' : 'offline' } : {}) })];
  }

  private refuse(event: JourneyEvent, detail: Record<string, unknown>, bus?: EventBus): void {
    const refusal: JourneyEvent = {
      type: 'usage-refused',
      scenario: event.scenario,
      at: event.at,
      subscriber: event.subscriber,
      homePlmn: event.homePlmn,
      visitedPlmn: event.visitedPlmn,
      rat: event.rat,
      detail,
    };
    this.refusals.push(refusal);
    bus?.emitJourney(refusal);
  }

  private ratingFor(homePlmn: string, visitedPlmn: string): AgreementRating | undefined {
    if (homePlmn === visitedPlmn) return undefined;
    const rating = this.options.tariffsFor(homePlmn, visitedPlmn);
    if (!rating) throw new InputError(visitedPlmn, `billing for home network ${homePlmn}`, 'a visited network with a roaming agreement and tariffs');
    return rating;
  }

  private emit(
    event: JourneyEvent,
    session: Session,
    type: TriggerType,
    rated?: { service: Service; quantity: number; unit: string; wholesale: Money; retail: Money; record?: string; charging?: 'online' | 'offline' },
  ): BillingTrigger {
    const rating = session.rating as AgreementRating;
    const currency = rating.tariffs.currency;
    const zero = formatMoney(zeroMoney(currency));
    const zone = rating.zone && inZone(rating.zone, session.homePlmn, session.visitedPlmn) ? rating.zone.name : undefined;
    const trigger: BillingTrigger = {
      type,
      ...(event.scenario !== undefined ? { scenario: event.scenario } : {}),
      timestamp: isoTime(event.at),
      subscriberId: this.options.pseudonymizer.imsi(event.subscriber.imsi, 3 + parsePlmn(session.homePlmn, 'home PLMN').mnc.length),
      homePlmn: session.homePlmn,
      visitedPlmn: session.visitedPlmn,
      homeTadig: this.options.tadigOf(session.homePlmn),
      visitedTadig: this.options.tadigOf(session.visitedPlmn),
      ...(rated ? { service: rated.service, quantity: rated.quantity, unit: rated.unit } : {}),
      charge: rated ? formatMoney(rated.retail) : zero,
      wholesale: rated ? formatMoney(rated.wholesale) : zero,
      currency,
      agreement: rating.agreementId,
      ...(zone !== undefined ? { zone } : {}),
      ...(rated?.record !== undefined ? { record: rated.record } : {}),
      ...(rated?.charging !== undefined ? { charging: rated.charging } : {}),
    };
    this.emitted.push(trigger);
    for (const listener of this.listeners) listener(trigger);
    return trigger;
  }
}

/** Sum of the retail charges of `triggers`; see BillingEmulator.total. */
export function totalOf(triggers: readonly BillingTrigger[], currency?: string): Money {
  const charges = triggers.filter((t) => currency === undefined || t.currency === currency).map((t) => parseMoney(t.charge, 'trigger charge'));
  if (currency === undefined) {
    const currencies = [...new Set(charges.map((c) => c.currency))];
    if (currencies.length === 0) throw new RangeError('billing total: no triggers yet, so no currency; name the currency to total in');
    if (currencies.length > 1) throw new InputError(currencies.join(', '), 'billing total', 'triggers in one currency, or the currency to total in');
  }
  // Charges are whole minor units, so bringing the sum back to the minor unit is exact, not a rounding.
  return roundMoney(sumMoney(charges, currency ?? charges[0].currency, 'billing total'));
}

/**
 * SIGOS-style reconciliation. Expected rows pair first with an emitted trigger of the same type and equal
 * charge (`match`), then with one of the same type and another charge (`diverge`); an expected row without
 * a charge matches on type alone. Left-overs are `only-expected` and `only-emitted`. Rows come in expected
 * order, then the unpaired emitted triggers in emission order.
 */
export function reconcileTriggers(expected: readonly ExpectedTrigger[], emitted: readonly BillingTrigger[]): Verdict[] {
  const wanted = expected.map((row, index) => {
    const n = index + 1;
    const type = row.type.trim().toLowerCase();
    if (!(TRIGGER_TYPES as readonly string[]).includes(type)) throw new InputError(row.type, `expected trigger row ${n} type`, `one of ${TRIGGER_TYPES.join(', ')}`);
    const charge = row.charge === undefined || row.charge.trim() === '' ? undefined : parseMoney(row.charge, `expected trigger row ${n} charge`);
    return { n, type, text: row.charge, charge };
  });
  const pairedWith = new Map<number, number>();
  const used = new Set<number>();
  const sameCharge = (want: Money | undefined, trigger: BillingTrigger): boolean => {
    if (want === undefined) return true;
    const got = parseMoney(trigger.charge, 'emitted charge');
    return got.currency === want.currency && compareMoney(got, want) === 0;
  };
  for (const exact of [true, false]) {
    for (const want of wanted) {
      if (pairedWith.has(want.n)) continue;
      const index = emitted.findIndex((t, i) => !used.has(i) && t.type === want.type && (!exact || sameCharge(want.charge, t)));
      if (index < 0) continue;
      pairedWith.set(want.n, index);
      used.add(index);
    }
  }
  const rows: Verdict[] = wanted.map((want) => {
    const index = pairedWith.get(want.n);
    const expectedCharge = want.text === undefined || want.charge === undefined ? {} : { expectedCharge: want.text.trim() };
    if (index === undefined) return { verdict: 'only-expected', type: want.type, ...expectedCharge, expectedRow: want.n };
    const trigger = emitted[index];
    return {
      verdict: sameCharge(want.charge, trigger) ? 'match' : 'diverge',
      type: want.type,
      ...expectedCharge,
      emittedCharge: trigger.charge,
      expectedRow: want.n,
      emittedIndex: index,
    };
  });
  emitted.forEach((trigger, index) => {
    if (!used.has(index)) rows.push({ verdict: 'only-emitted', type: trigger.type, emittedCharge: trigger.charge, emittedIndex: index });
  });
  return rows;
}

function sessionKey(event: JourneyEvent): string {
  return `${event.scenario ?? ''}\u0000${event.subscriber.imsi}`;
}

function requireVisited(event: JourneyEvent): string {
  if (event.visitedPlmn === undefined) throw new InputError('', `${event.type} event visitedPlmn`, 'the PLMN the subscriber registered on, as MCC-MNC');
  return event.visitedPlmn;
}

function isoTime(at: number): string {
  if (!Number.isFinite(at)) throw new InputError(String(at), 'journey event at', 'a time in milliseconds since the epoch');
  return new Date(at).toISOString();
}
