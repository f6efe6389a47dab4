'use strict';
/**
 * The step lint: a Cucumber dry run of the `lint` profile (support/profiles.js), then fails on undefined steps,
 * ambiguous steps and step definitions no feature uses. Cucumber's own dry run exits 0 on undefined steps,
 * so this reads its messages and usage output. `roamsim lint` in a QA repository, `node scripts/lint-steps.js`
 * here. Feature paths given as arguments lint only those files (then unused definitions are not checked:
 * a subset of the features cannot say what is unused).
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { suggestSteps } = require('./did-you-mean.js');

function lintSteps({ cwd = process.cwd(), paths = [], reportsDir = process.env.ROAMSIM_REPORTS_DIR || 'reports', out = console.log, err = console.error } = {}) {
  const reports = path.resolve(cwd, reportsDir);
  mkdirSync(reports, { recursive: true });
  const messagesFile = path.join(reports, '.lint-messages.ndjson');
  const usageFile = path.join(reports, '.lint-usage.json');
  rmSync(messagesFile, { force: true });
  rmSync(usageFile, { force: true });
  const run = spawnSync('npx', ['cucumber-js', '--profile', 'lint', ...paths], { cwd, encoding: 'utf8', env: { ...process.env, ROAMSIM_REPORTS_DIR: reportsDir } });
  let messages;
  try {
    messages = readFileSync(messagesFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    process.stdout.write(run.stdout || '');
    process.stderr.write(run.stderr || '');
    err(`step lint: the dry run did not complete (exit ${run.status}): see above`);
    return 1;
  }
  const pickleSteps = new Map();
  const definitions = [];
  for (const message of messages) {
    if (message.pickle) for (const step of message.pickle.steps) pickleSteps.set(step.id, { text: step.text, uri: message.pickle.uri });
    if (message.stepDefinition) definitions.push(message.stepDefinition.pattern.source);
  }
  const problems = [];
  const seen = new Set();
  for (const message of messages) {
    if (!message.testCase) continue;
    for (const testStep of message.testCase.testSteps) {
      const step = testStep.pickleStepId && pickleSteps.get(testStep.pickleStepId);
      if (!step || !testStep.stepDefinitionIds || testStep.stepDefinitionIds.length === 1) continue;
      const kind = testStep.stepDefinitionIds.length === 0 ? 'undefined' : 'ambiguous';
      const key = `${kind}|${step.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const hint = kind === 'undefined' ? suggestSteps(step.text, definitions) : [];
      problems.push(`step lint: ${kind} step "${step.text}" in ${step.uri}${hint.length ? `; did you mean "${hint[0]}"?` : ''}`);
    }
  }
  let unused = [];
  let total = definitions.length;
  if (paths.length === 0) {
    try {
      const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      total = usage.length;
      // A library's vocabulary (roamsim's own steps in node_modules) need not all be used by one repository.
      unused = usage.filter((definition) => definition.matches.length === 0 && !/(^|[\\/])node_modules[\\/]/.test(definition.uri));
    } catch {
      problems.push('step lint: no usage report from the dry run');
    }
  }
  for (const definition of unused) problems.push(`step lint: unused step definition "${definition.pattern}" at ${definition.uri}:${definition.line}`);
  if (run.status !== 0 && problems.length === 0) {
    process.stdout.write(run.stdout || '');
    process.stderr.write(run.stderr || '');
    problems.push(`step lint: the dry run failed (exit ${run.status})`);
  }
  for (const problem of problems) err(problem);
  out(`step lint: ${total} step definitions, ${problems.length} problem${problems.length === 1 ? '' : 's'}${paths.length ? ` (only ${paths.join(' ')}; unused definitions not checked)` : ''}`);
  return problems.length === 0 ? 0 : 1;
}

module.exports = { lintSteps };
