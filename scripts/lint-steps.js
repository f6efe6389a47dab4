#!/usr/bin/env node
'use strict';
// Step lint lane: fails on undefined or ambiguous steps and on step definitions no feature uses (dead
// vocabulary the README would still advertise). `node scripts/lint-steps.js [feature paths]`; the logic is
// support/lint.js, which a QA repository runs as `npx roamsim lint`.
const path = require('node:path');
const { lintSteps } = require('../support/lint.js');

process.exitCode = lintSteps({ cwd: path.join(__dirname, '..'), paths: process.argv.slice(2) });
