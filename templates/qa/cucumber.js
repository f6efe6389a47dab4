// roamsim's profiles (default, ci, parallel, smoke, test, lint) over this repository's features and steps.
// The one line that plugs roamsim in is `requireModule: ['roamsim/cucumber']`; TypeScript steps run when
// ts-node is installed (npm install -D ts-node typescript).
const { profiles } = require('roamsim/cucumber/profiles');

let typescript = false;
try {
  require.resolve('ts-node');
  typescript = true;
} catch {
  // JavaScript steps only
}

module.exports = profiles({
  paths: ['features/**/*.feature'],
  requireModule: [...(typescript ? ['ts-node/register/transpile-only'] : []), 'roamsim/cucumber'],
  support: ['steps/**/*.js', ...(typescript ? ['steps/**/*.ts'] : [])],
});
