#!/usr/bin/env node
'use strict';
// Step lint lane: a Cucumber dry run fails on undefined or ambiguous steps (strict), and this script fails
// on step definitions that no feature uses (dead vocabulary the README would still advertise).
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
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
process.exit(unused.length === 0 ? 0 : 1);
