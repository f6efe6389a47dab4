'use strict';
/**
 * A Cucumber formatter for the writing loop: for each undefined step it prints the closest defined step texts
 * ("did you mean"). It writes to stderr at the end of the run (so it can sit next to `progress` on stdout) and
 * to its output file when given one. Plain JavaScript: Cucumber loads formatters with import(), before any
 * TypeScript loader. cucumber.js: `format: ['roamsim/cucumber/did-you-mean:reports/.did-you-mean.txt']`.
 */
const { Formatter } = require('@cucumber/cucumber');

/** Step text → comparable words: quoted strings, numbers, PLMNs and RATs become their parameter names. */
function normaliseStep(text) {
  return text
    .replace(/"[^"]*"|'[^']*'/g, ' {string} ')
    .replace(/\b\d+-\d+\b/g, ' {plmn} ')
    .replace(/\b(?:GSM|UMTS|LTE)\b(?:(?:, | and )(?:GSM|UMTS|LTE)\b)*/gi, ' {rat} ')
    .replace(/-?\b\d+\b/g, ' {int} ')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** A step definition's expression → comparable words (alternatives `HLR/HSS` read as their first word). */
function normaliseDefinition(pattern) {
  return pattern
    .replace(/\\\//g, '/')
    .replace(/\{rats\}/g, '{rat}')
    .replace(/(\w+)\/[\w/]+/g, '$1')
    .replace(/\((\w+)\)/g, '$1')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Word-level edit distance, so a missing, extra or changed word costs one. */
function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The up to `limit` defined step texts closest to `text`, nearest first; none when nothing is close. */
function suggestSteps(text, patterns, limit = 3) {
  const words = normaliseStep(text);
  return patterns
    .map((pattern) => ({ pattern, score: distance(words, normaliseDefinition(pattern)) }))
    .filter(({ score }) => score <= Math.max(3, Math.ceil(words.length / 2)))
    .sort((a, b) => a.score - b.score || a.pattern.localeCompare(b.pattern))
    .slice(0, limit)
    .map(({ pattern }) => pattern);
}

class DidYouMeanFormatter extends Formatter {
  constructor(options) {
    super(options);
    this.undefinedSteps = [];
    const steps = new Map();
    const keywords = new Map();
    const collect = (children) => {
      for (const child of children) {
        for (const step of (child.scenario || child.background || { steps: [] }).steps) keywords.set(step.id, step.keyword.trim());
        if (child.rule) collect(child.rule.children);
      }
    };
    options.eventBroadcaster.on('envelope', (envelope) => {
      if (envelope.gherkinDocument && envelope.gherkinDocument.feature) collect(envelope.gherkinDocument.feature.children);
      if (envelope.pickle) {
        for (const step of envelope.pickle.steps) {
          steps.set(step.id, { text: step.text, uri: envelope.pickle.uri, keyword: keywords.get(step.astNodeIds[0]) || '' });
        }
      }
      if (envelope.testCase) {
        for (const testStep of envelope.testCase.testSteps) {
          const step = testStep.pickleStepId ? steps.get(testStep.pickleStepId) : undefined;
          if (step && testStep.stepDefinitionIds && testStep.stepDefinitionIds.length === 0 && !this.undefinedSteps.some((u) => u.text === step.text)) {
            this.undefinedSteps.push(step);
          }
        }
      }
      if (envelope.testRunFinished) this.report();
    });
  }

  report() {
    if (this.undefinedSteps.length === 0) return;
    const patterns = this.supportCodeLibrary.stepDefinitions.map((d) => (typeof d.pattern === 'string' ? d.pattern : d.pattern.source));
    const count = this.undefinedSteps.length;
    const lines = [`\n${count} undefined step${count === 1 ? '' : 's'}:`];
    for (const step of this.undefinedSteps) {
      lines.push(`  ${step.keyword} ${step.text}   (${step.uri})`);
      const suggestions = suggestSteps(step.text, patterns);
      if (suggestions.length === 0) lines.push('    no defined step is close: see the step vocabulary in the README, or write a step definition');
      else lines.push('    did you mean:', ...suggestions.map((pattern) => `      ${step.keyword} ${pattern}`));
    }
    lines.push('  ({plmn} is MCC-MNC like 262-01, {rat} is GSM, UMTS or LTE, {string} goes in double quotes)\n');
    const text = lines.join('\n');
    process.stderr.write(`${text}\n`);
    if (this.stream !== process.stdout) this.log(`${text}\n`);
  }
}
DidYouMeanFormatter.documentation = 'roamsim: for each undefined step, the closest defined step texts';

module.exports = DidYouMeanFormatter;
module.exports.default = DidYouMeanFormatter;
module.exports.suggestSteps = suggestSteps;
