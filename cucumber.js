// Profiles: default (every feature, all report formats), ci (the same for make ci-simulate), parallel, smoke.
const common = {
  requireModule: [require.resolve('./support/register.js')],
  require: ['support/**/*.ts', 'steps/**/*.ts'],
  paths: ['features/**/*.feature'],
  format: ['progress', 'junit:reports/junit.xml', 'html:reports/cucumber.html', 'message:reports/messages.ndjson', 'usage:reports/usage.txt', 'rerun:reports/@rerun.txt'],
  formatOptions: { junit: { suiteName: 'roamsim' } },
  strict: true,
};

module.exports = {
  default: common,
  ci: { ...common },
  parallel: { ...common, parallel: 2 },
  smoke: { ...common, tags: '@smoke' },
  test: { ...common, format: ['progress'] },
  lint: { ...common, dryRun: true, format: ['usage-json:reports/.lint-usage.json'] },
};
