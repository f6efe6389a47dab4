import { expectHomeLocation, expectNoHomeLocation, expectNoVisitorRecord, expectVisitorRecord } from '../src/expectations/network';
import { parseErrorName } from '../src/protocol/codes';
import { formatPlmn, parsePlmn } from '../src/protocol/plmn';
import { type Rat, parseRat } from '../src/protocol/rat';
import type { RegistrationOutcome } from '../src/roaming/engine';
import type { SubscriberIdentity } from '../src/subscribers/generator';
import type { RoamingWorld } from './world';

/**
 * The World API for a QA team's own step definitions: `this.roaming` in any step. Values are checked like the
 * built-in steps check them (`attach('26201', 'LTE')` fails naming the value); the `expect…` methods throw the
 * same assertion errors as the built-in Then steps (failed, not broken, in Allure).
 *
 * ```ts
 * When('the traveller lands in {plmn}', async function (this: RoamingWorld, plmn: string) {
 *   await this.roaming.attach(plmn, 'LTE');
 * });
 * ```
 */
export class RoamingApi {
  constructor(private readonly world: RoamingWorld) {}

  /** The scenario's current subscriber (identity and profile); IMSI/MSISDN are synthetic, never real. */
  get subscriber(): SubscriberIdentity {
    return this.world.subscriber;
  }

  /** The last registration's outcome (`accepted`, `rejected` or `dead-lettered`, with its error). */
  get lastOutcome(): RegistrationOutcome | undefined {
    return this.world.lastOutcome;
  }

  /** Provisions a new subscriber of `profile` (`postpaid`, `prepaid`, or one from the config) in `homePlmn`. */
  addSubscriber(profile: string, homePlmn: string): Promise<SubscriberIdentity> {
    return this.world.addSubscriber(profile, plmn(homePlmn));
  }

  /** `{ combined: true }`: an LTE combined EPS/IMSI attach, the CS registration made over SGs. */
  attach(visitedPlmn: string, rat: Rat | string, options: { combined?: boolean } = {}): Promise<RegistrationOutcome> {
    return this.world.attachTo(plmn(visitedPlmn), parseRat(rat, 'RAT given to roaming.attach'), combinedFor(rat, options, 'roaming.attach'));
  }

  move(visitedPlmn: string, rat: Rat | string, options: { combined?: boolean } = {}): Promise<RegistrationOutcome> {
    return this.world.moveTo(plmn(visitedPlmn), parseRat(rat, 'RAT given to roaming.move'), combinedFor(rat, options, 'roaming.move'));
  }

  /** Like `Given the subscriber's USIM has seen a higher sequence number than the HLR/HSS`: the next UMTS/LTE challenge makes the USIM resynchronise. */
  putUsimAhead(): void {
    this.world.putUsimAhead();
  }

  detach(): Promise<void> {
    return this.world.detachSubscriber();
  }

  /** Scenario-only agreement (like the Given step), for every RAT unless `rats` names some. */
  agree(homePlmn: string, visitedPlmn: string, rats?: Array<Rat | string>): void {
    this.world.simulation.agreements.set(plmn(homePlmn), plmn(visitedPlmn), rats?.map((rat) => parseRat(rat, 'RAT given to roaming.agree')));
  }

  expectAccepted(): void {
    this.world.expectAccepted();
  }

  /** `name`: a MAP error name, a Diameter name or number, or `authenticationFailure`. */
  expectRejected(name: string): void {
    this.world.expectRejected(parseErrorName(name, 'error name given to roaming.expectRejected'), name);
  }

  expectDeadLettered(): void {
    this.world.expectDeadLettered();
  }

  /** The subscriber's HLR/HSS records it in `visitedPlmn` (or, with `null`, has no location). */
  async expectHomeLocation(visitedPlmn: string | null): Promise<void> {
    if (visitedPlmn === null) await expectNoHomeLocation(this.world.home.inspection, this.subscriber.imsi);
    else await expectHomeLocation(this.world.home.inspection, this.subscriber.imsi, plmn(visitedPlmn));
  }

  /** The VLR/MME of `visitedPlmn` holds (or, with `false`, no longer holds) a record of the subscriber. */
  async expectVisitorRecord(visitedPlmn: string, held = true): Promise<void> {
    const inspection = this.world.simulation.visited(plmn(visitedPlmn)).inspection;
    if (held) await expectVisitorRecord(inspection, this.subscriber.imsi, plmn(visitedPlmn));
    else await expectNoVisitorRecord(inspection, this.subscriber.imsi, plmn(visitedPlmn));
  }
}

function plmn(text: string): string {
  return formatPlmn(parsePlmn(text, 'PLMN given to the roaming World API'));
}

function combinedFor(rat: Rat | string, options: { combined?: boolean }, where: string): boolean {
  if (options.combined !== true) return false;
  if (rat !== 'LTE') throw new Error(`combined: true given to ${where} over ${String(rat)}: a combined EPS/IMSI attach exists on LTE only (TS 24.301 §5.5.1.3); leave it out or use LTE`);
  return true;
}
