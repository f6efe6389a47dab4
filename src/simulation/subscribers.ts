import type { RoamingConfig } from '../config/load';
import { InputError } from '../errors';
import { parsePlmn } from '../protocol/plmn';
import { SubscriberGenerator } from '../subscribers/generator';

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

  requireProfile(profile: string, source: string): void {
    if (!this.config.profiles[profile]) {
      throw new InputError(profile, source, `a subscriber profile from config/roaming.yaml: ${Object.keys(this.config.profiles).join(', ')}`);
    }
  }
}
