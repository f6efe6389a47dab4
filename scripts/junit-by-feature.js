#!/usr/bin/env node
'use strict';
// Writes JUnit XML with one <testsuite> per feature and one <testcase> per scenario (per example row),
// from Cucumber's message stream. Cucumber's own junit formatter puts every scenario into one suite; CI
// viewers read better per feature. A scenario retried under @flaky counts once, by its last attempt.
//
//   node scripts/junit-by-feature.js [--messages reports/messages.ndjson] [--out reports/junit.xml] [--name roamsim]
//
// Exit codes: 0 written, 1 the message file could not be read or parsed, 2 usage error.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');

function parseArgs(argv) {
  const options = { messages: 'reports/messages.ndjson', out: 'reports/junit.xml', name: 'roamsim' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || argv[i + 1] === undefined) {
      throw new UsageError(`unknown or incomplete option ${argv[i]}`);
    }
    options[key] = argv[++i];
  }
  return options;
}

class UsageError extends Error {}

const seconds = (t) => Number(t.seconds) + t.nanos / 1e9;
const durationSeconds = (d) => (d ? Number(d.seconds) + d.nanos / 1e9 : 0);

// XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
function attr(text) {
  return String(text)
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
function cdata(text) {
  return `<![CDATA[${String(text).replace(INVALID_XML, '\uFFFD').split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Reads the envelopes and returns the scenarios grouped by feature file, in run order. */
function collect(envelopes) {
  const documents = new Map(); // uri -> gherkinDocument
  const gherkinSteps = new Map(); // ast step id -> keyword
  const astLines = new Map(); // ast node id (scenario, example row) -> line
  const pickles = new Map();
  const pickleSteps = new Map();
  const testCases = new Map();
  const hooks = new Map();
  const started = new Map(); // testCaseStartedId -> attempt record
  const finalAttempt = new Map(); // pickleId -> attempt record
  const attemptsOf = new Map(); // pickleId -> count
  const runHookFailures = [];
  let runStarted;

  const walkSteps = (steps) => {
    for (const step of steps ?? []) gherkinSteps.set(step.id, step.keyword);
  };
  const walkChildren = (children) => {
    for (const child of children ?? []) {
      if (child.background) walkSteps(child.background.steps);
      if (child.scenario) {
        astLines.set(child.scenario.id, child.scenario.location.line);
        walkSteps(child.scenario.steps);
        for (const examples of child.scenario.examples ?? []) for (const row of examples.tableBody ?? []) astLines.set(row.id, row.location.line);
      }
      if (child.rule) walkChildren(child.rule.children);
    }
  };

  for (const e of envelopes) {
    if (e.gherkinDocument) {
      documents.set(e.gherkinDocument.uri, e.gherkinDocument);
      walkChildren(e.gherkinDocument.feature?.children);
    } else if (e.pickle) {
      pickles.set(e.pickle.id, e.pickle);
      for (const step of e.pickle.steps) pickleSteps.set(step.id, step);
    } else if (e.hook) {
      hooks.set(e.hook.id, e.hook);
    } else if (e.testCase) {
      testCases.set(e.testCase.id, e.testCase);
    } else if (e.testRunStarted) {
      runStarted = e.testRunStarted.timestamp;
    } else if (e.testCaseStarted) {
      const testCase = testCases.get(e.testCaseStarted.testCaseId);
      started.set(e.testCaseStarted.id, { testCase, start: e.testCaseStarted.timestamp, attempt: e.testCaseStarted.attempt, results: new Map() });
    } else if (e.testStepFinished) {
      const record = started.get(e.testStepFinished.testCaseStartedId);
      if (record) record.results.set(e.testStepFinished.testStepId, e.testStepFinished.testStepResult);
    } else if (e.testCaseFinished) {
      const record = started.get(e.testCaseFinished.testCaseStartedId);
      if (!record) continue;
      record.finish = e.testCaseFinished.timestamp;
      const pickleId = record.testCase.pickleId;
      attemptsOf.set(pickleId, (attemptsOf.get(pickleId) ?? 0) + 1);
      if (!e.testCaseFinished.willBeRetried) finalAttempt.set(pickleId, record);
    } else if (e.testRunHookFinished) {
      const result = e.testRunHookFinished.result;
      if (result && result.status !== 'PASSED') runHookFailures.push(result);
    }
  }

  const features = new Map(); // uri -> { name, uri, cases: [] }
  for (const pickle of pickles.values()) {
    const record = finalAttempt.get(pickle.id);
    if (!record) continue; // not run (filtered out, or the run was aborted)
    const document = documents.get(pickle.uri);
    let feature = features.get(pickle.uri);
    if (!feature) {
      feature = { name: document?.feature?.name || pickle.uri, uri: pickle.uri, cases: [] };
      features.set(pickle.uri, feature);
    }
    feature.cases.push(describeCase(pickle, record, attemptsOf.get(pickle.id) ?? 1, { pickleSteps, gherkinSteps, hooks, astLines }));
  }
  return { features: [...features.values()], runHookFailures, runStarted };
}

const WORST = ['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN', 'SKIPPED', 'PASSED'];

function describeCase(pickle, record, attempts, { pickleSteps, gherkinSteps, hooks, astLines }) {
  const lines = [];
  let worst = 'PASSED';
  let failure;
  for (const step of record.testCase.testSteps) {
    const result = record.results.get(step.id) ?? { status: 'UNKNOWN' };
    let text;
    if (step.pickleStepId) {
      const pickleStep = pickleSteps.get(step.pickleStepId);
      const keyword = pickleStep?.astNodeIds.map((id) => gherkinSteps.get(id)).find(Boolean) ?? '';
      text = `${keyword}${pickleStep?.text ?? '(step)'}`;
    } else {
      const hook = hooks.get(step.hookId);
      // Hooks are listed only when they did not pass (like Cucumber's own junit output).
      if (result.status === 'PASSED') continue;
      text = `Hook${hook?.name ? ` "${hook.name}"` : ''}${hook?.sourceReference?.uri ? ` (${hook.sourceReference.uri}:${hook.sourceReference.location?.line ?? '?'})` : ''}`;
    }
    lines.push(`${text}${'.'.repeat(Math.max(3, 76 - text.length))}${result.status.toLowerCase()}`);
    if (WORST.indexOf(result.status) < WORST.indexOf(worst)) {
      worst = result.status;
      if (result.status !== 'SKIPPED') failure = { step: text, result };
    }
  }
  if (attempts > 1) lines.push(`(attempt ${attempts} of ${attempts}: retried under @flaky)`);
  const line = astLines.get(pickle.astNodeIds[pickle.astNodeIds.length - 1]) ?? astLines.get(pickle.astNodeIds[0]);
  return {
    name: pickle.name,
    line,
    uri: pickle.uri,
    time: record.finish ? Math.max(0, seconds(record.finish) - seconds(record.start)) : 0,
    status: worst,
    failure,
    output: lines.join('\n'),
  };
}

function render({ features, runHookFailures, runStarted }, name) {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let time = 0;
  const suites = [];
  for (const feature of features) {
    const seen = new Map();
    for (const c of feature.cases) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
    const suite = { tests: feature.cases.length, failures: 0, skipped: 0, time: 0, body: [] };
    for (const c of feature.cases) {
      const caseName = seen.get(c.name) > 1 && c.line ? `${c.name} (line ${c.line})` : c.name;
      suite.time += c.time;
      const head = `    <testcase classname="${attr(feature.name)}" name="${attr(caseName)}" file="${attr(c.uri)}" time="${c.time.toFixed(3)}"`;
      const body = [];
      if (c.status === 'SKIPPED') {
        suite.skipped++;
        body.push('      <skipped/>');
      } else if (c.status !== 'PASSED') {
        suite.failures++;
        const r = c.failure?.result ?? { status: c.status };
        const message =
          r.exception?.message ?? (r.message ? r.message.split('\n')[0] : r.status === 'UNDEFINED' ? `undefined step: ${c.failure?.step}` : `${r.status.toLowerCase()} step: ${c.failure?.step ?? ''}`);
        const type = r.exception?.type ?? r.status.toLowerCase();
        body.push(`      <failure type="${attr(type)}" message="${attr(message)}">${cdata(r.message ?? message)}</failure>`);
      }
      body.push(`      <system-out>${cdata(c.output)}</system-out>`);
      suite.body.push(`${head}>`, ...body, '    </testcase>');
    }
    tests += suite.tests;
    failures += suite.failures;
    skipped += suite.skipped;
    time += suite.time;
    const stamp = runStarted ? ` timestamp="${new Date(seconds(runStarted) * 1000).toISOString().replace(/\.\d+Z$/, '')}"` : '';
    suites.push(
      `  <testsuite name="${attr(feature.name)}" file="${attr(feature.uri)}" tests="${suite.tests}" failures="${suite.failures}" errors="0" skipped="${suite.skipped}" time="${suite.time.toFixed(3)}"${stamp}>`,
      ...suite.body,
      '  </testsuite>',
    );
  }
  if (runHookFailures.length > 0) {
    errors += runHookFailures.length;
    tests += runHookFailures.length;
    suites.push(`  <testsuite name="BeforeAll/AfterAll hooks" tests="${runHookFailures.length}" failures="0" errors="${runHookFailures.length}" skipped="0" time="0.000">`);
    runHookFailures.forEach((r, i) => {
      const message = r.exception?.message ?? (r.message ?? r.status).split('\n')[0];
      suites.push(
        `    <testcase classname="BeforeAll/AfterAll hooks" name="run hook ${i + 1}" time="${durationSeconds(r.duration).toFixed(3)}">`,
        `      <error type="${attr(r.exception?.type ?? r.status.toLowerCase())}" message="${attr(message)}">${cdata(r.message ?? message)}</error>`,
        '    </testcase>',
      );
    });
    suites.push('  </testsuite>');
  }
  out.push(`<testsuites name="${attr(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">`, ...suites, '</testsuites>');
  return { xml: `${out.join('\n')}\n`, tests, failures, errors, skipped, suites: features.length };
}

function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`junit-by-feature: ${error.message}`);
    process.exit(2);
  }
  let envelopes;
  try {
    envelopes = readFileSync(options.messages, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new Error(`${options.messages}:${i + 1} is not JSON`);
        }
      });
  } catch (error) {
    console.error(`junit-by-feature: cannot read the Cucumber messages: ${error.message}`);
    process.exit(1);
  }
  const report = render(collect(envelopes), options.name);
  const tmp = `${options.out}.${process.pid}.tmp`;
  writeFileSync(tmp, report.xml);
  renameSync(tmp, options.out);
  console.log(
    `junit: ${report.tests} testcases in ${report.suites} feature suites, ${report.failures} failures, ${report.errors} errors, ${report.skipped} skipped (${options.out})`,
  );
}

if (require.main === module) main();

module.exports = { collect, render };
