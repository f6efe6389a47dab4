import type { AgreementConfig } from '../config/load';
import { RATS, type Rat } from '../protocol/rat';

export interface Agreement {
  readonly home: string;
  readonly visited: string;
  readonly rats: readonly Rat[];
  /** Where it came from: `config` or `scenario`. */
  readonly source: 'config' | 'scenario';
  readonly config?: AgreementConfig;
}

/**
 * Roaming agreements as the home HLR/HSS sees them: the config's, overridden per scenario. A scenario entry
 * for a (home, visited) pair replaces the config's entry for that pair; `none` removes it.
 */
export class AgreementBook {
  private readonly overrides = new Map<string, Agreement | 'none'>();

  constructor(private readonly configured: readonly AgreementConfig[]) {}

  find(home: string, visited: string): Agreement | undefined {
    const override = this.overrides.get(key(home, visited));
    if (override === 'none') return undefined;
    if (override) return override;
    const config = this.configured.find((agreement) => agreement.home === home && agreement.visited === visited);
    return config ? { home, visited, rats: config.rats, source: 'config', config } : undefined;
  }

  set(home: string, visited: string, rats: readonly Rat[] = RATS): void {
    const config = this.configured.find((agreement) => agreement.home === home && agreement.visited === visited);
    this.overrides.set(key(home, visited), { home, visited, rats, source: 'scenario', ...(config ? { config } : {}) });
  }

  remove(home: string, visited: string): void {
    this.overrides.set(key(home, visited), 'none');
  }
}

function key(home: string, visited: string): string {
  return `${home}>${visited}`;
}
