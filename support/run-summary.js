'use strict';
/**
 * A Cucumber formatter that ends every full run with where each report is and how to open it. The report
 * files come from formatOptions.roamsimReports (support/profiles.js fills it from the run's formats); the
 * folders the sinks write (captures, billing, metrics, logs) are listed when they exist.
 */
const { existsSync } = require('node:fs');
const path = require('node:path');
const { Formatter } = require('@cucumber/cucumber');

const HOW = {
  'junit.xml': 'JUnit (CI test results)',
  'cucumber.html': 'Cucumber HTML report: open it in a browser',
  'messages.ndjson': 'Cucumber messages',
  'usage.txt': 'step usage and timings',
  '@rerun.txt': 'failed scenarios: npx cucumber-js @rerun.txt runs them again',
};

class RunSummaryFormatter extends Formatter {
  constructor(options) {
    super(options);
    const reports = (options.parsedArgvOptions && options.parsedArgvOptions.roamsimReports) || {};
    options.eventBroadcaster.on('envelope', (envelope) => {
      if (envelope.testRunFinished) this.summary(reports);
    });
  }

  summary({ files = [], allureResults, reportsDir = process.env.ROAMSIM_REPORTS_DIR || 'reports', logsDir = process.env.ROAMSIM_LOG_DIR || 'logs' }) {
    const lines = ['', 'Reports:'];
    for (const file of files) lines.push(`  ${file.padEnd(34)} ${HOW[path.basename(file)] || ''}`.trimEnd());
    if (allureResults) {
      const report = path.join(path.dirname(allureResults), 'allure-report');
      lines.push(`  ${`${allureResults}/`.padEnd(34)} Allure results: npx allure generate ${allureResults} -o ${report} --clean && npx allure open ${report} (Java 17)`);
    }
    const folders = [
      [path.join(reportsDir, 'pcap'), 'captures per scenario: Wireshark or tshark -r <file>'],
      [path.join(reportsDir, 'billing'), 'billing triggers (CSV)'],
      [path.join(reportsDir, 'metrics.prom'), 'Prometheus metrics at the end of the run'],
      [path.join(logsDir, 'roamsim.log'), 'JSON log lines'],
      [path.join(logsDir, 'audit'), 'audit trail: npx roamsim audit verify'],
    ];
    for (const [where, what] of folders) if (existsSync(where)) lines.push(`  ${where.padEnd(34)} ${what}`);
    if (lines.length === 2) return;
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
RunSummaryFormatter.documentation = 'roamsim: where each report of the run is and how to open it';

module.exports = RunSummaryFormatter;
module.exports.default = RunSummaryFormatter;
