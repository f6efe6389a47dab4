import type { ProtocolError } from '../protocol/codes';
import type { Clock } from './clock';
import type { EventBus, JourneyEvent } from './events';
import type { RegistrationOutcome } from './interpreter';
import type { Target } from './ue';

/** Who a journey event is about: the subscriber's identity as the store holds it. */
export interface JourneySubject {
  readonly imsi: string;
  readonly msisdn?: string;
  readonly homePlmn: string;
}

/**
 * Emits the journey events of the engine and of load runs alike (registration, dead-letter, move, detach):
 * one place decides what a settled command means on the bus.
 */
export class JourneyReporter {
  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly scenario?: string,
  ) {}

  registration(subject: JourneySubject, registration: RegistrationOutcome): void {
    const error = registration.outcome === 'accepted' ? undefined : registration.error;
    this.emit(subject, 'registration', registration.target, registration.outcome, error);
    if (registration.outcome === 'dead-lettered') this.emit(subject, 'dead-letter', registration.target, 'dead-lettered', registration.error, { attempts: registration.attempts });
  }

  move(subject: JourneySubject, registration: RegistrationOutcome, from: Target | undefined): void {
    this.emit(subject, 'move', registration.target, registration.outcome, undefined, from ? { from: from.plmn, fromRat: from.rat } : undefined);
  }

  detach(subject: JourneySubject, serving: Target): void {
    this.emit(subject, 'detach', serving, 'ok');
  }

  private emit(subject: JourneySubject, type: JourneyEvent['type'], target: Target, outcome: JourneyEvent['outcome'], error?: ProtocolError, detail?: Record<string, unknown>): void {
    // Built field by field (no spreads of optional fields): load runs emit millions of these.
    const subscriber = subject.msisdn === undefined ? { imsi: subject.imsi } : { imsi: subject.imsi, msisdn: subject.msisdn };
    const at = this.clock.now();
    const event: { -readonly [K in keyof JourneyEvent]: JourneyEvent[K] } =
      this.scenario === undefined
        ? { type, at, subscriber, homePlmn: subject.homePlmn, visitedPlmn: target.plmn, rat: target.rat }
        : { type, scenario: this.scenario, at, subscriber, homePlmn: subject.homePlmn, visitedPlmn: target.plmn, rat: target.rat };
    if (outcome !== undefined) event.outcome = outcome;
    if (error !== undefined) event.error = error;
    if (detail !== undefined) event.detail = detail;
    this.bus.emitJourney(event);
  }
}
