/** What the progress line shows; the run's counters at one moment. */
export interface ProgressSample {
  readonly journeys: number;
  readonly attempted: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly deadLettered: number;
  readonly retries: number;
  readonly elapsedMs: number;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain periodic lines otherwise (CI logs, pods).
 * The bar follows journeys done (or time, for a --duration run).
 */
export class Progress {
  private last?: ProgressSample;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly planned: { journeys?: number; durationMs?: number },
  ) {}

  update(sample: ProgressSample): void {
    const previous = this.last;
    this.last = sample;
    const seconds = (sample.elapsedMs - (previous?.elapsedMs ?? 0)) / 1000;
    const rate = seconds > 0 ? (sample.attempted - (previous?.attempted ?? 0)) / seconds : 0;
    const fraction = this.planned.durationMs ? sample.elapsedMs / this.planned.durationMs : this.planned.journeys ? sample.journeys / this.planned.journeys : 0;
    const done = Math.max(0, Math.min(1, fraction));
    const counts = `${fmt(sample.journeys)}${this.planned.journeys && !this.planned.durationMs ? `/${fmt(this.planned.journeys)}` : ''} journeys, ${fmt(Math.round(rate))} reg/s, accepted ${fmt(sample.accepted)}, rejected ${fmt(sample.rejected)}, dead-lettered ${fmt(sample.deadLettered)}, retries ${fmt(sample.retries)}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(done * width);
      this.write(`\r\x1b[2K[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}] ${(done * 100).toFixed(0).padStart(3)}% ${counts}`);
      this.drawn = true;
    } else {
      this.write(`roamsim load: ${(sample.elapsedMs / 1000).toFixed(1)} s, ${counts}\n`);
    }
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void {
    if (this.tty && this.drawn) this.write('\n');
    this.drawn = false;
  }
}

function fmt(value: number): string {
  return value.toLocaleString('en-GB');
}
