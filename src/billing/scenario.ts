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
import { PacketCore } from '../charging/packet-core';
import { type AnyRecord, parseRecordName, recordMegabytes } from '../charging/records';
import { MessagingCore } from '../charging/messaging';
import type { OnlineChargingSystem } from '../charging/seam';
import { priceOf } from './tariffs';
import { inZone } from './zones';
import { billableQuantity } from './tariffs';
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
  /** The home network's online charging system (prepaid data over Gy); without it all data is charged offline. */
  readonly ocs?: OnlineChargingSystem & { setBalance?(imsi: string, balance: Money): void };
  /** One-way transit between networks on the simulated clock (GTP on S8/Gp). */
  readonly linkLatencyMs?: number;
  /** Where a logged oddity goes (a grant larger than asked, an unknown Result-Code). */
  readonly warn?: (message: string) => void;
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
  /** The data path: visited SGW/SGSN, home PGW/GGSN, Gy to the OCS, and the CDRs they write. */
  readonly packetCore: PacketCore;
  /** The messaging path: visited MSC → home SMSC, SMS-MO records, direct debiting for prepaid. */
  readonly messaging: MessagingCore;
  /** Requests the home OCS received, by name (CCR-I, CCR-U, CCR-T, CCR-E). */
  private readonly ocsRequests = new Map<string, number>();
  /** Oddities the gateway logged (counted in the reconciliation). */
  readonly warnings: string[] = [];

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
    // The data path and the call/SMS path of the visited network share the scenario's bus, clock and OCS.
    const core = {
      bus,
      clock: deps.clock,
      ...(deps.ocs ? { ocs: deps.ocs } : {}),
      scenario: deps.scenario,
      linkLatencyMs: deps.linkLatencyMs ?? 0,
      msisdnOf: (imsi: string) => deps.store.sim(imsi)?.identity.msisdn,
    };
    this.packetCore = new PacketCore({
      ...core,
      warn: (message) => {
        this.warnings.push(message);
        deps.warn?.(message);
      },
    });
    const offCore = this.packetCore.attach();
    this.messaging = new MessagingCore(core);
    const offOcs = bus.onSignalling((event) => {
      if (event.to.kind === 'OCS') this.ocsRequests.set(event.procedure, (this.ocsRequests.get(event.procedure) ?? 0) + 1);
    });
    this.detach = [offBus, offTriggers, offCore, offOcs];
  }

  /** The charging records the scenario's gateways wrote, in order. */
  get records(): readonly AnyRecord[] {
    return [...this.packetCore.records, ...this.messaging.records];
  }

  /**
   * The retail price of one unit of `service` between the networks as this scenario rates them (zero inside
   * a free zone), or undefined without a priced agreement: what the home OCS charges a prepaid balance.
   */
  retailPrice(home: string, visited: string, service: Service): Money | undefined {
    if (home === visited) return undefined;
    const rating = ratingFor(this.deps.config, this.deps.agreements, this.overrides, home, visited);
    const price = rating && priceOf(rating.tariffs, service);
    if (!rating || !price) return undefined;
    return rating.zone && rating.zone.retail === 'free' && inZone(rating.zone, home, visited) ? { ...price, minor: 0n } : price;
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
    const usageDeps = { bus, engine, store, clock, scenario };
    const routed = service === 'data' ? this.useData(imsi, quantity, unit) : service === 'sms' ? this.useSms(imsi, quantity, unit) : service === 'voice' ? this.useVoice(imsi, quantity, unit) : undefined;
    const result = routed ?? recordUsage(usageDeps, imsi, service, quantity, unit);
    const error = this.errors[before];
    if (error) throw error;
    return result;
  }

  /**
   * Data abroad travels the home-routed session: the gateways move what the credit allows and the usage
   * event carries the record it came from (and, online, the OCS's charge). Undefined when there is no
   * roaming session to carry it (not registered, at home, nothing to move): the plain usage path decides.
   */
  private useData(imsi: string, quantity: number, unit?: string): UsageResult | undefined {
    billableQuantity('data', quantity, unit, 'usage of data');
    const serving = this.deps.engine.servingOf(imsi);
    const sim = this.deps.store.sim(imsi);
    if (!serving || !sim || serving.plmn === sim.identity.homePlmn || quantity === 0) return undefined;
    const { bus, engine, store, clock, scenario } = this.deps;
    const use = this.packetCore.useData(imsi, sim.identity.homePlmn, serving.plmn, serving.rat, quantity);
    if (use.cut?.reason === 'refused') throw new RoamingAssertionError(`the data session in ${serving.plmn} failed: ${use.cut.detail}`);
    const usageDeps = { bus, engine, store, clock, scenario };
    if (use.usedMb === 0) {
      return recordUsage(usageDeps, imsi, 'data', quantity, unit, { refused: `exhausted credit: ${use.cut?.detail ?? 'the balance buys no data'}` });
    }
    return recordUsage(usageDeps, imsi, 'data', use.usedMb, unit, { record: use.record, ...(use.charge ? { onlineCharge: formatMoney(use.charge) } : {}) });
  }

  /** SMS abroad go visited MSC → home SMSC; undefined when not roaming (the plain usage path decides). */
  private useSms(imsi: string, quantity: number, unit?: string): UsageResult | undefined {
    billableQuantity('sms', quantity, unit, 'usage of sms');
    const serving = this.deps.engine.servingOf(imsi);
    const sim = this.deps.store.sim(imsi);
    if (!serving || !sim || serving.plmn === sim.identity.homePlmn || quantity === 0) return undefined;
    const use = this.messaging.sendSms(imsi, sim.identity.homePlmn, serving.plmn, serving.rat, quantity);
    if (use.refused?.reason === 'refused') throw new RoamingAssertionError(`the SMS in ${serving.plmn} failed: ${use.refused.detail}`);
    const { bus, engine, store, clock, scenario } = this.deps;
    const usageDeps = { bus, engine, store, clock, scenario };
    if (use.sent === 0) return recordUsage(usageDeps, imsi, 'sms', quantity, unit, { refused: `exhausted credit: ${use.refused?.detail ?? 'the balance cannot pay an SMS'}` });
    return recordUsage(usageDeps, imsi, 'sms', use.sent, unit, { record: 'SMS-MO', ...(use.charge ? { onlineCharge: formatMoney(use.charge) } : {}) });
  }

  /** A call abroad: the visited MSC writes the MOC record the voice trigger names; prepaid calls go through CAMEL. */
  private useVoice(imsi: string, quantity: number, unit?: string): UsageResult | undefined {
    billableQuantity('voice', quantity, unit, 'usage of voice');
    const serving = this.deps.engine.servingOf(imsi);
    const sim = this.deps.store.sim(imsi);
    if (!serving || !sim || serving.plmn === sim.identity.homePlmn || quantity === 0) return undefined;
    const { bus, engine, store, clock, scenario } = this.deps;
    const usageDeps = { bus, engine, store, clock, scenario };
    const seconds = unit === 'seconds' ? quantity : quantity * 60;
    const call = this.messaging.makeCall(imsi, sim.identity.homePlmn, serving.plmn, serving.rat, seconds);
    if (call.seconds === 0) return recordUsage(usageDeps, imsi, 'voice', quantity, unit, { refused: `exhausted credit: ${call.refused ?? 'the balance cannot pay a minute'}` });
    const online = call.online && call.charge ? { onlineCharge: formatMoney(call.charge) } : {};
    // A call cut short is reported in the seconds it lasted; a whole one as the step gave it.
    if (call.seconds < seconds) return recordUsage(usageDeps, imsi, 'voice', call.seconds, 'seconds', { record: 'MOC', ...online });
    return recordUsage(usageDeps, imsi, 'voice', quantity, unit, { record: 'MOC', ...online });
  }

  /** `Then the call is cut off for exhausted credit after 120 seconds`. */
  expectCallCut(imsi: string, seconds: number): void {
    this.examined = true;
    const cuts = this.messaging.cutCalls.filter((cut) => cut.imsi === imsi);
    if (cuts.some((cut) => cut.seconds === seconds)) return;
    throw new RoamingAssertionError(`expected the call to be cut off for exhausted credit after ${seconds} seconds, but ${cuts.length === 0 ? 'no call was cut off' : `it was cut after ${cuts.map((c) => `${c.seconds} seconds`).join(', ')}`}`);
  }

  /** `Then the SMS is refused for exhausted credit`. */
  expectSmsRefusedForCredit(imsi: string): void {
    this.examined = true;
    if (this.messaging.creditRefusals.includes(imsi)) return;
    const sent = this.messaging.records.filter((r) => r.servedIMSI === imsi);
    throw new RoamingAssertionError(`expected an SMS to be refused for exhausted credit, but ${sent.length === 0 ? 'no SMS was sent abroad' : `the home SMSC accepted all ${sent.length}`}`);
  }

  /** `Given the subscriber has a prepaid balance of "EUR 5.00"`: the home OCS opens the account. */
  setPrepaidBalance(imsi: string, text: string): void {
    const balance = parseMoney(text, 'prepaid balance in the step');
    const minor = roundMoney(balance);
    if (compareMoney(minor, balance) !== 0) throw new InputError(text, 'prepaid balance in the step', `an amount in whole minor units of ${balance.currency}, e.g. "${balance.currency} 5.00"`);
    const sim = this.deps.store.sim(imsi);
    const profile = sim ? (sim.identity as { profile?: string }).profile : undefined;
    if (profile !== undefined && profile !== 'prepaid') throw new Error(`the subscriber's profile is "${profile}": only a "prepaid" subscriber has a balance (write Given a "prepaid" subscriber from home network …)`);
    const serving = this.deps.engine.servingOf(imsi);
    if (serving && sim && serving.plmn !== sim.identity.homePlmn) {
      const price = this.retailPrice(sim.identity.homePlmn, serving.plmn, 'data');
      if (price && price.currency !== balance.currency) throw new InputError(text, 'prepaid balance in the step', `an amount in ${price.currency}, the currency of the agreement between ${sim.identity.homePlmn} and ${serving.plmn}`);
    }
    const ocs = this.deps.ocs;
    if (!ocs?.setBalance) throw new Error('this run has no online charging system to hold a prepaid balance');
    ocs.setBalance(imsi, minor);
  }

  /** `Then the prepaid balance "5 EUR" is refused with "..."`: the balance step's refusal, as product surface. */
  expectBalanceRefused(imsi: string, text: string, fragment: string): void {
    this.examined = true;
    const before = this.deps.ocs?.balanceOf(imsi);
    try {
      this.setPrepaidBalance(imsi, text);
    } catch (error) {
      expectMessage(`the prepaid balance ${JSON.stringify(text)}`, error, fragment);
      return;
    }
    if (before) this.deps.ocs?.setBalance?.(imsi, before);
    throw new RoamingAssertionError(`expected the prepaid balance ${JSON.stringify(text)} to be refused with a message containing ${JSON.stringify(fragment)}, but it was accepted`);
  }

  /** `Then the prepaid balance is "EUR 4.50"`. */
  expectBalance(imsi: string, text: string): void {
    this.examined = true;
    const want = parseMoney(text, 'prepaid balance in the step');
    const balance = this.deps.ocs?.balanceOf(imsi);
    if (!balance) throw new Error(`expected a prepaid balance of ${formatMoney(want)}, but the OCS holds no account for the subscriber (add Given the subscriber has a prepaid balance of "${formatMoney(want)}")`);
    if (balance.currency !== want.currency || compareMoney(balance, want) !== 0) throw new RoamingAssertionError(`expected the prepaid balance to be ${formatMoney(want)}, but it is ${formatMoney(balance)}`);
  }

  /** `Then the data session is ended for exhausted credit after 250 MB`. */
  expectDataCutForCredit(imsi: string, megabytes: number): void {
    this.examined = true;
    const ends = this.packetCore.ended.filter((end) => end.imsi === imsi);
    const credit = ends.filter((end) => end.cause === 'credit');
    if (credit.some((end) => end.totalMb === megabytes)) return;
    if (credit.length > 0) throw new RoamingAssertionError(`expected the data session to end for exhausted credit after ${megabytes} MB, but it ended after ${credit.map((end) => `${end.totalMb} MB`).join(', ')}`);
    const open = this.packetCore.hasSession(imsi) ? 'the data session is still open' : 'no data session ended for exhausted credit';
    throw new RoamingAssertionError(`expected the data session to end for exhausted credit after ${megabytes} MB, but ${open}${ends.length ? ` (ended: ${ends.map((end) => `${end.cause} after ${end.totalMb} MB`).join(', ')})` : ''}`);
  }

  /** `Then a "SGW-CDR" charging record is written`. */
  expectRecord(text: string): void {
    this.examined = true;
    const name = parseRecordName(text, 'charging record in the step');
    const records = this.records;
    if (records.some((record) => record.record === name)) return;
    const written = records.length === 0 ? 'no charging record was written' : `the scenario wrote ${records.map((r) => (r.record === 'SMS-MO' || r.record === 'MOC' ? r.record : `${r.record} (${recordMegabytes(r)} MB, ${r.causeForRecClosing})`)).join(', ')}`;
    throw new RoamingAssertionError(`expected a ${name} charging record, but ${written}`);
  }

  /** `Then the online charging system received 3 "CCR-U" requests`. */
  expectOcsRequests(count: number, text: string): void {
    this.examined = true;
    const name = text.trim().toUpperCase();
    const known = ['CCR-I', 'CCR-U', 'CCR-T', 'CCR-E', 'InitialDP', 'ApplyChargingReport'];
    const request = known.find((k) => k.toUpperCase() === name);
    if (!request) throw new InputError(text, 'online charging request in the step', `one of ${known.join(', ')}`);
    const got = this.ocsRequests.get(request) ?? 0;
    if (got !== count) {
      const all = [...this.ocsRequests].map(([n, c]) => `${c} ${n}`).join(', ') || 'nothing';
      throw new RoamingAssertionError(`expected the online charging system to receive ${count} ${request} request(s), but it received ${got} (all: ${all})`);
    }
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
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
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
