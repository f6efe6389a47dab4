/**
 * Billing for every scenario. Each scenario gets its own BillingEmulator on the world's bus, rating
 * sessions by the agreement between home and visited network (config/roaming.yaml, or the scenario's
 * tariff table), with the zones of the configuration deciding the retail rule. When the scenario ends,
 * its triggers go to the run's files (logs/billing/triggers-<run>.jsonl and
 * reports/billing/triggers-<run>.csv, under ROAMSIM_LOG_DIR / ROAMSIM_REPORTS_DIR when set), and the
 * reconciliation of what its Then steps expected against what was emitted is attached to the report as
 * application/json. The step definitions (steps/billing.ts) are one-liners over the functions exported
 * here; the vocabulary is described in features/billing/readme.md.
 *
 * Metrics: `onBillingTrigger(listener)` sees every trigger of every scenario as it is emitted, so the
 * telemetry hook can feed roamsim_billing_triggers_total{type} with `metrics.billingTrigger(trigger.type)`.
 */
import path from 'node:path';
import {
  type AgreementRating,
  BillingEmulator,
  type BillingTrigger,
  type ExpectedTrigger,
  TRIGGER_TYPES,
  type TriggerType,
  type VerdictClass,
  reconcileTriggers,
} from '../src/billing/emulator';
import { CHARGE_ROUNDING, type Money, compareMoney, formatMoney, parseMoney, roundMoney, sumMoney } from '../src/billing/money';
import { DEFAULT_TRIGGER_LOG_DIR, DEFAULT_TRIGGER_REPORT_DIR, appendTriggerLines, writeTriggerReport } from '../src/billing/output';
import { WriteFailure } from '../src/telemetry/durable-write';
import { runTelemetry } from './telemetry-hook';
import { SERVICES, type Service, type Tariffs, parseTariffRows, parseTariffsConfig } from '../src/billing/tariffs';
import { type UsageResult, recordUsage } from '../src/billing/usage';
import { type Zone, findZone } from '../src/billing/zones';
import type { AgreementConfig, RoamingConfig } from '../src/config/load';
import { tadigOf as catalogueTadigOf } from '../src/config/mcc';
import { InputError, isUserError } from '../src/errors';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { type RoamingWorld, onScenario } from './world';

/** One id per process (and per worker under --parallel): ISO time without colons, then the pid. */
export const BILLING_RUN_ID = `${new Date().toISOString().replace(/:/g, '-')}-${process.pid}`;

export type BillingTriggerListener = (trigger: BillingTrigger, world: RoamingWorld) => void;

/** Listeners for every trigger of the run (registered once, at load time, by other support files). */
const triggerListeners = new Set<BillingTriggerListener>();
/** The run's triggers so far: the CSV is rewritten from them after each scenario. */
const runTriggers: BillingTrigger[] = [];

/** One scenario's billing: its emulator, its tariff tables and what its Then steps expected. */
interface ScenarioBilling {
  readonly emulator: BillingEmulator;
  /** `home>visited` → the scenario's tariff table for that agreement. */
  readonly overrides: Map<string, Tariffs>;
  /** Claims made by Then steps, kept as a set (see expect). */
  readonly expected: ExpectedTrigger[];
  /** Errors billing met while following the journey (an agreement without tariffs, say), in order. */
  readonly errors: Error[];
  /** Errors a Then step asserted as refused input; they no longer fail later steps. */
  readonly acknowledged: Set<Error>;
  examined: boolean;
  stop(): void;
}

const scenarios = new WeakMap<RoamingWorld, ScenarioBilling>();

/**
 * Called with every billing trigger as it is emitted, with the world of its scenario; returns the
 * unsubscribe. A listener that throws is logged to the scenario and never disturbs billing.
 */
export function onBillingTrigger(listener: BillingTriggerListener): () => void {
  triggerListeners.add(listener);
  return () => triggerListeners.delete(listener);
}

/** The scenario's emulator, for other hooks (undefined before the scenario started). */
export function billingOf(world: RoamingWorld): BillingEmulator | undefined {
  return scenarios.get(world)?.emulator;
}

