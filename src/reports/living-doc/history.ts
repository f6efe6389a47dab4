/**
 * What the living document remembers between runs: reports/living-doc/summary.json. `make simulate` and
 * `make ci-simulate` keep the previous run's copy outside reports/ (.living-doc-history/, as Allure history
 * is kept in .allure-history/), and the next document shows what changed since.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface RunSummary {
  readonly version: 1;
  readonly generatedAt: string;
  readonly gitSha: string;
  /** `skipped` is absent from summaries written before skipped scenarios were counted apart. */
  readonly counts: { readonly scenarios: number; readonly passed: number; readonly failed: number; readonly skipped?: number; readonly gaps: number };
  /** `matrix|row|column` of every cell at least one scenario reached. */
  readonly covered: readonly string[];
  /** `uri :: scenario name` of every failing scenario. */
  readonly failing: readonly string[];
  /** `uri :: scenario name` of every scenario that ran. */
  readonly scenarios: readonly string[];
}

export interface RunChanges {
  readonly previous: { readonly generatedAt: string; readonly gitSha: string };
  readonly newlyCovered: readonly string[];
  readonly noLongerCovered: readonly string[];
  readonly newlyFailing: readonly string[];
  readonly fixed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export const scenarioKey = (uri: string, name: string): string => `${uri} :: ${name}`;

/** The previous summary, or undefined when there is none; a file that is not a summary names itself. */
export function readSummary(file: string | undefined): RunSummary | undefined {
  if (!file || !existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message}); delete it, the next run writes a new one`);
  }
  const s = parsed as Partial<RunSummary>;
  if (s.version !== 1 || !Array.isArray(s.covered) || !Array.isArray(s.failing) || !Array.isArray(s.scenarios)) {
    throw new Error(`${file}: not a living-document summary (version 1 with covered, failing and scenarios lists); delete it, the next run writes a new one`);
  }
  return s as RunSummary;
}

export function compareRuns(previous: RunSummary, current: RunSummary): RunChanges {
  const minus = (a: readonly string[], b: readonly string[]) => {
    const set = new Set(b);
    return a.filter((x) => !set.has(x));
  };
  return {
    previous: { generatedAt: previous.generatedAt, gitSha: previous.gitSha },
    newlyCovered: minus(current.covered, previous.covered),
    noLongerCovered: minus(previous.covered, current.covered),
    newlyFailing: minus(current.failing, previous.failing),
    fixed: minus(previous.failing, current.failing).filter((k) => current.scenarios.includes(k)),
    added: minus(current.scenarios, previous.scenarios),
    removed: minus(previous.scenarios, current.scenarios),
  };
}
