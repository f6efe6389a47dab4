// Profiles: default (every feature, all report formats), ci (the same for make ci-simulate), parallel, smoke,
// test (progress only), lint (dry run), conformance (scenarios named by scripts/conformance.ts). Built by
// support/profiles.js, the same function a QA repository's cucumber.js uses: feature paths on the command line
// run exactly those files.
const { profiles } = require('./support/profiles.js');

module.exports = profiles({
  paths: ['features/**/*.feature'],
  requireModule: [require.resolve('./support/register.js')],
  support: ['support/index.ts', 'steps/**/*.ts'],
});
