/**
 * Writes the living document of a run: reports/living-doc/index.html (self-contained), the captures it links
 * (reports/living-doc/captures/) and summary.json (what the next run compares with). Reads only what the run
 * left behind: the Cucumber messages, the themes' readme.md narratives, the configuration's agreements and
 * the state-coverage report.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { FeatureOrder, themeDirOf } from '../feature-order';
import { ALLURE_MESSAGE_MEDIA_TYPE, LADDER_FILE_NAME, ladderFromMessage } from '../ladder-attachment';
import { readConformance } from './conformance';
import { type ScenarioEvidence, EVIDENCE_FILE_NAME } from './evidence';
import { billingTables, ladderSvg, metricsTable } from './evidence-views';
import { type RunSummary, compareRuns, readSummary, scenarioKey } from './history';
import { type Pair, type ScenarioObservations, coveredCells, gaps, observe, pairMatrix, ratMatrix } from './matrix';
import { type LivingDocView, type ScenarioAssets, type StateCoverageLink, type Theme, renderLivingDoc } from './render';
import { type RunModel, type RunScenario, buildRun, isFailing, readMessages, verdictOf } from './run';

export interface LivingDocOptions {
  /** The run's reports folder (messages.ndjson, state-coverage.json); the document goes to <reports>/living-doc. */
  readonly reportsDir: string;
  /** The project folder holding features/ (theme narratives are features/<theme>/readme.md). */
  readonly root: string;
  /** The home → visited pairs of the configuration (its agreements). */
  readonly pairs: readonly Pair[];
  readonly seed: string;
  readonly mode: string;
  /** The previous run's summary.json, when one was kept. */
  readonly previousSummary?: string;
  readonly gitSha?: string;
  readonly now?: Date;
  /** Messages file; <reports>/messages.ndjson by default. */
  readonly messages?: string;
}

export interface LivingDocResult {
  readonly html: string;
  readonly summaryFile: string;
  readonly summary: RunSummary;
  readonly view: LivingDocView;
}

function gitSha(root: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

function markdown(text: string): string {
  return marked.parse(text, { async: false, gfm: true }) as string;
}

/** Evidence attachments of a scenario, parsed; a broken one is skipped (its scenario just counts for less). */
export function evidenceOf(scenario: RunScenario): ScenarioEvidence[] {
  return scenario.attachments
    .filter((a) => a.fileName === EVIDENCE_FILE_NAME)
    .flatMap((a) => {
      try {
        const parsed = JSON.parse(a.encoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body) as ScenarioEvidence;
        return parsed.version === 1 ? [parsed] : [];
      } catch {
        return [];
      }
    });
}

export function observations(run: RunModel): ScenarioObservations[] {
  return run.scenarios.map((scenario) => ({ scenario, observations: evidenceOf(scenario).flatMap(observe) }));
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);

function scenarioAssets(scenario: RunScenario, index: number, outDir: string): ScenarioAssets {
  let ladder: string | undefined;
  let billing: string | undefined;
  let metrics: string | undefined;
  let transitions: string | undefined;
  const captures: Array<{ href: string; name: string }> = [];
  for (const a of scenario.attachments) {
    const text = () => (a.encoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body);
    if (a.mediaType === 'text/html' && a.fileName === LADDER_FILE_NAME) ladder = ladderSvg(text());
    else if (a.mediaType === ALLURE_MESSAGE_MEDIA_TYPE) {
      const page = ladderFromMessage(text());
      if (page) ladder = ladderSvg(page);
    }
    else if (a.fileName === 'billing-reconciliation.json') billing = billingTables(text());
    else if (a.fileName === 'metrics-delta.json') metrics = metricsTable(text());
    else if (a.mediaType === 'text/plain' && a.fileName === 'state transitions.txt') transitions = text();
    else if (a.mediaType === 'application/vnd.tcpdump.pcap') {
      const name = `${String(index + 1).padStart(3, '0')}-${safeName(a.fileName ?? 'capture.pcap')}`;
      writeFileSync(path.join(outDir, 'captures', name), Buffer.from(a.body, a.encoding === 'BASE64' ? 'base64' : 'utf8'));
      captures.push({ href: `captures/${name}`, name: a.fileName ?? name });
    }
  }
  return { ...(ladder ? { ladderSvg: ladder } : {}), ...(billing ? { billingHtml: billing } : {}), ...(metrics ? { metricsHtml: metrics } : {}), ...(transitions ? { transitions } : {}), captures };
}

function themes(run: RunModel, root: string): Theme[] {
  const out: Array<Theme & { features: Theme['features'][number][] }> = [];
  const order = new FeatureOrder(root);
  const sorted = [...run.features].sort((a, b) => (order.key(a.uri, 0) < order.key(b.uri, 0) ? -1 : order.key(a.uri, 0) > order.key(b.uri, 0) ? 1 : 0));
  for (const feature of sorted) {
    const dir = themeDirOf(feature.uri);
    let theme = out.find((t) => t.dir === dir);
    if (!theme) {
      const readme = path.join(root, dir, 'readme.md');
      const text = existsSync(readme) ? readFileSync(readme, 'utf8') : undefined;
      const heading = text ? /^#\s+(.+?)\s*#*\s*$/m.exec(text) : null;
      const folder = path.basename(dir);
      theme = {
        id: `theme-${safeName(folder)}`,
        dir,
        title: heading ? heading[1] : folder.charAt(0).toUpperCase() + folder.slice(1).replace(/[-_]+/g, ' '),
        // The heading is the section title already.
        ...(text ? { narrativeHtml: markdown(heading ? text.replace(heading[0], '') : text) } : {}),
        features: [],
      };
      out.push(theme);
    }
    theme.features.push({ ...feature, descriptionHtml: feature.description ? markdown(feature.description) : '' });
  }
  return out;
}

function stateCoverage(reportsDir: string): StateCoverageLink | undefined {
  const file = path.join(reportsDir, 'state-coverage.json');
  if (!existsSync(file)) return undefined;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { summary: { transitions: StateCoverageLink['transitions']; states: StateCoverageLink['states'] } };
    return { href: '../state-coverage.html', transitions: report.summary.transitions, states: report.summary.states };
  } catch {
    return undefined;
  }
}

