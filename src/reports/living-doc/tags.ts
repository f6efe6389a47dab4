/**
 * The tag taxonomy: every tag family the features use, the scheme its values follow, and where a value links.
 * The step lint lane (scripts/lint-steps.js) checks every tag of every feature file against it, and the living
 * document renders the families as filters. The README's "Tag taxonomy" section documents the same table.
 */
import { readFileSync } from 'node:fs';

export interface TagFamily {
  readonly name: string;
  /** How the tag is written, for people (README and lint messages). */
  readonly scheme: string;
  readonly example: string;
  /** True when the tag belongs to this family (by its prefix or its word). */
  readonly claims: (tag: string) => boolean;
  /** True when the value follows the scheme. */
  readonly valid: (tag: string) => boolean;
  /** Where the reference lives, for tags that cite a document. */
  readonly link?: (tag: string) => { url: string; text: string } | undefined;
}

export const SEVERITIES = ['blocker', 'critical', 'normal', 'minor', 'trivial'] as const;
export const REGIONS = ['europe', 'americas', 'asia-pacific', 'africa', 'middle-east'] as const;

const SPEC = /^@spec:(TS|TR)(\d{2})\.(\d{3})(?:-((?:\d+[A-Z]?|Annex[A-Z])(?:\.\d+[A-Z]?)*))?$/;
const RFC = /^@spec:RFC(\d+)(?:-(\d+(?:\.\d+)*))?$/;
const IREG = /^@ireg:IR\.(\d+)-(\d+(?:\.\d+)*)$/;
const TAP = /^@tap:TD\.(\d+)(?:-(\d+(?:\.\d+)*))?$/;
const REG = /^@reg:EU-(\d{4})-(\d+)$/;

