#!/usr/bin/env node
'use strict';
// Step lint lane: fails on undefined or ambiguous steps and on step definitions no feature uses (dead
// vocabulary the README would still advertise) — that logic is support/lint.js, which a QA repository runs as
// `npx roamsim lint` — and, here, on tags outside the tag taxonomy (src/reports/living-doc/tags.ts; an @ireg:
// value must read @ireg:IR.<document>-<section>).
//
//   node scripts/lint-steps.js                  the whole lane over features/
//   node scripts/lint-steps.js FEATURE_PATHS    steps and tags of those files or folders only
//   node scripts/lint-steps.js --tags-only DIR  only the tag check, over the .feature files under DIR
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const { lintSteps } = require('../support/lint.js');

const root = path.join(__dirname, '..');
require(path.join(root, 'support', 'register.js'));
const { checkFeatureTags } = require(path.join(root, 'src', 'reports', 'living-doc', 'tags.ts'));

/** The .feature files under a file or folder (a `file.feature:12` line suffix is dropped). */
function featureFiles(target) {
  const file = target.replace(/(\.feature)(:\d+)+$/, '$1');
  if (!statSync(file).isDirectory()) return file.endsWith('.feature') ? [file] : [];
  return readdirSync(file, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => featureFiles(path.join(file, entry.name)));
}

/** Prints each tag outside the taxonomy; returns how many. */
function lintTags(targets) {
  const findings = checkFeatureTags(targets.flatMap(featureFiles));
  for (const f of findings) console.error(`tag lint: ${path.relative(process.cwd(), f.file)}:${f.line}: ${f.problem}`);
  console.log(`tag lint: ${findings.length} tags outside the taxonomy`);
  return findings.length;
}

const args = process.argv.slice(2);
if (args[0] === '--tags-only') {
  if (!args[1]) {
    console.error('step lint: --tags-only needs a folder of .feature files');
    process.exit(2);
  }
  process.exit(lintTags([path.resolve(args[1])]) === 0 ? 0 : 1);
}
for (const arg of args) {
  let exists = false;
  try {
    exists = Boolean(statSync(path.resolve(arg.replace(/(\.feature)(:\d+)+$/, '$1'))));
  } catch {
    // reported below
  }
  if (!exists) {
    console.error(`step lint: ${arg} is not a feature file or folder; run it without arguments, with feature paths, or with --tags-only DIR`);
    process.exit(2);
  }
}

const steps = lintSteps({ cwd: root, paths: args });
const badTags = lintTags(args.length ? args.map((arg) => path.resolve(arg)) : [path.join(root, 'features')]);
process.exitCode = steps === 0 && badTags === 0 ? 0 : 1;
