import { type CliIo, EXIT, defaultIo } from './io';

// Placeholder until the command lands; it says so instead of pretending.
export async function run(_argv: string[], io: CliIo = defaultIo): Promise<number> {
  io.err('roamsim roam: not available in this build yet');
  return EXIT.usage;
}
