import { type FaultAction, type FaultControl } from '../src/elements/seam';
import { parseOperation } from '../src/elements/faults';
import { InputError } from '../src/errors';
import { inProtocol } from '../src/protocol/codes';
import type { CoreProtocol } from '../src/protocol/rat';
import type { Procedure } from '../src/roaming/events';
import type { SeededRandom } from '../src/subscribers/random';

export type { FaultAction };
export { parseOperation };

interface FaultRule {
  readonly procedures: ReadonlySet<Procedure>;
  readonly action: FaultAction;
  remaining?: number;
  readonly probability?: number;
}

/** Fault rules on one element, plus the count of requests it received per procedure. */
export class FaultBook implements FaultControl {
  private readonly rules: FaultRule[] = [];
  private readonly received = new Map<Procedure, number>();

  constructor(private readonly random: SeededRandom) {}

  /** Refuses what no element could do (negative counts or delays, a percentage outside 0..100, a local error). */
  add(procedures: readonly Procedure[], action: FaultAction, options: { count?: number; percent?: number } = {}): void {
    const { count, percent } = options;
    if (count !== undefined && !(Number.isInteger(count) && count >= 0)) throw new InputError(String(count), 'fault rule count', 'a whole number of requests, 0 or more');
    if (percent !== undefined && !(Number.isFinite(percent) && percent >= 0 && percent <= 100)) throw new InputError(String(percent), 'fault rule percentage', 'a percentage from 0 to 100');
    if (action.kind === 'delay' && !(Number.isFinite(action.ms) && action.ms >= 0)) throw new InputError(String(action.ms), 'fault rule delay', 'a delay in ms, 0 or more');
    if (action.kind === 'error' && action.error.kind === 'local') {
      throw new InputError(action.error.name, 'fault rule error', 'an error the HLR/HSS answers with (a MAP or Diameter name such as systemFailure or DIAMETER_TOO_BUSY); for silence use a no-answer rule');
    }
    this.rules.push({
      procedures: new Set(procedures),
      action,
      ...(options.count === undefined ? {} : { remaining: options.count }),
      ...(options.percent === undefined ? {} : { probability: options.percent / 100 }),
    });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The rules in force, in the order they are tried, as `GET /admin/faults` shows them. */
  list(): Array<{ procedures: Procedure[]; action: string; error?: string; delayMs?: number; remaining?: number; percent?: number }> {
    return this.rules.map((rule) => ({
      procedures: [...rule.procedures],
      action: rule.action.kind,
      ...(rule.action.kind === 'error' ? { error: rule.action.error.name } : {}),
      ...(rule.action.kind === 'delay' ? { delayMs: rule.action.ms } : {}),
      ...(rule.remaining === undefined ? {} : { remaining: rule.remaining }),
      ...(rule.probability === undefined ? {} : { percent: rule.probability * 100 }),
    }));
  }

  receivedCount(procedures: readonly Procedure[]): number {
    return procedures.reduce((sum, procedure) => sum + (this.received.get(procedure) ?? 0), 0);
  }

  /** Counts the request, then returns the fault to apply to it, in the protocol of the procedure. */
  decide(procedure: Procedure, protocol: CoreProtocol): FaultAction | undefined {
    this.received.set(procedure, (this.received.get(procedure) ?? 0) + 1);
    for (const rule of this.rules) {
      if (!rule.procedures.has(procedure)) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining <= 0) continue;
        rule.remaining--;
      }
      // Percentage rules draw from the seeded stream for every matching request, so a seed replays exactly.
      if (rule.probability !== undefined && this.random.next() >= rule.probability) continue;
      return rule.action.kind === 'error' ? { kind: 'error', error: inProtocol(rule.action.error, protocol) } : rule.action;
    }
    return undefined;
  }
}
