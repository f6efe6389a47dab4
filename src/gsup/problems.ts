/** Every way a GSUP peer can hand us something we cannot use; each occurrence is one log line and one count. */
export const GSUP_PROBLEMS = [
  'truncated-frame',
  'unknown-stream',
  'bad-ccm',
  'empty-message',
  'missing-imsi',
  'ie-overrun',
  'bad-ie',
  'unknown-message-type',
  'unsolicited-answer',
  'late-answer',
  'routing-error',
  'no-id-resp',
  'no-answer',
  'unexpected-request',
] as const;
export type GsupProblem = (typeof GSUP_PROBLEMS)[number];

/**
 * The problem book of one run (client or server side): counts by kind, and one log line per occurrence that
 * names the peer (its CCM serial name, or its address before the handshake). Details never carry an IMSI.
 */
export class PeerProblems {
  private readonly counts = new Map<GsupProblem, number>();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  report(peer: string, problem: GsupProblem, detail: string): void {
    this.counts.set(problem, (this.counts.get(problem) ?? 0) + 1);
    this.log(`GSUP peer ${peer}: ${problem}: ${detail}`);
  }

  count(problem: GsupProblem): number {
    return this.counts.get(problem) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const value of this.counts.values()) sum += value;
    return sum;
  }

  snapshot(): Partial<Record<GsupProblem, number>> {
    return Object.fromEntries(this.counts) as Partial<Record<GsupProblem, number>>;
  }
}
