import type { Clock } from '../src/roaming/clock';
import { NoAnswer } from '../src/roaming/transport';

/** What an element knows about the request it is handling. */
export class ElementContext {
  constructor(
    readonly clock: Clock,
    readonly deadline: number,
    readonly transactionId: number,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Takes `ms` to answer. A delay that runs past the caller's deadline becomes "no answer" on either clock:
   * the element must not go on to act (record a location) on a request its caller has given up on.
   */
  async delay(ms: number): Promise<void> {
    if (this.clock.now() + ms >= this.deadline) return this.noAnswer();
    if (this.clock.simulated) {
      this.clock.elapse(ms);
      return;
    }
    await this.clock.sleep(ms, this.signal);
  }

  /** Never answers: at the deadline on a simulated clock; on a real clock holds until the caller gives up. */
  async noAnswer(): Promise<never> {
    if (this.clock.simulated) {
      this.clock.elapseUntil(this.deadline);
    } else {
      // Hold the request past the caller's deadline; the caller aborts first (then `signal` ends the wait).
      await this.clock.sleep(Math.max(0, this.deadline - this.clock.now()) + 1000, this.signal).catch(() => undefined);
    }
    throw new NoAnswer();
  }
}

/** An element's answer: a result, or a protocol error (with the failed attempts when retries ran out). */
export type Answer =
  | { result: Record<string, unknown> }
  | { error: unknown; deadLettered?: boolean; attempts?: ReadonlyArray<Record<string, unknown>>; /** SGsAP-LOCATION-UPDATE-REJECT's MM cause (TS 29.118 §9.4.16). */ rejectCause?: number };

export function answer(result: Record<string, unknown> = {}): Answer {
  return { result };
}
