/**
 * State-machine transition coverage for a feature run. Each scenario's `world.transitions` goes into this
 * process's recorder (a sink, so it sees scenarios that failed too); at AfterAll the process writes its
 * snapshot to `reports/.state-coverage/<run>/<worker>.json` (run = the coordinator's pid, so concurrent runs
 * in one tree never mix). The coordinating process (the only process without --parallel) merges the
 * snapshots when it exits, after every worker has finished, and writes `reports/state-coverage.json` and
 * `reports/state-coverage.html` and prints `state coverage: X/Y transitions`. A dry run writes nothing.
 * Each scenario also gets a short text attachment listing the transitions it took.
 */
import { AfterAll, Before, type ITestCaseHookParameter } from '@cucumber/cucumber';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureOrder } from '../src/reports/feature-order';
import { type RecorderSnapshot, StateCoverageRecorder, computeCoverage, describeMachine, mergeSnapshots, summaryLine, writeCoverageReports } from '../src/roaming/state-coverage';
import type { SuiteRun } from './suite';
import { type RoamingWorld, partKey } from './world';

/** Each scenario's place in feature order (its file and line), so examples are the first scenarios there. */
const ORDER = partKey<string>('state-coverage order');

/** The line of the scenario (or of its Examples row) a pickle came from. */
function pickleLine({ pickle, gherkinDocument }: ITestCaseHookParameter): number {
  const wanted = pickle.astNodeIds[pickle.astNodeIds.length - 1];
  const children = (gherkinDocument.feature?.children ?? []).flatMap((c) => (c.rule ? c.rule.children : [c]));
  for (const child of children) {
    const scenario = child.scenario;
    if (!scenario) continue;
    if (scenario.id === wanted) return scenario.location.line;
    for (const examples of scenario.examples) for (const row of examples.tableBody) if (row.id === wanted) return row.location.line;
  }
  return 0;
}

export function installStateCoverage(suite: SuiteRun): void {
  const reportsDir = process.env.ROAMSIM_REPORTS_DIR?.trim() || 'reports';
  const worker = process.env.CUCUMBER_WORKER_ID?.trim();
  // Workers are forked by the coordinator, so their parent pid names the run.
  const runDir = join(reportsDir, '.state-coverage', String(worker ? process.ppid : process.pid));
  const recorder = new StateCoverageRecorder();

  const featureOrder = new FeatureOrder(process.cwd());

  // Named so Allure shows no set-up fixture for it (allure-cucumberjs skips hooks named ALLURE_FIXTURE_IGNORE).
  Before({ name: 'ALLURE_FIXTURE_IGNORE' }, function (this: RoamingWorld, parameter) {
    this.setPart(ORDER, featureOrder.key(parameter.pickle.uri, pickleLine(parameter)));
  });

  suite.onScenario((world) => ({
    finish() {
      recorder.record(world.transitions, world.scenarioName, world.part(ORDER));
      if (world.transitions.length === 0) return;
      const text = world.transitions.map((t) => `${t.from} --${t.event}--> ${t.to}`).join('\n');
      world.attach(`${text}\n`, { mediaType: 'text/plain', fileName: 'state transitions.txt' });
    },
  }));

  AfterAll(function () {
    try {
      mkdirSync(runDir, { recursive: true });
      const file = join(runDir, `${worker ?? 'main'}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(recorder.snapshot()));
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      process.stderr.write(`state coverage: could not write this process's snapshot: ${String(error)}\n`);
    }
  });

  function finishRun(): void {
    if (!existsSync(runDir)) return;
    try {
      const parts: RecorderSnapshot[] = readdirSync(runDir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => JSON.parse(readFileSync(join(runDir, name), 'utf8')) as RecorderSnapshot);
      if (parts.length === 0) return;
      const report = computeCoverage(describeMachine(), mergeSnapshots(parts));
      writeCoverageReports(reportsDir, report);
      process.stdout.write(`${summaryLine(report)} (${join(reportsDir, 'state-coverage.html')})\n`);
    } catch (error) {
      process.stderr.write(`state coverage: could not write the report: ${String(error)}\n`);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
      try {
        rmdirSync(join(reportsDir, '.state-coverage'));
      } catch {
        // other runs still have snapshots there
      }
    }
  }

  if (!worker) process.once('exit', finishRun);
}
