#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources through ts-node/swc (no build step): start-up stays well under a second.
require('../support/register.js');
const { main } = require('../src/cli/main.ts');

// The composition's outer edge: the CLI (src/) gets the embedded network elements (mocks/) from here, as a
// provider factory for `roam`, as a module path for load runs' worker threads, and with the `mocks` command.
const embedded = '../mocks/embedded.ts';
const deps = {
  elements: () => require(embedded).elementProviders(),
  elementSource: { module: require.resolve(embedded) },
  commands: {
    mocks: {
      summary: 'serve the HLR/HSS and VLR/MME as real HTTP servers on 127.0.0.1',
      load: async () => {
        const mocks = require('../mocks/cli.ts');
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