onScenario((world) => {
  const overrides = new Map<string, Tariffs>();
  const emulator = new BillingEmulator({
    tariffsFor: (home, visited) => ratingFor(world, overrides, home, visited),
    tadigOf: (plmn) => tadigFor(world.config, plmn),
    pseudonymizer: runPseudonymizer(world.config),
    runId: BILLING_RUN_ID,
  });
  const offListeners = emulator.onTrigger((trigger) => {
    for (const listener of triggerListeners) {
      try {
        listener(trigger, world);
      } catch (error) {
        world.log(`billing trigger listener failed: ${String(error)}`);
      }
    }
  });
  const errors: Error[] = [];
  // Not emulator.attach: that rethrows into the bus, which would log "event sink failed" in every scenario
  // that roams under an agreement without tariffs. Here such a journey is simply not rated; the error is
  // kept for the billing steps (which fail on it) and for the reconciliation.
  const offBus = world.bus.onJourney((event) => {
    try {
      emulator.handle(event, world.bus);
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  });
  const state: ScenarioBilling = {
    emulator,
    overrides,
    expected: [],
    errors,
    acknowledged: new Set(),
    examined: false,
    stop: () => {
      offBus();
      offListeners();
    },
  };
  scenarios.set(world, state);
  return { finish: (result) => finish(world, state, result) };
});

// ---------------------------------------------------------------------------------------------------
// Rating: agreement, tariffs, zone, TADIG

function pairKey(home: string, visited: string): string {
  return `${home}>${visited}`;
}

/**
 * The agreement between home and visited network as the scenario sees it (config, replaced or withdrawn
 * by network steps), priced by the scenario's tariff table when it gave one, else by the configured
 * `tariffs`. No agreement, or one without any tariffs, cannot be rated (the emulator says so).
 */
function ratingFor(world: RoamingWorld, overrides: ReadonlyMap<string, Tariffs>, home: string, visited: string): AgreementRating | undefined {
  const agreement = world.network.agreements.find(home, visited);
  if (!agreement) return undefined;
  const tariffs = overrides.get(pairKey(home, visited)) ?? configuredTariffs(world.config, agreement.config);
  if (!tariffs) return undefined;
  const zone = zoneFor(world.config, agreement.config?.zone, home, visited);
  return {
    tariffs,
    agreementId: `${tadigFor(world.config, home)}-${tadigFor(world.config, visited)}`,
    ...(zone ? { zone } : {}),
  };
}

function configuredTariffs(config: RoamingConfig, agreement: AgreementConfig | undefined): Tariffs | undefined {
  if (!agreement?.tariffs) return undefined;
  const file = path.relative(process.cwd(), config.file) || config.file;
  return parseTariffsConfig(agreement.tariffs, `${file} agreements[${config.agreements.indexOf(agreement)}].tariffs`);
}

/**
 * The zone whose retail rule applies: the one the agreement names, else the first zone of `zones:` that
 * holds both countries. Either way it only applies when both networks' MCCs are in it. A `free` zone
 * (roam like at home) makes the retail charge zero; the wholesale charge is still recorded.
 */
function zoneFor(config: RoamingConfig, named: string | undefined, home: string, visited: string): Zone | undefined {
  const zones: Zone[] = config.zones.map((zone) => ({ name: zone.name, mccs: zone.mccs, retail: zone.retail === 'free' ? 'free' : 'wholesale' }));
  return named === undefined ? findZone(zones, home, visited) : zones.find((zone) => zone.name === named);
}

/** The configured network's TADIG, else the catalogue's (or its synthetic code). */
function tadigFor(config: RoamingConfig, plmn: string): string {
  return config.networks.find((network) => network.plmn === plmn)?.tadig ?? catalogueTadigOf(plmn);
}

// ---------------------------------------------------------------------------------------------------
// End of scenario: run files and the reconciliation attachment

/** logs/billing and reports/billing, under ROAMSIM_LOG_DIR and ROAMSIM_REPORTS_DIR when they are set. */
function outputDirs(env: NodeJS.ProcessEnv = process.env): { logs: string; reports: string } {
  const logs = env.ROAMSIM_LOG_DIR?.trim();
  const reports = env.ROAMSIM_REPORTS_DIR?.trim();
  return {
    logs: logs ? path.join(logs, 'billing') : DEFAULT_TRIGGER_LOG_DIR,
    reports: reports ? path.join(reports, 'billing') : DEFAULT_TRIGGER_REPORT_DIR,
  };
}

function finish(world: RoamingWorld, state: ScenarioBilling, result: { status: string; failed: boolean }): void {
  state.stop();
  const triggers = state.emulator.triggers;
  let files: { triggers: string; report: string } | { failed: string } | undefined;
  if (triggers.length > 0) {
    runTriggers.push(...triggers);
    const dirs = outputDirs();
    try {
      files = { triggers: appendTriggerLines(triggers, BILLING_RUN_ID, dirs.logs), report: writeTriggerReport(runTriggers, BILLING_RUN_ID, dirs.reports) };
    } catch (error) {
      // A full disk or a read-only folder must not cost the scenario its reconciliation, but it fails the
      // scenario afterwards (hooks.ts) and counts in the run's NOT WRITTEN summary: billing records are never lost silently.
      files = { failed: `could not write the billing files: ${error instanceof Error ? error.message : String(error)}` };
      world.log(`billing: ${files.failed}`);
      if (error instanceof WriteFailure) {
        world.writeFailure ??= error;
        runTelemetry().ledger.notWritten(error, triggers.length);
      }
    }
  }
  const errors = state.errors;
  const refusals = state.emulator.refusals;
  if (!state.examined && state.expected.length === 0 && triggers.length === 0 && errors.length === 0 && refusals.length === 0) return;
  const verdicts = reconcileTriggers(state.expected, triggers);
  const summary: Record<VerdictClass, number> = { match: 0, diverge: 0, 'only-expected': 0, 'only-emitted': 0 };
  for (const row of verdicts) summary[row.verdict]++;
  const reconciliation = {
    runId: BILLING_RUN_ID,
    feature: world.featureName,
    scenario: world.scenarioName,
    status: result.status,
    summary,
    verdicts,
    expected: state.expected,
    triggers,
    // Refusals carry the raw IMSI on the bus; only what was refused and why goes into the report.
    refusals: refusals.map((refusal) => ({ ...(refusal.visitedPlmn ? { visitedPlmn: refusal.visitedPlmn } : {}), ...refusal.detail })),
    errors: errors.map((error) => ({ message: error.message, asserted: state.acknowledged.has(error) })),
    rounding: CHARGE_ROUNDING.description,
    ...(files ? { files } : {}),
  };
  world.attach(JSON.stringify(reconciliation, null, 2), { mediaType: 'application/json', fileName: 'billing-reconciliation.json' });
}

// ---------------------------------------------------------------------------------------------------
// What the steps do

function billing(world: RoamingWorld): ScenarioBilling {
  const state = scenarios.get(world);
  if (!state) throw new Error('billing is not following this scenario: the scenario has not started');
  return state;
}

/** An error the emulator met while following the scenario (an agreement without tariffs, say) fails the step. */
function failOnBillingErrors(state: ScenarioBilling): void {
  const pending = state.errors.find((error) => !state.acknowledged.has(error));
  if (pending) throw pending;
}

/**
 * `Given the roaming agreement between H and V has these tariffs:` — replaces the agreement's tariffs for
 * this scenario only. It never creates an agreement: the pair must have one (configured or given by a
 * network step) when the step runs. Sessions are rated when they open, so the table comes before the
 * registration it should price.
 */
export function overrideTariffs(world: RoamingWorld, home: string, visited: string, rows: ReadonlyArray<Readonly<Record<string, string>>>): void {
  const state = billing(world);
  const tariffs = parseTariffRows(rows, `tariff table of the agreement between ${home} and ${visited}`);
  if (!world.network.agreements.find(home, visited)) {
    throw new Error(
      `there is no roaming agreement between ${home} and ${visited} to give tariffs to; the tariff table never creates one: add "Given home network ${home} has a roaming agreement with ${visited}" before it`,
    );
  }
  if (state.emulator.triggers.some((t) => t.type === 'registration' && t.homePlmn === home && t.visitedPlmn === visited)) {
    throw new Error(`the subscriber already registered in ${visited} under the earlier tariffs: give the tariff table before the registration it should price`);
  }
  state.overrides.set(pairKey(home, visited), tariffs);
}

/** Reports usage of the current subscriber on its serving network; an error billing meets fails the step. */
export function useService(world: RoamingWorld, service: Service | string, quantity: number, unit?: string): UsageResult {
  const state = billing(world);
  failOnBillingErrors(state);
  const before = state.errors.length;
  const deps = { bus: world.bus, engine: world.engine, store: world.network.store, clock: world.clock, scenario: world.scenarioName };
  const result = recordUsage(deps, world.subscriber.imsi, service, quantity, unit);
  const error = state.errors[before];
  if (error) throw error;
  return result;
}

function parseTriggerType(text: string): TriggerType {
  const type = text.trim().toLowerCase();
  if (!(TRIGGER_TYPES as readonly string[]).includes(type)) throw new InputError(text, 'billing trigger type in the step', `one of ${TRIGGER_TYPES.join(', ')}`);
  return type as TriggerType;
}

/**
 * Records a claim for the reconciliation. Claims say "there is such a trigger", so they form a set:
 * repeating one adds nothing, and a claim with a charge takes the place of a bare claim of its type.
 */
function expect(state: ScenarioBilling, type: TriggerType, charge?: Money): void {
  state.examined = true;
  const text = charge === undefined ? undefined : formatMoney(charge);
  if (state.expected.some((row) => row.type === type && (text === undefined || row.charge === text))) return;
  const bare = text === undefined ? -1 : state.expected.findIndex((row) => row.type === type && row.charge === undefined);
  const row: ExpectedTrigger = text === undefined ? { type } : { type, charge: text };
  if (bare >= 0) state.expected[bare] = row;
  else state.expected.push(row);
}

function sameMoney(text: string, want: Money): boolean {
  const got = parseMoney(text, 'emitted charge');
  return got.currency === want.currency && compareMoney(got, want) === 0;
}

function describeEmitted(triggers: readonly BillingTrigger[]): string {
  if (triggers.length === 0) return 'no billing trigger was emitted';
  return `the scenario emitted ${triggers.map((t) => `${t.type} ${t.charge}`).join(', ')}`;
}

/** `Then a "data" billing trigger is emitted [with charge "USD 1.20"]`. */
export function expectTrigger(world: RoamingWorld, typeText: string, chargeText?: string): void {
  const state = billing(world);
  const type = parseTriggerType(typeText);
  const charge = chargeText === undefined ? undefined : parseMoney(chargeText, 'charge in the step');
  expect(state, type, charge);
  failOnBillingErrors(state);
  const triggers = state.emulator.triggers;
  const ofType = triggers.filter((t) => t.type === type);
  if (charge === undefined) {
    if (ofType.length === 0) throw new Error(`expected a "${type}" billing trigger, but ${describeEmitted(triggers)}`);
    return;
  }
  if (ofType.some((t) => sameMoney(t.charge, charge))) return;
  const carried = ofType.length === 0 ? `no ${type} trigger was emitted` : `the ${type} triggers carry ${ofType.map((t) => t.charge).join(', ')}`;
  throw new Error(`expected a "${type}" billing trigger with charge ${formatMoney(charge)}, but ${carried} (${describeEmitted(triggers)})`);
}

/** `Then no billing trigger is emitted`: nothing at all in this scenario. */
export function expectNoTrigger(world: RoamingWorld): void {
  const state = billing(world);
  state.examined = true;
  failOnBillingErrors(state);
  const triggers = state.emulator.triggers;
  if (triggers.length > 0) throw new Error(`expected no billing trigger, but ${describeEmitted(triggers)}`);
}

/**
 * `Then the total [wholesale] charge is "EUR 0.20"`: the exact sum of the scenario's retail (or wholesale)
 * charges in that currency. Amounts in different currencies are never added, so a scenario billed in EUR
 * and USD states one total per currency.
 */
export function expectTotal(world: RoamingWorld, text: string, kind: 'retail' | 'wholesale'): void {
  const state = billing(world);
  state.examined = true;
  const label = kind === 'retail' ? 'total charge' : 'total wholesale charge';
  const want = parseMoney(text, `${label} in the step`);
  failOnBillingErrors(state);
  const triggers = state.emulator.triggers;
  if (triggers.length === 0) throw new Error(`expected a ${label} of ${formatMoney(want)}, but no billing trigger was emitted`);
  const inCurrency = triggers.filter((t) => t.currency === want.currency);
  if (inCurrency.length === 0) {
    throw new Error(`expected a ${label} of ${formatMoney(want)}, but the scenario billed only in ${[...new Set(triggers.map((t) => t.currency))].join(', ')}`);
  }
  const amountOf = (t: BillingTrigger) => (kind === 'retail' ? t.charge : t.wholesale);
  const total = roundMoney(sumMoney(inCurrency.map((t) => parseMoney(amountOf(t), `trigger ${kind} charge`)), want.currency, label));
  if (compareMoney(total, want) !== 0) {
    const parts = inCurrency.filter((t) => t.service !== undefined).map((t) => `${t.type} ${amountOf(t)}`);
    throw new Error(`expected the ${label} in ${want.currency} to be ${formatMoney(want)}, but it is ${formatMoney(total)}${parts.length ? ` (${parts.join(' + ')})` : ''}`);
  }
}

/** `Then the usage is refused`: the subscriber's last usage got a usage-refused answer and no trigger. */
export function expectUsageRefused(world: RoamingWorld): void {
  const state = billing(world);
  state.examined = true;
  failOnBillingErrors(state);
  const imsi = world.subscriber.imsi;
  const journeys = world.journeys;
  let last = -1;
  journeys.forEach((event, index) => {
    if (event.type === 'usage' && event.subscriber.imsi === imsi) last = index;
  });
  if (last < 0) throw new Error('no usage was reported in this scenario yet: add "When the subscriber sends 1 SMS" (or data, or a call) before this step');
  const usage = journeys[last];
  const refused = journeys.slice(last + 1).some((event) => event.type === 'usage-refused' && event.subscriber.imsi === imsi);
  if (!refused) {
    const service = String(usage.detail?.service ?? 'usage');
    throw new Error(`expected the ${service} usage to be refused, but it was rated in ${usage.visitedPlmn ?? 'no network'} (${describeEmitted(state.emulator.triggers)})`);
  }
}

/** `Then the "registration" billing trigger carries home TADIG "GBRVF" and visited TADIG "DEUD1"`. */
export function expectTadig(world: RoamingWorld, typeText: string, home: string, visited: string): void {
  const state = billing(world);
  const type = parseTriggerType(typeText);
  expect(state, type);
  failOnBillingErrors(state);
  const ofType = state.emulator.triggers.filter((t) => t.type === type);
  if (ofType.some((t) => t.homeTadig === home && t.visitedTadig === visited)) return;
  const carried = ofType.length === 0 ? `no ${type} trigger was emitted` : `the ${type} triggers carry ${ofType.map((t) => `${t.homeTadig} → ${t.visitedTadig}`).join(', ')}`;
  throw new Error(`expected a "${type}" billing trigger from home TADIG ${home} to visited TADIG ${visited}, but ${carried}`);
}

function expectMessage(what: string, error: unknown, fragment: string): void {
  if (!isUserError(error)) throw error;
  if (!error.message.includes(fragment)) {
    throw new Error(`expected ${what} to be refused with a message containing ${JSON.stringify(fragment)}, but the message was: ${error.message}`);
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
  throw new Error(`expected the tariff table to be refused with a message containing ${JSON.stringify(fragment)}, but it was accepted: ${priced.join(', ')}`);
}

/** `Then a usage of -5 MB of data is refused with "..."` — the usage never reaches billing, or billing refuses it. */
export function expectUsageInvalid(world: RoamingWorld, quantity: number, unit: string, service: string, fragment: string): void {
  const state = billing(world);
  state.examined = true;
  failOnBillingErrors(state);
  const what = `a usage of ${quantity} ${unit} of ${service}`;
  try {
    useService(world, service, quantity, unit);
  } catch (error) {
    if (error instanceof Error) state.acknowledged.add(error);
    expectMessage(what, error, fragment);
    return;
  }
  throw new Error(`expected ${what} to be refused with a message containing ${JSON.stringify(fragment)}, but it was accepted (${describeEmitted(state.emulator.triggers)})`);
}
