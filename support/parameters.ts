import { defineParameterType } from '@cucumber/cucumber';
import { formatPlmn, parsePlmn } from '../src/protocol/plmn';
import { parseRat, parseRats } from '../src/protocol/rat';

/**
 * Each pattern matches only its own shape — `{plmn}` digits-dash-digits, `{rat}` a RAT word, case-insensitive —
 * so a mistyped step is one undefined step (with a "did you mean") instead of matching every word as a PLMN.
 * Within the shape the transformer still validates and names the value (`"2620-01" is not valid: expected
 * MCC-MNC ...`, `"lte" ...` is accepted as LTE).
 */
export const PLMN_PATTERN = /\d+-\d+/;
export const RAT_PATTERN = /[Gg][Ss][Mm]|[Uu][Mm][Tt][Ss]|[Ll][Tt][Ee]/;
const RAT = RAT_PATTERN.source;
export const RATS_PATTERN = new RegExp(`(?:${RAT})(?:(?:, | and )(?:${RAT}))*`);

export function installParameters(): void {
  defineParameterType({
    name: 'plmn',
    regexp: PLMN_PATTERN,
    transformer: (text: string) => formatPlmn(parsePlmn(text, `PLMN in the step`)),
  });

  defineParameterType({
    name: 'rat',
    regexp: RAT_PATTERN,
    transformer: (text: string) => parseRat(text, 'RAT in the step'),
  });

  defineParameterType({
    name: 'rats',
    regexp: RATS_PATTERN,
    transformer: (text: string) => parseRats(text, 'RAT list in the step'),
  });
}
