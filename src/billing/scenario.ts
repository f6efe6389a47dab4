import type { RoamingConfig } from '../config/load';
import { InputError, isUserError } from '../errors';
import type { AgreementBook } from '../roaming/agreements';
import type { Clock } from '../roaming/clock';
import type { RoamingEngine } from '../roaming/engine';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';
import type { SubscriberStore } from '../subscribers/store';
import { BillingEmulator, type BillingTrigger, type ExpectedTrigger, TRIGGER_TYPES, type TriggerType, type VerdictClass, reconcileTriggers } from './emulator';
import { CHARGE_ROUNDING, type Money, compareMoney, formatMoney, parseMoney, roundMoney, sumMoney } from './money';
import { pairKey, ratingFor, tadigFor } from './rating';
import { SERVICES, type Service, type Tariffs, parseTariffRows } from './tariffs';
import { type UsageResult, recordUsage } from './usage';
import { RoamingAssertionError } from '../expectations/assertion';

export interface ScenarioBillingDeps {
  readonly config: RoamingConfig;
  readonly agreements: AgreementBook;
  readonly bus: EventBus;
  readonly engine: Pick<RoamingEngine, 'servingOf'>;
  readonly store: SubscriberStore;
  readonly clock: Clock;
  readonly scenario: string;
  readonly pseudonymizer: Pseudonymizer;
  readonly runId: string;
  /** The scenario's journey events so far (for "the usage is refused"). */
  readonly journeys: () => readonly JourneyEvent[];
}

/** What a scenario's billing came to, for the reconciliation attachment. */
export interface BillingReconciliation {
  readonly summary: Record<VerdictClass, number>;
  readonly [key: string]: unknown;
}

/**
 * One scenario's billing: a BillingEmulator on the scenario's bus rating sessions by the agreement between
 * home and visited network (config, or the scenario's tariff table) with the configured zones deciding the
 * retail rule; its triggers go on the bus (metrics count them). And what the billing steps mean: each claim
 * a Then step makes is checked against what was emitted (with the failure message) and kept for the
 * reconciliation of expected against emitted triggers.
 */
export class ScenarioBilling {
  readonly emulator: BillingEmulator;
  /** `home>visited` → the scenario's tariff table for that agreement. */
  private readonly overrides = new Map<string, Tariffs>();
  /** Claims made by Then steps, kept as a set (see claim). */
  readonly expected: ExpectedTrigger[] = [];
  /** Errors billing met while following the journey (an agreement without tariffs, say), in order. */
  readonly errors: Error[] = [];
  /** Errors a Then step asserted as refused input; they no longer fail later steps. */
  private readonly acknowledged = new Set<Error>();
  private examined = false;
  private readonly detach: Array<() => void>;

