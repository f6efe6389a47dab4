/**
 * `make conformance SUT=osmo-hlr`: the feature suite against a real HLR, with a verdict per journey.
 *
 * Starts a fresh osmo-hlr (temp dir on /dev/shm, loopback address with its fixed ports free), writes a config
 * where the baseline's home network(s) name it (`networks[].hlr`), lists every scenario (a dry run), reports
 * those needing a capability the SUT lacks as "not applicable" with the reason, runs the others in wire mode,
 * stops the HLR, writes reports/conformance/<sut>.json and .html, and compares with the baseline: exit 1 on
 * drift either way, naming the journey. Prints `N passed, N failed` for the test lane.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { type OsmoHlrProcess, startOsmoHlr } from '../src/gsup/osmo-hlr-process';

interface Baseline {
  sut: string;
  version: string;
  serves: string[];
  not_applicable: Array<{ reason: string; steps?: string[]; tags?: string[] }>;
  expected_failures: Array<{ journey: string; why: string }>;
}

interface Pickle {
  id: string;
  uri: string;
  name: string;
  location: { line: number };
  tags: Array<{ name: string }>;
  steps: Array<{ text: string }>;
}

export interface JourneyVerdict {
  journey: string;
  location: string;
  status: 'pass' | 'fail' | 'not applicable';
  reason?: string;
  message?: string;
  capture?: string;
  expected: 'pass' | 'fail' | 'not applicable';
  why?: string;
  drift: boolean;
}

const root = path.resolve(__dirname, '..');

function fail(message: string): never {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function readNdjson(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function cucumber(args: string[], env: NodeJS.ProcessEnv): number {
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000 });
  return result.status ?? 1;
}

function journeyName(pickle: Pickle): string {
  return `${pickle.uri.replace(/^features\//, '')}: ${pickle.name}`;
}

type Agreements = Array<{ home: string; visited: string; rats: string[] }>;

function notApplicable(pickle: Pickle, baseline: Baseline, agreements: Agreements): string | undefined {
  const tags = new Set(pickle.tags.map((tag) => tag.name));
  let home: string | undefined;
  for (const step of pickle.steps) {
    home = /subscriber from home network (\d{3}-\d{2,3})/.exec(step.text)?.[1] ?? home;
    if (home && !baseline.serves.includes(home) && !baseline.serves.includes('*')) return `home network ${home} is served by roamsim's own HLR here; the SUT serves ${baseline.serves.join(', ')}`;
    // A registration the configured agreements refuse: the verdict rests on agreements the SUT does not have.
    const target = /visited network (\d{3}-\d{2,3}) over (GSM|UMTS|LTE)/.exec(step.text);
    if (target && !baseline.serves.includes('*') && baseline.serves.includes(target[1])) {
      return `a registration in ${target[1]} itself: the SUT is that network's HLR only, its VLR is not simulated alongside it`;
    }
    if (home && target && target[1] !== home && !baseline.serves.includes('*') && !agreements.some((a) => a.home === home && a.visited === target[1] && a.rats.includes(target[2]))) {
      return `roaming agreements per visited network: the configured agreements refuse ${home} subscribers in ${target[1]} over ${target[2]}, and osmo-hlr has no notion of the visited PLMN`;
    }
  }
  for (const rule of baseline.not_applicable) {
    if (rule.tags?.some((tag) => tags.has(tag))) return rule.reason;
    const patterns = (rule.steps ?? []).map((pattern) => new RegExp(pattern));
    if (pickle.steps.some((step) => patterns.some((pattern) => pattern.test(step.text)))) return rule.reason;
  }
  return undefined;
}

/**
 * Per scenario (`uri:line`, as ids differ between runs): pass/fail and the first failing step's message,
 * from a cucumber message stream (the last attempt counts).
 */
