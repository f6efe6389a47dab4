/**
 * Billing for every scenario: a ScenarioBilling (src/billing/scenario.ts: rating, triggers on the bus, what
 * the billing steps mean) per scenario. When the scenario ends, its triggers go to the run's files
 * (logs/billing/triggers-<run>.jsonl and reports/billing/triggers-<run>.csv, under ROAMSIM_LOG_DIR /
 * ROAMSIM_REPORTS_DIR when set), and the reconciliation of what its Then steps expected against what was
 * emitted is attached to the report as application/json. The step definitions (steps/billing.ts) are
 * one-liners over the functions below; the vocabulary is described in features/billing/readme.md.
 */
import path from 'node:path';
import type { BillingTrigger } from '../src/billing/emulator';
import { DEFAULT_TRIGGER_LOG_DIR, DEFAULT_TRIGGER_REPORT_DIR, appendTriggerLines, writeTriggerReport } from '../src/billing/output';
import { WriteFailure, type WriteLedger } from '../src/telemetry/durable-write';
import { ScenarioBilling } from '../src/billing/scenario';
import type { Service } from '../src/billing/tariffs';
import type { UsageResult } from '../src/billing/usage';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { appendRecordLines } from '../src/charging/records';
import { MSISDN_KEEP, mccMncLength } from '../src/capture/scrub';
import { EmbeddedOcs } from '../mocks/ocs/ocs';
import type { SuiteRun } from './suite';
import { type RoamingWorld, partKey } from './world';

export { expectTariffTableRefused } from '../src/billing/scenario';

/** One id per process (and per worker under --parallel): ISO time without colons, then the pid. */
export const BILLING_RUN_ID = `${new Date().toISOString().replace(/:/g, '-')}-${process.pid}`;

const BILLING = partKey<ScenarioBilling>('billing');

/** The scenario's billing (undefined before the scenario started). */
export function billingOf(world: RoamingWorld): ScenarioBilling | undefined {
  return world.part(BILLING);
}

function billing(world: RoamingWorld): ScenarioBilling {
  const state = billingOf(world);
  if (!state) throw new Error('billing is not following this scenario: the scenario has not started');
  return state;
}

export function installBilling(suite: SuiteRun): void {
  /** The run's triggers so far: the CSV is rewritten from them after each scenario. */
  const runTriggers: BillingTrigger[] = [];
  suite.onScenario((world) => {
    // The home network's OCS prices a prepaid balance by the scenario's own rating (tariff tables, zones).
    let rated: ScenarioBilling | undefined;
    const ocs = new EmbeddedOcs({
      pricePerMb: (home, visited) => rated?.retailPrice(home, visited, 'data'),
      pricePerSms: (home, visited) => rated?.retailPrice(home, visited, 'sms'),
      pricePerMinute: (home, visited) => rated?.retailPrice(home, visited, 'voice'),
    });
    const state = world.setPart(
      BILLING,
      new ScenarioBilling({
        ocs,
        linkLatencyMs: world.config.simulation.linkLatencyMs,
        warn: (message) => world.log(`charging: ${message}`),
        config: world.config,
        agreements: world.simulation.agreements,
        bus: world.bus,
        engine: world.engine,
        store: world.simulation.store,
        clock: world.clock,
        scenario: world.scenarioName,
        pseudonymizer: runPseudonymizer(world.config),
        runId: BILLING_RUN_ID,
        journeys: () => world.journeys,
      }),
    );
    rated = state;
    return { finish: (result) => finish(world, state, result, runTriggers, suite.ledger) };
  });
}

/** logs/billing and reports/billing, under ROAMSIM_LOG_DIR and ROAMSIM_REPORTS_DIR when they are set. */
function outputDirs(env: NodeJS.ProcessEnv = process.env): { logs: string; reports: string } {
  const logs = env.ROAMSIM_LOG_DIR?.trim();
  const reports = env.ROAMSIM_REPORTS_DIR?.trim();
  return {
    logs: logs ? path.join(logs, 'billing') : DEFAULT_TRIGGER_LOG_DIR,
    reports: reports ? path.join(reports, 'billing') : DEFAULT_TRIGGER_REPORT_DIR,
  };
}

