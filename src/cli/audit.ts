import { existsSync, statSync } from 'node:fs';
import { readAuditKey } from '../config/load';
import { verifyAudit } from '../telemetry/audit';
import { type CliIo, EXIT, defaultIo } from './io';
import type { CliDeps } from './main';

const DEFAULT_DIR = 'logs/audit';

const USAGE = `usage: roamsim audit verify [--dir DIR]

Checks the audit trail in DIR (default ${DEFAULT_DIR}): every line of every audit-YYYY-MM-DD.jsonl
(its mac, its seq, its link to the line before and, for a first line, to the file's name), the digest
chain in audit-digests.jsonl, and that every file and line the digests recorded is still there (files
deleted by retention are listed in a digest). The key is ROAMSIM_AUDIT_KEY (environment, then .env);
without one only an unkeyed trail can be checked.
Exit codes: 0 intact, 1 broken (or no trail at all), 2 usage error.`;

/** `roamsim audit …`; argv is what follows `audit`. Returns the exit code. The trail needs no elements (deps). */
export async function run(argv: string[], io: CliIo = defaultIo, _deps?: CliDeps, env: NodeJS.ProcessEnv = process.env): Promise<number> {
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

  const key = readAuditKey(env);
  const result = verifyAudit(dir, key);
  if (result.ok) {
    io.out(`audit ok: ${result.files} files, ${result.lines} lines, ${result.digests} digests, ${result.keyed ? 'HMAC-SHA-256 (keyed)' : 'UNKEYED: a rewrite by someone with write access would not be detected'}`);
    io.out(`last digest ${result.lastDigest} (keep it elsewhere to detect a rollback of the whole trail)`);
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
