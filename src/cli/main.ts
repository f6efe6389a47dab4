import { isUserError } from '../errors';
import { type CliIo, EXIT, defaultIo } from './io';

type Command = { summary: string; load: () => Promise<{ run(argv: string[], io?: CliIo): Promise<number> }> };

/** Commands load lazily: `roamsim auth-vector` does not pay for MSW, xstate or prom-client. */
const COMMANDS: Record<string, Command> = {
  subscribers: { summary: 'print synthetic subscribers as CSV', load: () => import('./subscribers') },
  'auth-vector': { summary: 'compute one Milenage authentication vector (TS 35.206) as JSON', load: () => import('./auth-vector') },
  roam: { summary: 'one synthetic roam event: outcome and signalling ladder', load: () => import('./roam') },
  load: { summary: 'many journeys at a controlled rate, with live metrics and a summary', load: () => import('./load') },
  mocks: { summary: 'serve the HLR/HSS and VLR/MME as real HTTP servers on 127.0.0.1', load: () => import('./mocks') },
  audit: { summary: 'verify the tamper-evident audit trail (audit verify [--dir DIR])', load: () => import('./audit') },
};

/** Other modules add their commands here (load runs, mocks, audit) without editing the table above. */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

export function usage(): string {
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

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`roamsim: "${name}" is not a command: expected one of ${Object.keys(COMMANDS).join(', ')}`);
    return EXIT.usage;
  }
  try {
    return await (await command.load()).run(rest, io);
  } catch (error) {
    if (isUserError(error)) {
      io.err(`roamsim ${name}: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
