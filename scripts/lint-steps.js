#!/usr/bin/env node
'use strict';
// Step lint lane: a Cucumber dry run fails on undefined or ambiguous steps (strict), this script fails on step
// definitions that no feature uses (dead vocabulary the README would still advertise), and on tags outside the
// tag taxonomy (src/reports/living-doc/tags.ts; an @ireg: value must read @ireg:IR.<document>-<section>).
//
//   node scripts/lint-steps.js                 the whole lane over features/
//   node scripts/lint-steps.js --tags-only DIR  only the tag check, over the .feature files under DIR
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
require(path.join(root, 'support', 'register.js'));
const { checkFeatureTags } = require(path.join(root, 'src', 'reports', 'living-doc', 'tags.ts'));

function featureFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return featureFiles(full);
      return entry.name.endsWith('.feature') ? [full] : [];
    });
}

/** Prints each tag outside the taxonomy; returns how many. */
function lintTags(dir) {
  const findings = checkFeatureTags(featureFiles(dir));
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
  process.exit(lintTags(path.resolve(args[1])) === 0 ? 0 : 1);
}
if (args.length > 0) {
  console.error(`step lint: unknown argument ${args[0]}; run it without arguments, or with --tags-only DIR`);
  process.exit(2);
}

mkdirSync(path.join(root, 'reports'), { recursive: true });
const run = spawnSync('npx', ['cucumber-js', '--profile', 'lint'], { cwd: root, encoding: 'utf8' });
if (run.status !== 0) {
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.error('step lint: the dry run failed (undefined or ambiguous steps above)');
  process.exit(1);
}
const usage = JSON.parse(readFileSync(path.join(root, 'reports', '.lint-usage.json'), 'utf8'));
const unused = usage.filter((definition) => definition.matches.length === 0);
for (const definition of unused) {
  console.error(`step lint: unused step definition "${definition.pattern}" at ${definition.uri}:${definition.line}`);
}
console.log(`step lint: ${usage.length} step definitions, ${unused.length} unused`);
const badTags = lintTags(path.join(root, 'features'));
process.exit(unused.length === 0 && badTags === 0 ? 0 : 1);