  constructor(private readonly deps: ScenarioBillingDeps) {
    const { config, agreements, bus } = deps;
    this.emulator = new BillingEmulator({
      tariffsFor: (home, visited) => ratingFor(config, agreements, this.overrides, home, visited),
      tadigOf: (plmn) => tadigFor(config, plmn),
      pseudonymizer: deps.pseudonymizer,
      runId: deps.runId,
    });
    const offTriggers = this.emulator.onTrigger((trigger) => bus.emitBillingTrigger(trigger));
    // Not emulator.attach: that rethrows into the bus, which would log "event sink failed" in every scenario
    // that roams under an agreement without tariffs. Here such a journey is simply not rated; the error is
    // kept for the billing steps (which fail on it) and for the reconciliation.
    const offBus = bus.onJourney((event) => {
      try {
        this.emulator.handle(event, bus);
      } catch (error) {
        this.errors.push(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.detach = [offBus, offTriggers];
  }

  get triggers(): readonly BillingTrigger[] {
    return this.emulator.triggers;
  }

  stop(): void {
    for (const off of this.detach.splice(0)) off();
  }

  /**
   * `Given the roaming agreement between H and V has these tariffs:` — replaces the agreement's tariffs for
   * this scenario only. It never creates an agreement: the pair must have one (configured or given by a
   * network step) when the step runs. Sessions are rated when they open, so the table comes before the
   * registration it should price.
   */
  overrideTariffs(home: string, visited: string, rows: ReadonlyArray<Readonly<Record<string, string>>>): void {
    const tariffs = parseTariffRows(rows, `tariff table of the agreement between ${home} and ${visited}`);
    if (!this.deps.agreements.find(home, visited)) {
      throw new Error(
        `there is no roaming agreement between ${home} and ${visited} to give tariffs to; the tariff table never creates one: add "Given home network ${home} has a roaming agreement with ${visited}" before it`,
      );
    }
    if (this.emulator.triggers.some((t) => t.type === 'registration' && t.homePlmn === home && t.visitedPlmn === visited)) {
      throw new Error(`the subscriber already registered in ${visited} under the earlier tariffs: give the tariff table before the registration it should price`);
    }
    this.overrides.set(pairKey(home, visited), tariffs);
  }

  /** Reports usage of the subscriber on its serving network; an error billing meets fails the step. */
  useService(imsi: string, service: Service | string, quantity: number, unit?: string): UsageResult {
    this.failOnErrors();
    const before = this.errors.length;
    const { bus, engine, store, clock, scenario } = this.deps;
    const result = recordUsage({ bus, engine, store, clock, scenario }, imsi, service, quantity, unit);
    const error = this.errors[before];
    if (error) throw error;
    return result;
  }

  /** `Then a "data" billing trigger is emitted [with charge "USD 1.20"]`. */
  expectTrigger(typeText: string, chargeText?: string): void {
    const type = parseTriggerType(typeText);
    const charge = chargeText === undefined ? undefined : parseMoney(chargeText, 'charge in the step');
    this.claim(type, charge);
    this.failOnErrors();
    const triggers = this.emulator.triggers;
    const ofType = triggers.filter((t) => t.type === type);
    if (charge === undefined) {
      if (ofType.length === 0) throw new RoamingAssertionError(`expected a "${type}" billing trigger, but ${describeEmitted(triggers)}`);
      return;
    }
    if (ofType.some((t) => sameMoney(t.charge, charge))) return;
    const carried = ofType.length === 0 ? `no ${type} trigger was emitted` : `the ${type} triggers carry ${ofType.map((t) => t.charge).join(', ')}`;
    throw new RoamingAssertionError(`expected a "${type}" billing trigger with charge ${formatMoney(charge)}, but ${carried} (${describeEmitted(triggers)})`);
  }

  /** `Then no billing trigger is emitted`: nothing at all in this scenario. */
  expectNoTrigger(): void {
    this.examined = true;
    this.failOnErrors();
    const triggers = this.emulator.triggers;
    if (triggers.length > 0) throw new RoamingAssertionError(`expected no billing trigger, but ${describeEmitted(triggers)}`);
  }

  /**
   * `Then the total [wholesale] charge is "EUR 0.20"`: the exact sum of the scenario's retail (or wholesale)
   * charges in that currency. Amounts in different currencies are never added, so a scenario billed in EUR
   * and USD states one total per currency.
   */
  expectTotal(text: string, kind: 'retail' | 'wholesale'): void {
    this.examined = true;
    const label = kind === 'retail' ? 'total charge' : 'total wholesale charge';
    const want = parseMoney(text, `${label} in the step`);
    this.failOnErrors();
    const triggers = this.emulator.triggers;
    if (triggers.length === 0) throw new RoamingAssertionError(`expected a ${label} of ${formatMoney(want)}, but no billing trigger was emitted`);
    const inCurrency = triggers.filter((t) => t.currency === want.currency);
    if (inCurrency.length === 0) {
      throw new RoamingAssertionError(`expected a ${label} of ${formatMoney(want)}, but the scenario billed only in ${[...new Set(triggers.map((t) => t.currency))].join(', ')}`);
    }
    const amountOf = (t: BillingTrigger) => (kind === 'retail' ? t.charge : t.wholesale);
    const total = roundMoney(sumMoney(inCurrency.map((t) => parseMoney(amountOf(t), `trigger ${kind} charge`)), want.currency, label));
    if (compareMoney(total, want) !== 0) {
      const parts = inCurrency.filter((t) => t.service !== undefined).map((t) => `${t.type} ${amountOf(t)}`);
      throw new RoamingAssertionError(`expected the ${label} in ${want.currency} to be ${formatMoney(want)}, but it is ${formatMoney(total)}${parts.length ? ` (${parts.join(' + ')})` : ''}`);
    }
  }

  /** `Then the usage is refused`: the subscriber's last usage got a usage-refused answer and no trigger. */
  expectUsageRefused(imsi: string): void {
    this.examined = true;
    this.failOnErrors();
    const journeys = this.deps.journeys();
    let last = -1;
    journeys.forEach((event, index) => {
      if (event.type === 'usage' && event.subscriber.imsi === imsi) last = index;
    });
    if (last < 0) throw new Error('no usage was reported in this scenario yet: add "When the subscriber sends 1 SMS" (or data, or a call) before this step');
    const usage = journeys[last];
    const refused = journeys.slice(last + 1).some((event) => event.type === 'usage-refused' && event.subscriber.imsi === imsi);
    if (!refused) {
      const service = String(usage.detail?.service ?? 'usage');
      throw new RoamingAssertionError(`expected the ${service} usage to be refused, but it was rated in ${usage.visitedPlmn ?? 'no network'} (${describeEmitted(this.emulator.triggers)})`);
    }
  }

  /** `Then the "registration" billing trigger carries home TADIG "GBRVF" and visited TADIG "DEUD1"`. */
  expectTadig(typeText: string, home: string, visited: string): void {
    const type = parseTriggerType(typeText);
    this.claim(type);
    this.failOnErrors();
    const ofType = this.emulator.triggers.filter((t) => t.type === type);
    if (ofType.some((t) => t.homeTadig === home && t.visitedTadig === visited)) return;
    const carried = ofType.length === 0 ? `no ${type} trigger was emitted` : `the ${type} triggers carry ${ofType.map((t) => `${t.homeTadig} → ${t.visitedTadig}`).join(', ')}`;
    throw new RoamingAssertionError(`expected a "${type}" billing trigger from home TADIG ${home} to visited TADIG ${visited}, but ${carried}`);
  }

  /** `Then a usage of -5 MB of data is refused with "..."` — the usage never reaches billing, or billing refuses it. */
  expectUsageInvalid(imsi: string, quantity: number, unit: string, service: string, fragment: string): void {
    this.examined = true;
    this.failOnErrors();
    const what = `a usage of ${quantity} ${unit} of ${service}`;
    try {
      this.useService(imsi, service, quantity, unit);
    } catch (error) {
      if (error instanceof Error) this.acknowledged.add(error);
      expectMessage(what, error, fragment);
      return;
    }
    throw new RoamingAssertionError(`expected ${what} to be refused with a message containing ${JSON.stringify(fragment)}, but it was accepted (${describeEmitted(this.emulator.triggers)})`);
  }

  /** What the Then steps expected against what was emitted; undefined when billing saw nothing and nobody asked. */
  reconciliation(): BillingReconciliation | undefined {
    const triggers = this.emulator.triggers;
    const refusals = this.emulator.refusals;
    if (!this.examined && this.expected.length === 0 && triggers.length === 0 && this.errors.length === 0 && refusals.length === 0) return undefined;
    const verdicts = reconcileTriggers(this.expected, triggers);
    const summary: Record<VerdictClass, number> = { match: 0, diverge: 0, 'only-expected': 0, 'only-emitted': 0 };
    for (const row of verdicts) summary[row.verdict]++;
    return {
      summary,
      verdicts,
      expected: this.expected,
      triggers,
      // Refusals carry the raw IMSI on the bus; only what was refused and why goes into the report.
      refusals: refusals.map((refusal) => ({ ...(refusal.visitedPlmn ? { visitedPlmn: refusal.visitedPlmn } : {}), ...refusal.detail })),
      errors: this.errors.map((error) => ({ message: error.message, asserted: this.acknowledged.has(error) })),
      rounding: CHARGE_ROUNDING.description,
    };
  }

  /**
   * Records a claim for the reconciliation. Claims say "there is such a trigger", so they form a set:
   * repeating one adds nothing, and a claim with a charge takes the place of a bare claim of its type.
   */
  private claim(type: TriggerType, charge?: Money): void {
    this.examined = true;
    const text = charge === undefined ? undefined : formatMoney(charge);
    if (this.expected.some((row) => row.type === type && (text === undefined || row.charge === text))) return;
    const bare = text === undefined ? -1 : this.expected.findIndex((row) => row.type === type && row.charge === undefined);
    const row: ExpectedTrigger = text === undefined ? { type } : { type, charge: text };
    if (bare >= 0) this.expected[bare] = row;
    else this.expected.push(row);
  }

  /** An error the emulator met while following the scenario (an agreement without tariffs, say) fails the step. */
  private failOnErrors(): void {
    const pending = this.errors.find((error) => !this.acknowledged.has(error));
    if (pending) throw pending;
  }
}

/** `Then the tariff table below is refused with "...":` — bad input as product surface. */
export function expectTariffTableRefused(rows: ReadonlyArray<Readonly<Record<string, string>>>, fragment: string): void {
  let tariffs: Tariffs;
  try {
    // The same parser as the Given step, so what is refused here is refused there.
    tariffs = parseTariffRows(rows, 'tariff table');
  } catch (error) {
    expectMessage('the tariff table', error, fragment);
    return;
  }
  const priced = SERVICES.filter((service) => tariffs[service]).map((service) => `${service} ${formatMoney(tariffs[service] as Money)}`);
  throw new RoamingAssertionError(`expected the tariff table to be refused with a message containing ${JSON.stringify(fragment)}, but it was accepted: ${priced.join(', ')}`);
}

function parseTriggerType(text: string): TriggerType {
  const type = text.trim().toLowerCase();
  if (!(TRIGGER_TYPES as readonly string[]).includes(type)) throw new InputError(text, 'billing trigger type in the step', `one of ${TRIGGER_TYPES.join(', ')}`);
  return type as TriggerType;
}

function sameMoney(text: string, want: Money): boolean {
  const got = parseMoney(text, 'emitted charge');
  return got.currency === want.currency && compareMoney(got, want) === 0;
}

function describeEmitted(triggers: readonly BillingTrigger[]): string {
  if (triggers.length === 0) return 'no billing trigger was emitted';
  return `the scenario emitted ${triggers.map((t) => `${t.type} ${t.charge}`).join(', ')}`;
}

function expectMessage(what: string, error: unknown, fragment: string): void {
  if (!isUserError(error)) throw error;
  if (!error.message.includes(fragment)) {
    throw new RoamingAssertionError(`expected ${what} to be refused with a message containing ${JSON.stringify(fragment)}, but the message was: ${error.message}`);
  }
}
