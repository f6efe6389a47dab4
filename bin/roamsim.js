#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources through ts-node/swc (no build step): start-up stays well under a second.
require('../support/register.js');
const { main } = require('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`roamsim: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
