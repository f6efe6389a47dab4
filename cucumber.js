// Profiles: default (every feature, all report formats), ci (the same for make ci-simulate), parallel, smoke.
const common = {
  requireModule: [require.resolve('./support/register.js')],
  require: ['support/index.ts', 'steps/**/*.ts'],
  paths: ['features/**/*.feature'],
  format: ['progress', 'junit:reports/junit.xml', 'html:reports/cucumber.html', 'message:reports/messages.ndjson', 'usage:reports/usage.txt', 'rerun:reports/@rerun.txt', 'allure-cucumberjs/reporter:reports/.allure.out'],
  formatOptions: {
    junit: { suiteName: 'roamsim' },
    // Captures and the large attachments (ladder HTML, JSON, NDJSON) go next to cucumber.html as files
    // (attachment-<id>.<ext>) instead of inside it, which keeps it small.
    html: { externalAttachments: ['application/vnd.tcpdump.pcap', 'text/html', 'application/json', 'application/x-ndjson'] },
    // allure-cucumberjs: labels, links, environment and categories come from support/allure-hook.ts.
    resultsDir: 'reports/allure-results',
  },
  strict: true,
  // Only scenarios tagged @flaky get a second attempt; reports show both attempts, the last one counts.
  retry: 1,
  retryTagFilter: '@flaky',
};

module.exports = {
  default: common,
  ci: { ...common },
  parallel: { ...common, parallel: 2 },
  smoke: { ...common, tags: '@smoke' },
  test: { ...common, format: ['progress'] },
  lint: { ...common, dryRun: true, format: ['usage-json:reports/.lint-usage.json'] },
  // scripts/conformance.ts names the scenarios (paths on its command line) and its own message stream.
  conformance: { ...common, paths: [], format: ['progress'] },
};
