import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command writes: stdout for results, stderr for diagnostics. Tests pass their own. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const defaultIo: CliIo = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
export type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & HelpOption; strict: true }>>['values'];

/**
 * The command-line prologue every command shares: strict parsing with `--help`/`-h` added; a flag parseArgs
 * refuses prints its message and the usage (exit 2); `--help` prints the usage (exit 0). Returns the flags,
 * or the exit code when the command should stop there.
 */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O, usage: string, io: CliIo): { values: ParsedFlags<O> } | { exit: number } {
  let values: ParsedFlags<O>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } as O & HelpOption, strict: true }));
  } catch (error) {
    io.err(`roamsim ${command}: ${(error as Error).message}\n${usage}`);
    return { exit: EXIT.usage };
  }
  if ((values as { help?: boolean }).help) {
    io.out(usage);
    return { exit: EXIT.ok };
  }
  return { values };
}
