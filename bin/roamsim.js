#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

// In a clone the TypeScript sources run through ts-node/swc (no build step, start-up well under a second);
// the installed package has no sources and runs the compiled dist/ (no ts-node needed).
const fromSources = existsSync(path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
if (fromSources) require('../support/register.js');
const base = fromSources ? '..' : '../dist';
const ext = fromSources ? '.ts' : '.js';
const { main } = require(`${base}/src/cli/main${ext}`);

// The composition's outer edge: the CLI (src/) gets the embedded network elements (mocks/) from here, as a
// provider factory for `roam`, as a module path for load runs' worker threads, and with the `mocks` command.
const embedded = `${base}/mocks/embedded${ext}`;
const deps = {
  elements: () => require(embedded).elementProviders(),
  elementSource: { module: require.resolve(embedded) },
  commands: {
    lint: {
      summary: 'step lint: fail on undefined, ambiguous or unused steps (lint [feature paths])',
      load: async () => ({ run: async (argv) => require('../support/lint.js').lintSteps({ paths: argv }) }),
    },
    mocks: {
      summary: 'serve the HLR/HSS and VLR/MME as real HTTP servers on 127.0.0.1',
      load: async () => {
        const mocks = require(`${base}/mocks/cli${ext}`);
        return { run: (argv, io) => mocks.run(argv, io) };
      },
    },
  },
};

main(process.argv.slice(2), undefined, deps).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`roamsim: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
