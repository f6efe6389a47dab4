/**
 * Time is injected. Scenarios run on a SimulatedClock: sleeping advances the clock and returns at once, so a
 * journey with four 2 s timeouts and backoffs takes milliseconds. Live and load runs use the RealClock.
 */
export interface Clock {
  readonly simulated: boolean;
  /** Milliseconds since the Unix epoch on this clock. */
  now(): number;
  /** Waits `ms` on this clock; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Time that passes only in simulation (link transit, element processing); a real clock measures it itself. */
  elapse(ms: number): void;
  /** Moves a simulated clock forward to `time` (a deadline that passed without an answer). */
  elapseUntil(time: number): void;
}

export class SimulatedClock implements Clock {
  readonly simulated = true;
  private current: number;

  constructor(start = Date.now()) {
    this.current = Math.floor(start);
  }

  now(): number {
    return this.current;
  }

  elapse(ms: number): void {
    this.advance(ms);
  }

  elapseUntil(time: number): void {
    this.advanceTo(time);
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`SimulatedClock.advance: ${ms} is not a finite duration >= 0`);
    this.current += ms;
  }

  advanceTo(time: number): void {
    if (time > this.current) this.current = time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.advance(ms);
  }
}

export class RealClock implements Clock {
  readonly simulated = false;

  now(): number {
    return Date.now();
  }

  elapse(): void {}

  elapseUntil(): void {}

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
