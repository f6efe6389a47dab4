import type { RoamingConfig } from '../config/load';
import { InputError } from '../errors';
import { parsePlmn } from '../protocol/plmn';
import { SubscriberGenerator } from '../subscribers/generator';
import { DEFAULT_SUBSCRIPTION, subscriptionFor, type SubscriptionData } from '../elements/subscription';

/**
 * The simulation's synthetic subscribers as the config describes them: one generator per home network
 * (identities and keys from the seed and the `.env` secret) and the subscriber profiles.
 */
export class SubscriberDirectory {
  private readonly generators = new Map<string, SubscriberGenerator>();

  constructor(
    private readonly config: RoamingConfig,
    private readonly seed: number,
  ) {}

  generator(homePlmn: string): SubscriberGenerator {
    let generator = this.generators.get(homePlmn);
    if (!generator) {
      const network = this.config.networks.find((candidate) => candidate.plmn === homePlmn);
      generator = new SubscriberGenerator(parsePlmn(homePlmn), network, this.seed, this.config.secrets.kiSecret, this.config.secrets.op);
      this.generators.set(homePlmn, generator);
    }
    return generator;
  }

  profileAllowsRoaming(profile: string): boolean {
    return this.config.profiles[profile]?.roaming ?? true;
  }

  /** The subscription data a home network sends for a subscriber of this profile (the defaults for an unknown one). */
  subscription(profile: string, msisdn: string | undefined): SubscriptionData {
    return subscriptionFor(this.config.profiles[profile]?.subscription ?? DEFAULT_SUBSCRIPTION, msisdn);
  }

  requireProfile(profile: string, source: string): void {
    if (!this.config.profiles[profile]) {
      throw new InputError(profile, source, `a subscriber profile from config/roaming.yaml: ${Object.keys(this.config.profiles).join(', ')}`);
    }
  }
}
