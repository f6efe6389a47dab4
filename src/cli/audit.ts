import { existsSync, statSync } from 'node:fs';
import { verifyAudit } from '../telemetry/audit';
import { type CliIo, EXIT, defaultIo } from './io';

const DEFAULT_DIR = 'logs/audit';

const USAGE = `usage: roamsim audit verify [--dir DIR]

Checks the audit trail's hash chain: every line of every audit-YYYY-MM-DD.jsonl in DIR
(default ${DEFAULT_DIR}) must match its own sha256 and the prev_sha256 of the line before.
Exit codes: 0 intact, 1 broken, 2 usage error.`;

/** `roamsim audit …`; argv is what follows `audit`. Returns the exit code. */
export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, ...rest] = argv;
  if (command === undefined) return usageError(io, 'missing command: expected "verify"');
  if (command !== 'verify') return usageError(io, `unknown command ${JSON.stringify(command)}: expected "verify"`);

  let dir = DEFAULT_DIR;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--dir') {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('-')) return usageError(io, '--dir needs a directory, e.g. --dir logs/audit');
      dir = value;
      i++;
    } else if (arg.startsWith('--dir=')) {
      dir = arg.slice('--dir='.length);
      if (dir === '') return usageError(io, '--dir needs a directory, e.g. --dir=logs/audit');
    } else {
      return usageError(io, `unknown option ${JSON.stringify(arg)}: the only option is --dir DIR`);
    }
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return usageError(io, `--dir: ${dir} is not a directory`);

  const result = verifyAudit(dir);
  if (result.ok) {
    io.out(`audit ok: ${result.files} files, ${result.lines} lines`);
    return EXIT.ok;
  }
  io.err(`audit broken: ${result.file} line ${result.line}: ${result.reason}`);
  return EXIT.failed;
}

function usageError(io: CliIo, message: string): number {
  io.err(`roamsim audit: ${message}`);
  io.err(USAGE.split('\n')[0]);
  return EXIT.usage;
}
