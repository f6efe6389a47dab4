/**
 * Allure metadata for every scenario, set through the Allure runtime (the reporter itself is the
 * `allure-cucumberjs/reporter` formatter in cucumber.js, writing reports/allure-results):
 *
 * - behaviours tree: epic = the theme folder under features/ (its readme.md title when it has one),
 *   feature = the Feature name (set by the reporter), story = each `@story:<name>` tag, else the Rule name;
 * - suites tree: parent suite = theme, suite = feature, sub-suite = rule;
 * - severity from `@blocker` `@critical` `@normal` `@minor` `@trivial` (the most specific tag wins);
 * - links: `@spec:TS29.272-5.2.1` opens the 3GPP specification page, `@ireg:IR.24-2.5.1` the GSMA document.
 *
 * At the start of a run it also writes the results folder's environment.properties (Node version, git sha,
 * transport mode, seed) and categories.json (failures grouped by cause).
 *
 * `import 'allure-cucumberjs'` is what makes the runtime work with our own World (it installs the runtime
 * in a BeforeAll of every process, workers included).
 */
import { Before, BeforeAll, type ITestCaseHookParameter } from '@cucumber/cucumber';
import { AllureCucumberTestRuntime } from 'allure-cucumberjs';
import { marked } from 'marked';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SuiteRun } from './suite';
import { dedent } from '../src/reports/dedent';

type Pickle = ITestCaseHookParameter['pickle'];
type GherkinDocument = ITestCaseHookParameter['gherkinDocument'];

export interface AllureLabel {
  name: string;
  value: string;
}
export interface AllureLink {
  url: string;
  name?: string;
  type?: string;
}

const reportsDir = process.env.ROAMSIM_REPORTS_DIR?.trim() || 'reports';
/** Must match `resultsDir` in cucumber.js. */
export const ALLURE_RESULTS_DIR = process.env.ALLURE_RESULTS_DIR?.trim() || path.join(reportsDir, 'allure-results');

export const SEVERITIES = ['blocker', 'critical', 'normal', 'minor', 'trivial'] as const;
/** 3GPP specification page by number: TS 29.272 -> 29272.htm. */
export const SPEC_URL = (series: string, number: string) => `https://www.3gpp.org/DynaReport/${series}${number}.htm`;
/** GSMA permanent reference documents move between versions: link to the document search. */
export const IREG_URL = (doc: string) => `https://www.gsma.com/?s=${encodeURIComponent(doc)}`;

/** The theme of a feature file: its folder under features/, titled by the folder's readme.md when present. */
export function themeOf(uri: string): string {
  const folders = uri.split(/[\\/]/).slice(0, -1);
  const base = folders.indexOf('features');
  // The first folder under features/, else the file's own folder.
  const at = base >= 0 && folders.length > base + 1 ? base + 1 : folders.length - 1;
  if (at < 0) return 'Features';
  const dir = folders.slice(0, at + 1).join('/');
  const folder = folders[at];
  let title = folder.charAt(0).toUpperCase() + folder.slice(1).replace(/[-_]+/g, ' ');
  try {
    const readme = path.join(dir, 'readme.md');
    const heading = existsSync(readme) ? /^#\s+(.+?)\s*#*\s*$/m.exec(readFileSync(readme, 'utf8')) : null;
    if (heading) title = heading[1];
  } catch {
    // keep the folder name
  }
  return title;
}

/** The Rule a scenario sits in, if any. */
function ruleOf(pickle: Pickle, document: GherkinDocument | undefined): string | undefined {
  const scenarioId = pickle.astNodeIds[0];
  for (const child of document?.feature?.children ?? []) {
    if (child.rule?.children.some((c) => c.scenario?.id === scenarioId)) return child.rule.name || undefined;
  }
  return undefined;
}

/** The scenario's own description, else its feature's (what the reporter shows, without the indentation). */
function descriptionOf(pickle: Pickle, document: GherkinDocument | undefined): string {
  const scenarioId = pickle.astNodeIds[0];
  const children = (document?.feature?.children ?? []).flatMap((c) => (c.rule ? c.rule.children : [c]));
  const scenario = children.find((c) => c.scenario?.id === scenarioId)?.scenario;
  return dedent(scenario?.description || document?.feature?.description || '');
}

