/**
 * `make simulate` and `make ci-simulate` run this after the features: it writes reports/living-doc/index.html
 * from what the run left behind (src/reports/living-doc/generate.ts).
 *
 *   node --require ./support/register.js scripts/living-doc.ts [--reports DIR] [--previous FILE]
 *
 * --reports   the run's reports folder (default: ROAMSIM_REPORTS_DIR, else reports)
 * --previous  the previous run's summary.json to compare with (default: .living-doc-history/summary.json)
 */
import path from 'node:path';
import { loadConfig } from '../src/config/load';
import { generateLivingDoc } from '../src/reports/living-doc/generate';

function main(argv: readonly string[]): number {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag !== '--reports' && flag !== '--previous') {
      process.stderr.write(`living document: unknown argument ${flag}; use --reports DIR or --previous FILE\n`);
      return 2;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) {
      process.stderr.write(`living document: ${flag} needs a value\n`);
      return 2;
    }
    flags.set(flag, value);
  }
  const root = path.resolve(__dirname, '..');
  const reportsDir = flags.get('--reports') ?? (process.env.ROAMSIM_REPORTS_DIR?.trim() || 'reports');
  const config = loadConfig({ announce: () => undefined });
  const names = new Map(config.networks.map((n) => [n.plmn, n.name]));
  const result = generateLivingDoc({
    reportsDir,
    root,
    pairs: config.agreements.map((a) => ({ home: a.home, visited: a.visited, rats: a.rats, label: `${names.get(a.home) ?? a.home} → ${names.get(a.visited) ?? a.visited}` })),
    seed: String(config.seed),
    mode: (process.env.ROAMSIM_MODE ?? 'intercept').trim(),
    previousSummary: flags.get('--previous') ?? path.join(root, '.living-doc-history', 'summary.json'),
  });
  const { counts } = result.summary;
  process.stdout.write(
    `living document: ${result.html} (${counts.scenarios} scenarios, ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped ?? 0} skipped, ${counts.gaps} cells not covered${result.view.changes ? ', compared with the previous run' : ''})\n`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
