import type { ElementProviders, ElementSource } from '../elements/seam';
import { isUserError } from '../errors';
import { type CliIo, EXIT, defaultIo } from './io';

/** What the entry point (bin/roamsim.js) injects: the element implementations, and its own commands. */
export interface CliDeps {
  /** The providers `roamsim roam` builds its simulation with (the embedded elements, at least). */
  readonly elements: () => ElementProviders;
  /** The same providers as a module path, for load runs' worker threads. */
  readonly elementSource: ElementSource;
  /** Commands the entry point adds (`mocks`, served by the embedded elements), listed after `load`. */
  readonly commands?: Readonly<Record<string, Command>>;
}

export type Command = { summary: string; load: () => Promise<{ run(argv: string[], io: CliIo, deps: CliDeps): Promise<number> }> };

/** Commands load lazily: `roamsim auth-vector` does not pay for MSW, xstate or prom-client. */
function commands(deps: CliDeps): Record<string, Command> {
  return {
    subscribers: { summary: 'print synthetic subscribers as CSV', load: () => import('./subscribers') },
    'auth-vector': { summary: 'compute one Milenage authentication vector (TS 35.206) as JSON', load: () => import('./auth-vector') },
    roam: { summary: 'one synthetic roam event: outcome and signalling ladder', load: () => import('./roam') },
    load: { summary: 'many journeys at a controlled rate, with live metrics and a summary', load: () => import('./load') },
    ...deps.commands,
    init: { summary: 'scaffold a QA repository that runs its own journeys with roamsim (init [DIR] [--force])', load: () => import('./init') },
    audit: { summary: 'verify the tamper-evident audit trail (audit verify [--dir DIR])', load: () => import('./audit') },
  };
}

export function usage(deps: CliDeps): string {
  const COMMANDS = commands(deps);
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: roamsim <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `roamsim <command> --help` for the options of one command.',
    'Exit status: 0 all journeys ended as expected, 1 some did not, 2 usage or configuration error.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo, deps: CliDeps): Promise<number> {
  const COMMANDS = commands(deps);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(deps));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`roamsim: "${name}" is not a command: expected one of ${Object.keys(COMMANDS).join(', ')}`);
    return EXIT.usage;
  }
  try {
    return await (await command.load()).run(rest, io, deps);
  } catch (error) {
    if (isUserError(error)) {
      io.err(`roamsim ${name}: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