export const TAG_FAMILIES: readonly TagFamily[] = [
  {
    name: 'spec',
    scheme: '@spec:TS<series>.<number>[-<section>] (3GPP; TR for a technical report; a section is dotted numbers or Annex<letter>[.numbers]) or @spec:RFC<number>[-<section>] (IETF)',
    example: '@spec:TS29.272-5.2.1.1',
    claims: (t) => t.startsWith('@spec:'),
    valid: (t) => SPEC.test(t) || RFC.test(t),
    link: (t) => {
      const m = SPEC.exec(t);
      if (m) return { url: `https://www.3gpp.org/DynaReport/${m[2]}${m[3]}.htm`, text: `3GPP ${m[1]} ${m[2]}.${m[3]}${m[4] ? (m[4].startsWith('Annex') ? ` Annex ${m[4].slice(5)}` : ` §${m[4]}`) : ''}` };
      const r = RFC.exec(t);
      return r ? { url: `https://www.rfc-editor.org/rfc/rfc${r[1]}${r[2] ? `#section-${r[2]}` : ''}`, text: `RFC ${r[1]}${r[2] ? ` §${r[2]}` : ''}` } : undefined;
    },
  },
  {
    name: 'ireg',
    scheme: '@ireg:IR.<document>-<section> (GSMA IREG test case; section in dotted numbers)',
    example: '@ireg:IR.24-2.1.3',
    claims: (t) => t.startsWith('@ireg:'),
    valid: (t) => IREG.test(t),
    link: (t) => {
      const m = IREG.exec(t);
      return m ? { url: `https://www.gsma.com/?s=${encodeURIComponent(`IR.${m[1]}`)}`, text: `GSMA IR.${m[1]} §${m[2]}` } : undefined;
    },
  },
  {
    name: 'tap',
    scheme: '@tap:TD.<document>[-<section>] (GSMA TAP/billing document)',
    example: '@tap:TD.57',
    claims: (t) => t.startsWith('@tap:'),
    valid: (t) => TAP.test(t),
    link: (t) => {
      const m = TAP.exec(t);
      return m ? { url: `https://www.gsma.com/?s=${encodeURIComponent(`TD.${m[1]}`)}`, text: `GSMA TD.${m[1]}${m[2] ? ` §${m[2]}` : ''}` } : undefined;
    },
  },
  {
    name: 'reg',
    scheme: '@reg:EU-<year>-<number> (EU regulation)',
    example: '@reg:EU-2022-612',
    claims: (t) => t.startsWith('@reg:'),
    valid: (t) => REG.test(t),
    link: (t) => {
      const m = REG.exec(t);
      return m ? { url: `https://eur-lex.europa.eu/eli/reg/${m[1]}/${m[2]}/oj`, text: `Regulation (EU) ${m[1]}/${m[2]}` } : undefined;
    },
  },
  {
    name: 'region',
    scheme: `@region:<${REGIONS.join('|')}> (where the visited network is)`,
    example: '@region:europe',
    claims: (t) => t.startsWith('@region:'),
    valid: (t) => (REGIONS as readonly string[]).includes(t.slice('@region:'.length)),
  },
  {
    name: 'story',
    scheme: '@story:<words-with-hyphens> (Allure story; else the Rule name)',
    example: '@story:roam-like-at-home',
    claims: (t) => t.startsWith('@story:'),
    valid: (t) => /^@story:[a-z0-9][a-z0-9-]*$/.test(t),
  },
  {
    name: 'severity',
    scheme: `@${SEVERITIES.join(' | @')} (Allure severity; the last one wins)`,
    example: '@critical',
    claims: (t) => (SEVERITIES as readonly string[]).includes(t.slice(1)),
    valid: () => true,
  },
  { name: 'smoke', scheme: '@smoke (the quick subset: cucumber-js --profile smoke)', example: '@smoke', claims: (t) => t === '@smoke', valid: () => true },
  { name: 'flaky', scheme: '@flaky (the only scenarios retried once)', example: '@flaky', claims: (t) => t === '@flaky', valid: () => true },
  {
    name: 'topic',
    scheme: '@<word> (lower-case words with hyphens: the feature\'s subject, e.g. @billing, @dead-letter)',
    example: '@registration',
    claims: (t) => !t.includes(':'),
    valid: (t) => /^@[a-z][a-z0-9-]*$/.test(t),
  },
];

export function familyOf(tag: string): TagFamily | undefined {
  return TAG_FAMILIES.find((f) => f.claims(tag));
}

/** What is wrong with a tag, or undefined when it follows the taxonomy. */
export function tagProblem(tag: string): string | undefined {
  const family = familyOf(tag);
  if (!family) {
    const prefix = tag.includes(':') ? `${tag.slice(0, tag.indexOf(':'))}:` : tag;
    return `tag ${tag}: the family ${prefix} is not in the tag taxonomy; use one of ${TAG_FAMILIES.filter((f) => f.scheme.includes(':')).map((f) => `@${f.name}:`).join(', ')} or document a new family in src/reports/living-doc/tags.ts and the README`;
  }
  if (!family.valid(tag)) return `tag ${tag} does not follow the ${family.name} scheme ${family.scheme}, e.g. ${family.example}`;
  return undefined;
}

export function tagLink(tag: string): { url: string; text: string } | undefined {
  return familyOf(tag)?.link?.(tag);
}

export interface TagFinding {
  readonly file: string;
  readonly line: number;
  readonly tag: string;
  readonly problem: string;
}

/**
 * Checks the tags of feature files. Gherkin tag lines are lines that start with `@` (a `#` starts a comment),
 * so descriptions that mention a tag in prose are not read as tags.
 */
export function checkFeatureTags(files: readonly string[]): TagFinding[] {
  const findings: TagFinding[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((raw, i) => {
      const text = raw.trim();
      if (!text.startsWith('@')) return;
      const tags = text.replace(/\s#.*$/, '').split(/\s+/).filter((t) => t.length > 0);
      for (const tag of tags) {
        const problem = tag.startsWith('@') ? tagProblem(tag) : `"${tag}" on a tag line: every word of a tag line starts with @`;
        if (problem) findings.push({ file, line: i + 1, tag, problem });
      }
    });
  }
  return findings;
}
