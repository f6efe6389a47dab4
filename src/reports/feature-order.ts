/**
 * The reading order of the features, the one a reviewer follows: themes in product order (registration
 * first, then what can go wrong, then mobility, resilience, billing, telemetry, the worldwide sweep; any other
 * theme after them, by name), within a theme the features in the order its readme.md narrative names them
 * (the rest by file name), within a feature by line. State coverage picks its example scenarios by this order
 * and the living document lists themes and features in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const THEME_ORDER = ['registration', 'refusals', 'mobility', 'resilience', 'billing', 'telemetry', 'worldwide'] as const;

/** The theme folder of a feature file (`features/billing/zones.feature` → `features/billing`). */
export function themeDirOf(uri: string): string {
  const parts = uri.split(/[\\/]/);
  const base = parts.indexOf('features');
  return base >= 0 && parts.length > base + 2 ? parts.slice(0, base + 2).join('/') : parts.slice(0, -1).join('/') || '.';
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class FeatureOrder {
  /** theme folder → the feature file names its readme.md mentions, in order. */
  private readonly mentioned = new Map<string, string[]>();

  constructor(private readonly root: string) {}

  /** A key that sorts as text in reading order: theme, feature within the theme, line. */
  key(uri: string, line: number): string {
    const dir = themeDirOf(uri);
    const theme = path.basename(dir);
    const themeRank = (THEME_ORDER as readonly string[]).indexOf(theme);
    const named = this.featuresNamedBy(dir).indexOf(path.basename(uri));
    return [
      themeRank < 0 ? `9${theme}` : `0${pad(themeRank, 3)}`,
      named < 0 ? `9${path.basename(uri)}` : `0${pad(named, 4)}`,
      pad(line, 7),
    ].join('\u0000');
  }

  private featuresNamedBy(dir: string): string[] {
    let names = this.mentioned.get(dir);
    if (!names) {
      const readme = path.join(this.root, dir, 'readme.md');
      const text = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
      names = [...new Set(text.match(/[\w.-]+\.feature\b/g) ?? [])];
      this.mentioned.set(dir, names);
    }
    return names;
  }
}