function results(messages: Array<Record<string, unknown>>): Map<string, { status: 'pass' | 'fail'; message?: string }> {
  const locationOf = new Map<string, string>();
  for (const message of messages) {
    const pickle = message.pickle as Pickle | undefined;
    if (pickle) locationOf.set(pickle.id, `${pickle.uri}:${pickle.location.line}`);
  }
  const pickleOfCase = new Map<string, string>();
  const caseOfStarted = new Map<string, string>();
  const worst = new Map<string, { status: 'pass' | 'fail'; message?: string }>();
  for (const message of messages) {
    const testCase = message.testCase as { id: string; pickleId: string } | undefined;
    if (testCase) pickleOfCase.set(testCase.id, testCase.pickleId);
    const started = message.testCaseStarted as { id: string; testCaseId: string } | undefined;
    if (started) {
      caseOfStarted.set(started.id, started.testCaseId);
      worst.set(started.id, { status: 'pass' });
    }
    const step = message.testStepFinished as { testCaseStartedId: string; testStepResult: { status: string; message?: string } } | undefined;
    if (step && !['PASSED', 'SKIPPED'].includes(step.testStepResult.status)) {
      const current = worst.get(step.testCaseStartedId);
      if (current?.status === 'pass') worst.set(step.testCaseStartedId, { status: 'fail', message: `${step.testStepResult.status}: ${(step.testStepResult.message ?? '').split('\n')[0]}` });
    }
  }
  const out = new Map<string, { status: 'pass' | 'fail'; message?: string }>();
  for (const [startedId, verdict] of worst) {
    const location = locationOf.get(pickleOfCase.get(caseOfStarted.get(startedId) ?? '') ?? '');
    if (location) out.set(location, verdict); // later attempts overwrite earlier ones
  }
  return out;
}