/** Labels and links for one scenario, from its file, its Rule and its tags (feature, rule and own tags). */
export function allureMetadata(pickle: Pickle, document: GherkinDocument | undefined): { labels: AllureLabel[]; links: AllureLink[]; description: string } {
  const tags = pickle.tags.map((t) => t.name);
  const theme = themeOf(pickle.uri);
  const feature = document?.feature?.name ?? path.basename(pickle.uri, '.feature');
  const rule = ruleOf(pickle, document);
  const labels: AllureLabel[] = [
    { name: 'epic', value: theme },
    { name: 'parentSuite', value: theme },
    { name: 'suite', value: feature },
  ];
  if (rule) labels.push({ name: 'subSuite', value: rule });
  const stories = tags.filter((t) => t.startsWith('@story:')).map((t) => t.slice('@story:'.length).replace(/[-_]+/g, ' ').trim());
  for (const story of stories.length > 0 ? stories : rule ? [rule] : []) labels.push({ name: 'story', value: story });
  const severity = tags
    .map((t) => t.slice(1).toLowerCase())
    .filter((t): t is (typeof SEVERITIES)[number] => (SEVERITIES as readonly string[]).includes(t))
    .pop();
  if (severity) labels.push({ name: 'severity', value: severity });

  const links: AllureLink[] = [];
  const seen = new Set<string>();
  const add = (link: AllureLink) => {
    if (seen.has(link.name ?? link.url)) return;
    seen.add(link.name ?? link.url);
    links.push(link);
  };
  for (const tag of tags) {
    const spec = /^@spec:(TS|TR)\s?(\d{2})\.(\d{3})(?:-(.+))?$/i.exec(tag);
    if (spec) {
      const [, kind, series, number, section] = spec;
      add({ url: SPEC_URL(series, number), name: `3GPP ${kind.toUpperCase()} ${series}.${number}${section ? ` §${section}` : ''}`, type: 'link' });
      continue;
    }
    const ireg = /^@ireg:([A-Z]{2,3})\.(\d+)(?:-(.+))?$/i.exec(tag);
    if (ireg) {
      const [, group, number, section] = ireg;
      const doc = `${group.toUpperCase()}.${number}`;
      add({ url: IREG_URL(doc), name: `GSMA ${doc}${section ? ` §${section}` : ''}`, type: 'link' });
    }
  }
  return { labels, links, description: descriptionOf(pickle, document) };
}

/** Allure's categories.json: failures grouped by cause, matched against the failure message (Java regex). */
export const ALLURE_CATEGORIES = [
  {
    name: 'MAP error',
    description: 'The home or visited network answered with a MAP error (GSM/UMTS) that the scenario did not expect.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '(?s).*\\b(?:rejected|dead-lettered) with MAP [A-Za-z-]+ \\(\\d+\\).*',
  },
  {
    name: 'Diameter error',
    description: 'An S6a answer carried a Result-Code or Experimental-Result-Code that the scenario did not expect.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '(?s).*\\b(?:rejected|dead-lettered) with Diameter (?:Experimental-)?Result-Code \\d+.*',
  },
  {
    name: 'Timeout',
    description: 'No answer within the deadline (simulated network timer) or a step that did not finish in time.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '(?s).*(?:\\b(?:rejected|dead-lettered) with timeout\\b|\\btimed out\\b|no answer within).*',
  },
  {
    name: 'Mock contract drift (HTTP 4xx from a mock)',
    description: 'A mock network element refused the request itself: the engine sent what the element does not accept.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '(?s).*(?:answered HTTP 4\\d\\d|transportError \\(Error: (?:hlr-hss|vlr-mme) ).*',
  },
  {
    name: 'Assertion',
    description: 'The journey ran without a protocol error or timeout, and an expectation about its outcome did not hold.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex:
      '(?s)(?!.*(?:(?:rejected|dead-lettered) with (?:MAP |Diameter |timeout)|timed out|no answer within|answered HTTP 4\\d\\d|transportError \\(Error: (?:hlr-hss|vlr-mme) )).*(?:[Ee]xpected|AssertionError|[Aa]ssert).*',
  },
];

function gitSha(): string {
  if (process.env.GIT_SHA?.trim()) return process.env.GIT_SHA.trim();
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `key=value` lines in Java properties syntax. */
export function toProperties(values: Record<string, string>): string {
  const escape = (text: string, key: boolean) =>
    text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(key ? /[=: ]/g : /^[ ]/, (c) => `\\${c}`);
  return `${Object.entries(values)
    .map(([k, v]) => `${escape(k, true)}=${escape(v, false)}`)
    .join('\n')}\n`;
}

function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Allure metadata per scenario and the results folder's environment and categories at the start of the run. */
export function installAllure(suite: SuiteRun): void {
  const runtime = new AllureCucumberTestRuntime();

  BeforeAll(function () {
    if (!suite.sinkOn('allure')) return;
    try {
      mkdirSync(ALLURE_RESULTS_DIR, { recursive: true });
      const config = suite.config();
      writeAtomically(
        path.join(ALLURE_RESULTS_DIR, 'environment.properties'),
        toProperties({
          'Node.js': process.version,
          'git.sha': gitSha(),
          ROAMSIM_MODE: suite.mode(),
          seed: String(config.seed),
          platform: `${process.platform} ${process.arch}`,
        }),
      );
      writeAtomically(path.join(ALLURE_RESULTS_DIR, 'categories.json'), `${JSON.stringify(ALLURE_CATEGORIES, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`allure: could not write environment.properties/categories.json: ${String(error)}\n`);
    }
  });

  // The name keeps this hook out of Allure's "Set up" section: allure-cucumberjs creates no fixture for a hook
  // named ALLURE_FIXTURE_IGNORE, so the metadata lands on the test result itself.
  Before({ name: 'ALLURE_FIXTURE_IGNORE' }, async function ({ pickle, gherkinDocument }) {
    if (!suite.sinkOn('allure')) return;
    const { labels, links, description } = allureMetadata(pickle, gherkinDocument);
    // descriptionHtml too: the Markdown of the feature description (lists, bold, tables) rendered, as written.
    const descriptionHtml = description ? (marked.parse(description, { async: false, gfm: true }) as string) : undefined;
    await runtime.sendMessage({ type: 'metadata', data: { labels, links, ...(description ? { description, descriptionHtml } : {}) } });
  });
}
