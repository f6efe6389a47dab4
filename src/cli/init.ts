import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CliIo, EXIT, defaultIo } from './io';

const USAGE = `Usage: roamsim init [DIR] [--force]

Scaffolds a QA repository that runs its own roaming journeys with roamsim as a dependency, in DIR (default:
the current folder): features/ (one small feature per theme), steps/custom.js (a custom step on the typed
World API), config/roaming.yaml, .env.example, cucumber.js, a Makefile (make simulate, make ci-simulate),
.gitignore, tsconfig.json, README.md, and the scripts simulate, ci-simulate and lint in package.json (added
to an existing package.json, never replacing a script it has).
Existing files are never overwritten: init names them and stops (exit 2) unless --force.`;

/** Template file → scaffolded name (npm drops files named .gitignore from a package, so it ships without the dot). */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

const SCRIPTS: Readonly<Record<string, string>> = {
  simulate: 'cucumber-js',
  'ci-simulate': 'make ci-simulate',
  lint: 'roamsim lint',
};

/** The package's own folder (from src/cli or dist/src/cli): the one holding package.json. */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), path.join(prefix, entry.name)) : [path.join(prefix, entry.name)],
  );
}

/** Every file init writes: target path (relative to DIR) → source file in the package. */
export function scaffoldPlan(root = packageRoot()): Map<string, string> {
  const templates = path.join(root, 'templates', 'qa');
  const plan = new Map<string, string>();
  for (const file of listFiles(templates)) plan.set(RENAMED[file] ?? file, path.join(templates, file));
  plan.set(path.join('config', 'roaming.yaml'), path.join(root, 'config', 'roaming.yaml'));
  plan.set('.env.example', path.join(root, '.env.example'));
  return plan;
}

/** `roamsim init [DIR] [--force]`. Returns the exit code. */
export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed: { values: { force?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`roamsim init: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const { positionals } = parsed;
  if (positionals.length > 1) return refuse(io, `one folder at most, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  const dir = path.resolve(positionals[0] ?? '.');

  if (existsSync(dir) && !statSync(dir).isDirectory()) return refuse(io, `${dir} is a file, not a folder: name a new or existing folder`);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    // A probe, since access() says yes to root on a read-only mount or a 0555 folder it may still write in.
    writeFileSync(path.join(dir, '.roamsim-init-probe'), '');
    rmSync(path.join(dir, '.roamsim-init-probe'));
  } catch (error) {
    return refuse(io, `cannot write in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is it read-only? Choose a folder you can write to`);
  }

  const plan = scaffoldPlan();
  const packageJson = path.join(dir, 'package.json');
  let manifest: { scripts?: Record<string, string> } & Record<string, unknown> = { name: path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'roaming-journeys', private: true };
  if (existsSync(packageJson)) {
    try {
      manifest = JSON.parse(readFileSync(packageJson, 'utf8'));
    } catch (error) {
      return refuse(io, `${packageJson} is not valid JSON (${(error as Error).message}): fix it, or remove it and run init again`);
    }
  }
  const existing = [...plan.keys()].filter((file) => existsSync(path.join(dir, file)));
  if (existing.length > 0 && !parsed.values.force) {
    return refuse(io, `${dir} already has ${existing.join(', ')}: nothing was written (--force overwrites them)`);
  }

  for (const [file, source] of plan) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(source));
  }
  const scripts = { ...(manifest.scripts ?? {}) };
  const added: string[] = [];
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] === undefined) {
      scripts[name] = command;
      added.push(name);
    }
  }
  writeFileSync(packageJson, `${JSON.stringify({ ...manifest, scripts }, null, 2)}\n`);

  io.out(`roamsim init: wrote ${plan.size} files in ${dir}${existing.length ? ` (overwrote ${existing.join(', ')})` : ''}; package.json scripts added: ${added.join(', ') || 'none (all present)'}`);
  io.out('next: npx cucumber-js (or make simulate); reports in reports/, logs in logs/');
  return EXIT.ok;
}

function refuse(io: CliIo, message: string): number {
  io.err(`roamsim init: ${message}`);
  return EXIT.usage;
}