function html(report: { sut: string; version: string; generatedAt: string; summary: Record<string, number>; journeys: JourneyVerdict[] }): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);
  const rows = report.journeys
    .map((j) => {
      const detail = j.status === 'not applicable' ? j.reason : j.message ?? '';
      const capture = j.capture ? `<a href="${escape(j.capture)}">pcap</a>` : '';
      return `<tr class="${j.status.replace(' ', '-')}${j.drift ? ' drift' : ''}"><td>${escape(j.journey)}</td><td>${j.status}</td><td>${j.expected}${j.why ? `: ${escape(j.why)}` : ''}</td><td>${j.drift ? 'DRIFT' : ''}</td><td>${escape(detail ?? '')}</td><td>${capture}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conformance: ${escape(report.sut)} ${escape(report.version)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}
.pass td:nth-child(2){color:#070}.fail td:nth-child(2){color:#b00}.not-applicable{color:#777}.drift{background:#fee}</style></head><body>
<h1>Conformance: ${escape(report.sut)} ${escape(report.version)}</h1>
<p>${report.generatedAt} · ${Object.entries(report.summary).map(([k, v]) => `${k}: ${v}`).join(' · ')}</p>
<table><thead><tr><th>Journey</th><th>Result</th><th>Baseline</th><th>Drift</th><th>Failing step / reason</th><th>Capture</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

async function main(): Promise<number> {
  const sut = flag('sut', process.env.SUT ?? 'osmo-hlr');
  if (sut !== 'osmo-hlr' && sut !== 'roamsim') fail(`SUT=${JSON.stringify(sut)} is not one this run knows: expected osmo-hlr, or roamsim (its own GSUP HLR, the reference)`);
  const baselineFile = path.resolve(root, flag('baseline', sut === 'roamsim' ? 'conformance/roamsim.yaml' : 'conformance/osmo-hlr-1.5.yaml'));
  if (!existsSync(baselineFile)) fail(`no baseline at ${baselineFile}`);
  const baseline = YAML.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
  const outDir = path.resolve(root, flag('out', 'reports/conformance'));
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'roamsim-conformance-'));

  let hlr: OsmoHlrProcess | undefined;
  try {
    // 1. Every scenario, from a dry run.
    const dry = path.join(work, 'dry.ndjson');
    cucumber(['--profile', 'conformance', '--dry-run', '--format', `message:${dry}`, 'features/'], process.env);
    const pickles = readNdjson(dry).flatMap((message) => (message.pickle ? [message.pickle as Pickle] : []));
    if (pickles.length === 0) fail('the dry run listed no scenarios');

    // 2. The SUT, and a config naming it for its home networks (roamsim: its own GSUP HLR per scenario).
    const config = YAML.parse(readFileSync(path.join(root, 'config', 'roaming.yaml'), 'utf8')) as { networks: Array<Record<string, unknown>> };
    if (sut === 'osmo-hlr') {
      hlr = await startOsmoHlr();
      process.stdout.write(`conformance: osmo-hlr pid ${hlr.pid} on ${hlr.host} (GSUP ${hlr.gsup}, CTRL ${hlr.provision}), database in ${hlr.dir}\n`);
      for (const plmn of baseline.serves) {
        const network = config.networks.find((candidate) => candidate.plmn === plmn);
        if (!network) fail(`the baseline serves ${plmn}, which config/roaming.yaml does not list`);
        network.hlr = { gsup: hlr.gsup, provision: hlr.provision };
      }
    }
    const configFile = path.join(work, 'roaming.yaml');
    writeFileSync(configFile, YAML.stringify(config));

    // 3. Run what the SUT can serve.
    const verdicts = new Map<string, JourneyVerdict>();
    const expectedFail = new Map(baseline.expected_failures.map((entry) => [entry.journey, entry.why]));
    const runnable: Pickle[] = [];
    for (const pickle of pickles) {
      const journey = journeyName(pickle);
      const reason = notApplicable(pickle, baseline, (config as unknown as { agreements?: Agreements }).agreements ?? []);
      const location = `${pickle.uri}:${pickle.location.line}`;
      if (reason) verdicts.set(pickle.id, { journey, location, status: 'not applicable', reason, expected: 'not applicable', drift: expectedFail.has(journey) });
      else runnable.push(pickle);
    }
    const run = path.join(work, 'run.ndjson');
    const capturesDir = path.join(outDir, sut);
    rmSync(capturesDir, { recursive: true, force: true });
    cucumber(['--profile', 'conformance', '--format', `message:${run}`, ...runnable.map((pickle) => `${pickle.uri}:${pickle.location.line}`)], {
      ...process.env,
      ROAMSIM_MODE: 'wire',
      ROAMSIM_CONFIG: configFile,
      ROAMSIM_REPORTS_DIR: capturesDir,
    });
    const outcome = existsSync(run) ? results(readNdjson(run)) : new Map();
    const captures = existsSync(path.join(capturesDir, 'pcap')) ? (readdirSync(path.join(capturesDir, 'pcap'), { recursive: true }) as string[]) : [];
    for (const pickle of runnable) {
      const journey = journeyName(pickle);
      const result = outcome.get(`${pickle.uri}:${pickle.location.line}`) ?? { status: 'fail' as const, message: 'did not run (see the cucumber output above)' };
      const expected = expectedFail.has(journey) ? 'fail' : 'pass';
      const slug = pickle.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const capture = captures.find((file) => path.basename(file).startsWith(slug) && file.endsWith('.pcap'));
      verdicts.set(pickle.id, {
        journey,
        location: `${pickle.uri}:${pickle.location.line}`,
        status: result.status,
        ...(result.message ? { message: result.message } : {}),
        ...(capture ? { capture: path.join(sut, 'pcap', capture) } : {}),
        expected,
        ...(expectedFail.has(journey) ? { why: expectedFail.get(journey) } : {}),
        drift: result.status !== expected,
      });
    }
    // A baseline entry naming no journey at all is drift too (renamed or deleted scenario).
    const named = new Set([...verdicts.values()].map((verdict) => verdict.journey));
    const orphans = baseline.expected_failures.filter((entry) => !named.has(entry.journey));

    const journeys = [...verdicts.values()].sort((a, b) => a.journey.localeCompare(b.journey));
    const summary = {
      pass: journeys.filter((j) => j.status === 'pass').length,
      fail: journeys.filter((j) => j.status === 'fail').length,
      'not applicable': journeys.filter((j) => j.status === 'not applicable').length,
      drift: journeys.filter((j) => j.drift).length + orphans.length,
    };
    const report = { sut, version: baseline.version, generatedAt: new Date().toISOString(), baseline: path.relative(root, baselineFile), summary, journeys, orphans };
    writeFileSync(path.join(outDir, `${sut}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(outDir, `${sut}.html`), html(report));

    process.stdout.write(`\nconformance ${sut} ${baseline.version}: ${summary.pass} pass, ${summary.fail} fail, ${summary['not applicable']} not applicable; report ${path.relative(root, path.join(outDir, `${sut}.json`))}\n`);
    for (const journey of journeys.filter((j) => j.drift)) {
      process.stdout.write(`DRIFT: ${journey.journey} (${journey.location}): ${journey.status}, the baseline expects ${journey.expected}${journey.message ? `: ${journey.message}` : ''}\n`);
    }
    for (const orphan of orphans) process.stdout.write(`DRIFT: the baseline names "${orphan.journey}", which is no scenario\n`);
    const matching = journeys.filter((j) => j.status !== 'not applicable' && !j.drift).length;
    process.stdout.write(`${matching} passed, ${summary.drift} failed\n`);
    return summary.drift === 0 ? 0 : 1;
  } finally {
    await hlr?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail((error as Error).message),
);
