import { defineParameterType } from '@cucumber/cucumber';
import { formatPlmn, parsePlmn } from '../src/protocol/plmn';
import { parseRat, parseRats } from '../src/protocol/rat';

export function installParameters(): void {
  // The patterns are deliberately loose: a malformed value still matches the step and is then refused with a
  // message naming it (`"26201" is not valid: expected MCC-MNC ...`), instead of leaving an "undefined step".
  defineParameterType({
    name: 'plmn',
    regexp: /[^\s,]+/,
    transformer: (text: string) => formatPlmn(parsePlmn(text, `PLMN in the step`)),
  });

  defineParameterType({
    name: 'rat',
    regexp: /[A-Za-z0-9.-]+/,
    transformer: (text: string) => parseRat(text, 'RAT in the step'),
  });

  defineParameterType({
    name: 'rats',
    regexp: /[A-Za-z0-9.-]+(?:(?:, | and )[A-Za-z0-9.-]+)*/,
    transformer: (text: string) => parseRats(text, 'RAT list in the step'),
  });
}