export function generateLivingDoc(options: LivingDocOptions): LivingDocResult {
  const messagesFile = options.messages ?? path.join(options.reportsDir, 'messages.ndjson');
  if (!existsSync(messagesFile)) {
    throw new Error(`living document: no ${messagesFile}; it is written by the message: formatter of a cucumber-js run (make simulate or make ci-simulate)`);
  }
  const run = buildRun(readMessages(messagesFile));
  const outDir = path.join(options.reportsDir, 'living-doc');
  rmSync(path.join(outDir, 'captures'), { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'captures'), { recursive: true });

  const seen = observations(run);
  const matrices = [ratMatrix(seen), pairMatrix(seen, options.pairs)];
  const allGaps = matrices.flatMap(gaps);
  const assets = new Map(run.scenarios.map((s, i) => [s.id, scenarioAssets(s, i, outDir)]));
  const now = options.now ?? new Date();
  const sha = options.gitSha ?? gitSha(options.root);
  const failed = run.scenarios.filter((s) => isFailing(s.status));
  const passed = run.scenarios.filter((s) => verdictOf(s.status) === 'passed').length;
  const skipped = run.scenarios.length - passed - failed.length;
  const summary: RunSummary = {
    version: 1,
    generatedAt: now.toISOString(),
    gitSha: sha,
    counts: { scenarios: run.scenarios.length, passed, failed: failed.length, skipped, gaps: allGaps.length },
    covered: matrices.flatMap(coveredCells),
    failing: failed.map((s) => scenarioKey(s.uri, s.name)),
    scenarios: run.scenarios.map((s) => scenarioKey(s.uri, s.name)),
  };
  const previous = readSummary(options.previousSummary);
  const view: LivingDocView = {
    facts: {
      generatedAt: now.toISOString(),
      ...(run.startedAt ? { startedAt: run.startedAt.toISOString() } : {}),
      ...(run.finishedAt ? { finishedAt: run.finishedAt.toISOString() } : {}),
      gitSha: sha,
      seed: options.seed,
      mode: options.mode,
      ...(run.cucumber ? { cucumber: run.cucumber } : {}),
      ...(run.runtime ? { runtime: run.runtime } : {}),
      ...(run.startedAt && run.finishedAt ? { wallMs: run.finishedAt.getTime() - run.startedAt.getTime() } : {}),
      scenarioMs: run.scenarios.reduce((sum, s) => sum + s.durationMs, 0),
      features: run.features.length,
      scenarios: run.scenarios.length,
      passed: summary.counts.passed,
      failed: summary.counts.failed,
      skipped,
      steps: run.scenarios.reduce((sum, s) => sum + s.steps.length, 0),
    },
    matrices,
    gaps: allGaps,
    themes: themes(run, options.root),
    assets,
    ...(previous ? { changes: compareRuns(previous, summary) } : {}),
    ...(() => {
      const sc = stateCoverage(options.reportsDir);
      return sc ? { stateCoverage: sc } : {};
    })(),
    scenarioNames: new Map(run.scenarios.map((s) => [scenarioKey(s.uri, s.name), { id: s.id, name: s.name }])),
    conformance: readConformance(options.reportsDir),
  };
  const html = path.join(outDir, 'index.html');
  const summaryFile = path.join(outDir, 'summary.json');
  writeFileSync(`${html}.tmp`, renderLivingDoc(view));
  renameSync(`${html}.tmp`, html);
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return { html, summaryFile, summary, view };
}
