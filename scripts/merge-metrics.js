#!/usr/bin/env node
'use strict';
// Merges the per-worker snapshots of a `--parallel` feature run (metrics-<worker id>.prom, written by
// support/telemetry-hook.ts) into metrics.prom: counters, histogram buckets/_sum/_count and gauges are
// summed series by series (a gauge such as roamsim_registered_subscribers is a per-worker count, so the
// run's value is the sum). Worker files are removed once merged. Without worker files nothing changes: a
// run without --parallel wrote metrics.prom itself.
//
//   node scripts/merge-metrics.js [--dir DIR]     DIR defaults to $ROAMSIM_REPORTS_DIR, else reports
//
// Exit codes: 0 merged or nothing to merge, 1 a snapshot could not be read or parsed, 2 usage error.
const { existsSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const WORKER_FILE = /^metrics-(\d+)\.prom$/;

class ParseError extends Error {}

/** Splits `a="x",b="y\"z"` into [[name, rawValue]] (values still escaped, as written). */
function parseLabels(body, where) {
  const pairs = [];
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0 || body[eq + 1] !== '"') throw new ParseError(`${where}: malformed labels {${body}}`);
    const name = body.slice(i, eq).trim();
    let j = eq + 2;
    while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
    if (j >= body.length) throw new ParseError(`${where}: unterminated label value in {${body}}`);
    pairs.push([name, body.slice(eq + 2, j)]);
    i = j + 1;
    if (body[i] === ',') i++;
  }
  return pairs;
}

/** `name{labels} value [timestamp]` → { name, labels (raw text), key, value }. */
function parseSample(line, where) {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  let name;
  let labelText = '';
  let rest;
  if (brace >= 0 && (space < 0 || brace < space)) {
    name = line.slice(0, brace);
    let j = brace + 1;
    let quoted = false;
    for (; j < line.length; j++) {
      if (quoted && line[j] === '\\') j++;
      else if (line[j] === '"') quoted = !quoted;
      else if (!quoted && line[j] === '}') break;
    }
    if (j >= line.length) throw new ParseError(`${where}: no closing brace`);
    labelText = line.slice(brace + 1, j);
    rest = line.slice(j + 1).trim();
  } else {
    if (space < 0) throw new ParseError(`${where}: sample without a value`);
    name = line.slice(0, space);
    rest = line.slice(space + 1).trim();
  }
  const valueText = rest.split(/\s+/)[0];
  const value = parseValue(valueText, where);
  const pairs = parseLabels(labelText, where);
  const key = `${name}{${pairs
    .map(([label, raw]) => `${label}="${raw}"`)
    .sort()
    .join(',')}}`;
  return { name, labelText, key, value };
}

function parseValue(text, where) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new ParseError(`${where}: ${JSON.stringify(text)} is not a sample value`);
  return value;
}

function formatValue(value) {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  // Float sums of histogram _sum series: drop the last-digit noise of binary addition.
  return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
}

/** Adds one exposition text into `families` (Map name → { help, type, series: Map key → sample }). */
function addSnapshot(families, text, file) {
  let family;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const where = `${file}:${index + 1}`;
    if (line === '') return;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      family = families.get(name);
      if (!family) {
        family = { name, help: undefined, type: undefined, series: new Map() };
        families.set(name, family);
      }
      if (kind === 'HELP') family.help ??= rest;
      else family.type ??= rest;
      return;
    }
    if (line.startsWith('#')) return;
    const sample = parseSample(line, where);
    // A sample belongs to the family declared above it (name, or name_bucket/_sum/_count of a histogram).
    const owner = family && (sample.name === family.name || sample.name.startsWith(`${family.name}_`)) ? family : undefined;
    const target = owner ?? families.get(sample.name) ?? { name: sample.name, help: undefined, type: undefined, series: new Map() };
    families.set(target.name, target);
    const known = target.series.get(sample.key);
    if (known) known.value += sample.value;
    else target.series.set(sample.key, { name: sample.name, labelText: sample.labelText, value: sample.value });
  });
}

function render(families) {
  const blocks = [];
  for (const family of families.values()) {
    const lines = [];
    if (family.help !== undefined) lines.push(`# HELP ${family.name} ${family.help}`);
    if (family.type !== undefined) lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.series.values()) {
      lines.push(`${sample.name}${sample.labelText ? `{${sample.labelText}}` : ''} ${formatValue(sample.value)}`);
    }
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** Merges texts of Prometheus exposition format; exported for tests. */
function mergeTexts(texts) {
  const families = new Map();
  for (const { text, file } of texts) addSnapshot(families, text, file);
  return render(families);
}

function main(argv) {
  let dir = process.env.ROAMSIM_REPORTS_DIR || 'reports';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir' && argv[i + 1] !== undefined) dir = argv[++i];
    else if (argv[i].startsWith('--dir=')) dir = argv[i].slice('--dir='.length);
    else {
      console.error(`merge-metrics: unknown argument ${JSON.stringify(argv[i])}\nusage: node scripts/merge-metrics.js [--dir DIR]`);
      return 2;
    }
  }
  if (!existsSync(dir)) return 0;
  const out = path.join(dir, 'metrics.prom');
  // A metrics.prom newer than a worker file came from a later run without --parallel: leave it alone.
  const outTime = existsSync(out) ? statSync(out).mtimeMs : -Infinity;
  const workers = readdirSync(dir)
    .filter((name) => WORKER_FILE.test(name))
    .sort((a, b) => Number(WORKER_FILE.exec(a)[1]) - Number(WORKER_FILE.exec(b)[1]))
    .map((name) => path.join(dir, name));
  const fresh = workers.filter((file) => statSync(file).mtimeMs >= outTime);
  for (const file of workers.filter((candidate) => !fresh.includes(candidate))) {
    console.error(`merge-metrics: ignoring ${file}: older than ${out}`);
  }
  if (fresh.length === 0) return 0;
  let merged;
  try {
    merged = mergeTexts(fresh.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
  } catch (error) {
    console.error(`merge-metrics: ${error instanceof ParseError ? error.message : String(error)}`);
    return 1;
  }
  writeFileSync(`${out}.partial`, merged);
  renameSync(`${out}.partial`, out);
  for (const file of fresh) unlinkSync(file);
  console.log(`merge-metrics: ${fresh.length} worker snapshot${fresh.length === 1 ? '' : 's'} merged into ${out}`);
  return 0;
}

module.exports = { mergeTexts };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
