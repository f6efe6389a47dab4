import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { generateLivingDoc } from '../../src/reports/living-doc/generate';

// The living document shows the verdicts of a conformance run kept in reports/conformance/<sut>.json.

const ROOT = path.resolve(__dirname, '..', '..');

/** A run of no scenarios: the conformance section does not depend on the features. */
const MESSAGES = `${[{ testRunStarted: { timestamp: { seconds: 1796600000, nanos: 0 } } }, { testRunFinished: { timestamp: { seconds: 1796600100, nanos: 0 }, success: true } }].map((e) => JSON.stringify(e)).join('\n')}\n`;

const REPORT = {
  sut: 'osmo-hlr',
  version: '1.5',
  generatedAt: '2026-12-07T04:00:00.000Z',
  baseline: 'conformance/osmo-hlr-1.5.yaml',
  summary: { pass: 1, fail: 2, 'not applicable': 1, drift: 1 },
  journeys: [
    { journey: 'Attach abroad over GSM', location: 'features/a.feature:3', status: 'pass', expected: 'pass', drift: false },
    { journey: 'Purge <on detach>', location: 'features/b.feature:9', status: 'fail', message: 'FAILED: expected PurgeMS result, got timeout', expected: 'pass', drift: true },
    { journey: 'Cancel on move', location: 'features/d.feature:7', status: 'fail', message: 'FAILED: no CancelLocation', expected: 'fail', why: 'known gap of 1.5', drift: false },
    { journey: 'Attach over LTE', location: 'features/c.feature:5', status: 'not applicable', reason: 'the SUT speaks GSUP, not S6a', expected: 'not applicable', drift: false },
  ],
  orphans: [],
};

function generate(files: Record<string, string>): string {
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'roamsim-livedoc-conf-'));
  writeFileSync(path.join(reportsDir, 'messages.ndjson'), MESSAGES);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.join(reportsDir, 'conformance'), { recursive: true });
    writeFileSync(path.join(reportsDir, 'conformance', name), body);
  }
  const result = generateLivingDoc({ reportsDir, root: ROOT, pairs: [], seed: '42', mode: 'direct', gitSha: 'abc123' });
  return readFileSync(result.html, 'utf8');
}

const rowOf = (html: string, journey: string): string => {
  const at = html.indexOf(`data-journey="${journey}"`);
  assert.ok(at >= 0, `no row for ${journey}`);
  return html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
};

test('a conformance run kept in reports/conformance is shown as a per-SUT verdict table, drift marked', () => {
  const html = generate({ 'osmo-hlr.json': JSON.stringify(REPORT), 'osmo-hlr.html': '<html></html>' });
  assert.match(html, /<h2 id="conformance">/);
  const section = html.slice(html.indexOf('<section class="conformance-sut" id="conformance-osmo-hlr"'));
  assert.ok(section.length > 0 && html.includes('id="conformance-osmo-hlr"'), 'no section for osmo-hlr');
  assert.match(section, /<td>baseline<\/td><td>conformance\/osmo-hlr-1\.5\.yaml<\/td>/);
  assert.match(section, /1 pass<\/span>, <span class="fail">2 fail<\/span>, 1 not applicable/);
  assert.match(section, /<table class="conformance">/);
  assert.match(section, /href="\.\.\/conformance\/osmo-hlr\.html"/);

  const drifted = rowOf(html, 'Purge &lt;on detach&gt;');
  assert.match(drifted, /class="c-fail drift"/);
  assert.match(drifted, /DRIFT/);
  assert.match(drifted, /expected PurgeMS result, got timeout/);
  const passed = rowOf(html, 'Attach abroad over GSM');
  assert.doesNotMatch(passed, /drift|DRIFT/);
  assert.match(rowOf(html, 'Attach over LTE'), /the SUT speaks GSUP, not S6a/);
  // An expected failure: no drift, the baseline's reason shown.
  const known = rowOf(html, 'Cancel on move');
  assert.doesNotMatch(known, /DRIFT/);
  assert.match(known, /fail: known gap of 1\.5/);
  // Drift first, then failures, passes, not applicable last.
  const at = (j: string) => html.indexOf(`data-journey="${j}`);
  assert.ok(at('Purge') < at('Cancel on move') && at('Cancel on move') < at('Attach abroad') && at('Attach abroad') < at('Attach over LTE'), 'rows are not ordered drift, fail, pass, not applicable');
});

test('no conformance run: no conformance section; a file that is not a report is named, not fatal', () => {
  assert.doesNotMatch(generate({}), /id="conformance"/);
  const html = generate({ 'roamsim.json': '{"hello":1}', 'osmo-hlr.json': JSON.stringify({ ...REPORT, summary: { ...REPORT.summary, drift: 0 }, journeys: [REPORT.journeys[0]] }) });
  assert.match(html, /roamsim\.json: not a conformance report \(no &quot;sut&quot;\)/);
  assert.ok(html.includes('id="conformance-osmo-hlr"'));
  // No page next to the JSON: no link to it.
  assert.doesNotMatch(html, /conformance-page/);
});
