import path from 'node:path';
import { InputError } from '../src/errors';

/** The sinks a run can switch off: each writes a kind of artifact or label. */
export const SINKS = ['captures', 'ladders', 'audit', 'billing', 'metrics', 'state-coverage', 'allure'] as const;
export type SinkName = (typeof SINKS)[number];

/**
 * What a run's Cucumber `worldParameters.roamsim` may say (they win over the environment):
 * `{ "config": "qa/roaming.yaml", "env": "qa/.env", "reportsDir": "out/reports", "logsDir": "out/logs",
 *    "sinks": { "captures": false, "audit": false } }`. Paths are relative to the working directory.
 */
export interface RoamsimParameters {
  config?: string;
  env?: string;
  reportsDir?: string;
  logsDir?: string;
  sinks?: Partial<Record<SinkName, boolean>>;
}

export interface RunSettings {
  configFile?: string;
  envFile?: string;
  off: ReadonlySet<SinkName>;
}

/**
 * Reads `worldParameters.roamsim` and `ROAMSIM_SINKS_OFF` (a comma list, e.g. `captures,ladders`). Directory
 * parameters become ROAMSIM_REPORTS_DIR / ROAMSIM_LOG_DIR so every writer of this process sees them.
 */
export function runSettings(parameters: unknown, env: NodeJS.ProcessEnv = process.env): RunSettings {
  const given = (parameters as { roamsim?: unknown } | undefined)?.roamsim;
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new InputError(JSON.stringify(given), 'worldParameters.roamsim', 'an object such as {"sinks": {"captures": false}}');
  }
  const roamsim = (given ?? {}) as RoamsimParameters;
  const off = new Set<SinkName>();
  for (const name of (env.ROAMSIM_SINKS_OFF ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    off.add(sinkName(name, 'ROAMSIM_SINKS_OFF'));
  }
  for (const [name, on] of Object.entries(roamsim.sinks ?? {})) {
    const sink = sinkName(name, 'worldParameters.roamsim.sinks');
    if (typeof on !== 'boolean') throw new InputError(JSON.stringify(on), `worldParameters.roamsim.sinks.${name}`, 'true or false');
    if (on) off.delete(sink);
    else off.add(sink);
  }
  for (const key of ['config', 'env', 'reportsDir', 'logsDir'] as const) {
    if (roamsim[key] !== undefined && (typeof roamsim[key] !== 'string' || roamsim[key] === '')) {
      throw new InputError(JSON.stringify(roamsim[key]), `worldParameters.roamsim.${key}`, 'a path relative to the working directory');
    }
  }
  if (roamsim.reportsDir) env.ROAMSIM_REPORTS_DIR = roamsim.reportsDir;
  if (roamsim.logsDir) env.ROAMSIM_LOG_DIR = roamsim.logsDir;
  return {
    configFile: roamsim.config ? path.resolve(roamsim.config) : undefined,
    envFile: roamsim.env ? path.resolve(roamsim.env) : undefined,
    off,
  };
}

function sinkName(name: string, source: string): SinkName {
  if ((SINKS as readonly string[]).includes(name)) return name as SinkName;
  throw new InputError(name, source, `one of ${SINKS.join(', ')}`);
}
