'use strict';
/**
 * Cucumber profiles for a roamsim suite — this repository's cucumber.js and a QA repository's (`roamsim init`)
 * both call `profiles()`. Plain JavaScript: cucumber.js is read before any TypeScript loader.
 *
 * - Feature files or folders named on the command line run exactly those: the profile then has no `paths`
 *   (Cucumber 12 would merge them with the command line's and run the whole suite).
 * - A run narrowed by paths, --tags or --name is marked partial (ROAMSIM_RUN_SCOPE), so the end-of-run state
 *   coverage says it covers only part of the suite.
 */
const { statSync } = require('node:fs');
const path = require('node:path');

/** Options whose next argument is their value, not a feature path. */
const VALUE_OPTIONS = new Set(['-p', '--profile', '-c', '--config', '-f', '--format', '--format-options', '-t', '--tags', '--name', '-r', '--require', '-i', '--import', '--require-module', '--loader', '--shard', '--parallel', '--retry', '--retry-tag-filter', '--world-parameters', '--language', '--order', '-l']);

/** The feature files and folders given on the command line (`features/billing`, `a.feature:12`, `@rerun.txt`). */
function cliFeaturePaths(argv = process.argv.slice(2), cwd = process.cwd()) {
  const found = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    if (/\.feature(:\d+)*$/.test(arg) || arg.startsWith('@')) {
      found.push(arg);
      continue;
    }
    try {
      if (statSync(path.resolve(cwd, arg)).isDirectory()) found.push(arg);
    } catch {
      // not a path: an option's value
    }
  }
  return found;
}

/** What narrows this run, for the "partial" label: paths, tags, names; empty for a whole-suite run. */
function runScope(argv = process.argv.slice(2), profileTags) {
  const parts = [];
  const paths = cliFeaturePaths(argv);
  // A long list (make conformance names each scenario) is summarised, so the coverage line stays one line.
  if (paths.length) parts.push(paths.length > 3 ? `${paths.length} feature paths` : paths.join(' '));
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '--tags' || argv[i] === '-t') && argv[i + 1]) parts.push(`tags ${argv[i + 1]}`);
    if (argv[i] === '--name' && argv[i + 1]) parts.push(`name ${argv[i + 1]}`);
    if (argv[i] === '--shard' && argv[i + 1]) parts.push(`shard ${argv[i + 1]}`);
  }
  if (profileTags) parts.push(`tags ${profileTags}`);
  return parts.join(', ');
}

/** The profile without its own feature paths. */
function withoutPaths({ paths, ...rest }) {
  return rest;
}

/**
 * The profiles: `default` and `ci` (every report format), `parallel`, `smoke`, `test` (progress only), `lint`
 * (dry run), `conformance` (no paths of its own: `make conformance` names the scenarios). `support` is what cucumber loads (`require`), `requireModule` runs first (a TypeScript loader);
 * `reportsDir` is where the report files go.
 */
function profiles({ paths = ['features/**/*.feature'], support = [], requireModule = [], reportsDir = process.env.ROAMSIM_REPORTS_DIR || 'reports', worldParameters } = {}) {
  const here = (file) => path.join(__dirname, file);
  const cliPaths = cliFeaturePaths();
  const scope = runScope();
  if (scope && !process.env.ROAMSIM_RUN_SCOPE) process.env.ROAMSIM_RUN_SCOPE = scope;
  const report = (file) => path.join(reportsDir, file);
  const common = {
    requireModule,
    require: support,
    ...(cliPaths.length ? {} : { paths }),
    format: [
      'progress',
      `junit:${report('junit.xml')}`,
      `html:${report('cucumber.html')}`,
      `message:${report('messages.ndjson')}`,
      `usage:${report('usage.txt')}`,
      `rerun:${report('@rerun.txt')}`,
      `allure-cucumberjs/reporter:${report('.allure.out')}`,
      `${here('did-you-mean.js')}:${report('.did-you-mean.txt')}`,
      `${here('run-summary.js')}:${report('.run-summary.txt')}`,
    ],
    formatOptions: {
      // What support/run-summary.js lists at the end of the run.
      roamsimReports: {
        files: ['junit.xml', 'cucumber.html', 'messages.ndjson', 'usage.txt', '@rerun.txt'].map(report),
        allureResults: report('allure-results'),
        reportsDir,
        logsDir: process.env.ROAMSIM_LOG_DIR || 'logs',
      },
      junit: { suiteName: 'roamsim' },
      // Captures and the large attachments go next to cucumber.html as files (attachment-<id>.<ext>).
      html: { externalAttachments: ['application/vnd.tcpdump.pcap', 'text/html', 'application/json', 'application/x-ndjson'] },
      resultsDir: report('allure-results'),
      snippetSyntax: here('snippet-syntax.js'),
    },
    ...(worldParameters ? { worldParameters } : {}),
    strict: true,
    // Only scenarios tagged @flaky get a second attempt; reports show both attempts, the last one counts.
    retry: 1,
    retryTagFilter: '@flaky',
  };
  const quiet = { format: ['progress', `${here('did-you-mean.js')}:${report('.did-you-mean.txt')}`] };
  return {
    default: common,
    ci: { ...common },
    parallel: { ...common, parallel: 2 },
    smoke: { ...common, tags: '@smoke' },
    test: { ...common, ...quiet },
    lint: { ...common, dryRun: true, format: [`usage-json:${report('.lint-usage.json')}`, `message:${report('.lint-messages.ndjson')}`] },
    // scripts/conformance.ts names the scenarios (paths on its command line) and its own message stream.
    conformance: { ...withoutPaths(common), ...quiet },
  };
}

module.exports = { profiles, cliFeaturePaths, runScope };