function finish(world: RoamingWorld, state: ScenarioBilling, result: { status: string; failed: boolean }, runTriggers: BillingTrigger[], ledger: WriteLedger): void {
  state.stop();
  const triggers = state.triggers;
  let files: { triggers: string; report: string } | { failed: string } | undefined;
  if (triggers.length > 0 && world.suite.sinkOn('billing')) {
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
        ledger.notWritten(error, triggers.length);
      }
    }
  }
  if (state.records.length > 0 && world.suite.sinkOn('billing')) {
    const pseudonymizer = runPseudonymizer(world.config);
    const keep = (imsi: string): number => mccMncLength(world.simulation.store.sim(imsi)?.identity.homePlmn ?? '');
    try {
      appendRecordLines(state.records, BILLING_RUN_ID, outputDirs().reports, { imsi: (imsi) => pseudonymizer.imsi(imsi, keep(imsi)), msisdn: (msisdn) => pseudonymizer.msisdn(msisdn, MSISDN_KEEP) });
    } catch (error) {
      // Like the triggers: the scenario fails afterwards and the run's NOT WRITTEN summary counts the records.
      world.log(`billing: could not write the charging records: ${error instanceof Error ? error.message : String(error)}`);
      if (!(error instanceof WriteFailure)) throw error;
      world.writeFailure ??= error;
      ledger.notWritten(error, state.records.length);
    }
  }
  const reconciliation = state.reconciliation();
  if (!reconciliation) return;
  const report = { runId: BILLING_RUN_ID, feature: world.featureName, scenario: world.scenarioName, status: result.status, ...reconciliation, ...(files ? { files } : {}) };
  world.attach(JSON.stringify(report, null, 2), { mediaType: 'application/json', fileName: 'billing-reconciliation.json' });
}

// What the steps do: one line each over the scenario's billing.

export function overrideTariffs(world: RoamingWorld, home: string, visited: string, rows: ReadonlyArray<Readonly<Record<string, string>>>): void {
  billing(world).overrideTariffs(home, visited, rows);
}

export function useService(world: RoamingWorld, service: Service | string, quantity: number, unit?: string): UsageResult {
  return billing(world).useService(world.subscriber.imsi, service, quantity, unit);
}

export function expectTrigger(world: RoamingWorld, typeText: string, chargeText?: string): void {
  billing(world).expectTrigger(typeText, chargeText);
}

export function expectNoTrigger(world: RoamingWorld): void {
  billing(world).expectNoTrigger();
}

export function expectTotal(world: RoamingWorld, text: string, kind: 'retail' | 'wholesale'): void {
  billing(world).expectTotal(text, kind);
}

export function expectUsageRefused(world: RoamingWorld): void {
  billing(world).expectUsageRefused(world.subscriber.imsi);
}

export function expectTadig(world: RoamingWorld, typeText: string, home: string, visited: string): void {
  billing(world).expectTadig(typeText, home, visited);
}

export function expectUsageInvalid(world: RoamingWorld, quantity: number, unit: string, service: string, fragment: string): void {
  billing(world).expectUsageInvalid(world.subscriber.imsi, quantity, unit, service, fragment);
}

export function setPrepaidBalance(world: RoamingWorld, text: string): void {
  billing(world).setPrepaidBalance(world.subscriber.imsi, text);
}

export function expectBalance(world: RoamingWorld, text: string): void {
  billing(world).expectBalance(world.subscriber.imsi, text);
}

export function expectDataCutForCredit(world: RoamingWorld, megabytes: number): void {
  billing(world).expectDataCutForCredit(world.subscriber.imsi, megabytes);
}

export function expectRecord(world: RoamingWorld, name: string): void {
  billing(world).expectRecord(name);
}

export function expectOcsRequests(world: RoamingWorld, count: number, name: string): void {
  billing(world).expectOcsRequests(count, name);
}

export function expectBalanceRefused(world: RoamingWorld, text: string, fragment: string): void {
  billing(world).expectBalanceRefused(world.subscriber.imsi, text, fragment);
}

export function expectSmsRefusedForCredit(world: RoamingWorld): void {
  billing(world).expectSmsRefusedForCredit(world.subscriber.imsi);
}

export function expectCallCut(world: RoamingWorld, seconds: number): void {
  billing(world).expectCallCut(world.subscriber.imsi, seconds);
}
