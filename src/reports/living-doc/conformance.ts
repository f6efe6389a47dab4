/**
 * The conformance verdicts in the living document: when `make conformance SUT=…` (scripts/conformance.ts) left
 * reports/conformance/<sut>.json next to this run, each SUT gets a section with its version, baseline, counts
 * and one row per journey (pass, fail with the reason, not applicable with the reason, expected against actual,
 * drift marked), linking to the SUT's own page. A file that is not a conformance report is named, not fatal:
 * the rest of the document is still worth reading.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { escapeHtml } from './evidence-views';

type Status = 'pass' | 'fail' | 'not applicable';

export interface ConformanceJourney {
  readonly journey: string;
  readonly location: string;
  readonly status: Status;
  readonly reason?: string;
  readonly message?: string;
  readonly capture?: string;
  readonly expected: Status;
  readonly why?: string;
  readonly drift: boolean;
}

export interface ConformanceReport {
  readonly sut: string;
  readonly version: string;
  readonly generatedAt: string;
  readonly baseline: string;
  readonly summary: { readonly pass: number; readonly fail: number; readonly 'not applicable': number; readonly drift: number };
  readonly journeys: readonly ConformanceJourney[];
  readonly orphans: ReadonlyArray<{ readonly journey: string; readonly why?: string }>;
}

/** One SUT's verdicts as the document shows them, with the link to its page relative to living-doc/. */
export interface ConformanceSection {
  readonly report: ConformanceReport;
  readonly href?: string;
}

export interface ConformanceRead {
  readonly sections: readonly ConformanceSection[];
  /** Files under reports/conformance/ that are not conformance reports, with why. */
  readonly problems: readonly string[];
}

const STATUSES: readonly string[] = ['pass', 'fail', 'not applicable'];

function problemOf(parsed: unknown): string | undefined {
  const r = parsed as Partial<ConformanceReport> | null;
  if (!r || typeof r !== 'object') return 'not an object';
  if (typeof r.sut !== 'string' || r.sut === '') return 'no "sut"';
  if (!r.summary || typeof r.summary !== 'object') return 'no "summary"';
  if (!Array.isArray(r.journeys)) return 'no "journeys" list';
  const bad = r.journeys.find((j) => !j || typeof j.journey !== 'string' || !STATUSES.includes(j.status) || !STATUSES.includes(j.expected));
  if (bad) return `journey ${JSON.stringify((bad as { journey?: unknown } | null)?.journey)} has no journey name or a status/expected other than pass, fail, not applicable`;
  return undefined;
}

/** Every <sut>.json under <reports>/conformance, sorted by SUT; none when no conformance run was made. */
export function readConformance(reportsDir: string): ConformanceRead {
  const dir = path.join(reportsDir, 'conformance');
  if (!existsSync(dir)) return { sections: [], problems: [] };
  const sections: ConformanceSection[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: not JSON (${(error as Error).message}); run make conformance SUT=${name.replace(/\.json$/, '')} again`);
      continue;
    }
    const problem = problemOf(parsed);
    if (problem) {
      problems.push(`${file}: not a conformance report (${problem}); it is written by make conformance SUT=osmo-hlr or SUT=roamsim`);
      continue;
    }
    const report = parsed as ConformanceReport;
    const page = path.join(dir, name.replace(/\.json$/, '.html'));
    sections.push({ report: { ...report, orphans: Array.isArray(report.orphans) ? report.orphans : [] }, ...(existsSync(page) ? { href: `../conformance/${encodeURIComponent(path.basename(page))}` } : {}) });
  }
  return { sections, problems };
}

const statusClass = (s: Status) => s.replace(' ', '-');

function renderSection(section: ConformanceSection): string {
  const r = section.report;
  const id = `conformance-${r.sut.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  const n = (k: keyof ConformanceReport['summary']) => (typeof r.summary[k] === 'number' ? r.summary[k] : 0);
  // What a reviewer looks for first: drift, then failures, passes, and the journeys that do not apply last.
  const rank = (j: ConformanceJourney) => (j.drift ? 0 : j.status === 'fail' ? 1 : j.status === 'pass' ? 2 : 3);
  const rows = [...r.journeys].sort((a, b) => rank(a) - rank(b)).map((j) => {
    const detail = j.status === 'not applicable' ? j.reason : j.status === 'fail' ? j.message : undefined;
    const expected = `${j.expected}${j.why ? `: ${j.why}` : ''}`;
    return `<tr class="c-${statusClass(j.status)}${j.drift ? ' drift' : ''}" data-journey="${escapeHtml(j.journey)}"><td>${escapeHtml(j.journey)}<div class="note">${escapeHtml(j.location ?? '')}</div></td><td class="verdict">${escapeHtml(j.status)}</td><td>${escapeHtml(expected)}</td><td>${j.drift ? '<b class="drift-mark">DRIFT</b>' : ''}</td><td>${escapeHtml(detail ?? '')}</td></tr>`;
  });
  const orphans = r.orphans.map((o) => `<li class="drift">the baseline names <b>${escapeHtml(o.journey)}</b>, which is no scenario (drift)</li>`).join('');
  return `<section class="conformance-sut" id="${escapeHtml(id)}" data-sut="${escapeHtml(r.sut)}">
<h3>${escapeHtml(r.sut)} ${escapeHtml(String(r.version ?? ''))}</h3>
<table class="facts"><tbody><tr><td>version</td><td>${escapeHtml(String(r.version ?? ''))}</td></tr><tr><td>baseline</td><td>${escapeHtml(String(r.baseline ?? ''))}</td></tr><tr><td>run</td><td>${escapeHtml(String(r.generatedAt ?? ''))}</td></tr>
<tr><td>verdicts</td><td><span class="pass">${n('pass')} pass</span>, <span class="${n('fail') > 0 ? 'fail' : ''}">${n('fail')} fail</span>, ${n('not applicable')} not applicable</td></tr>
<tr><td>drift from the baseline</td><td class="${n('drift') > 0 ? 'fail' : 'pass'}">${n('drift') > 0 ? `${n('drift')} (the SUT no longer behaves as the baseline records)` : 'none'}</td></tr></tbody></table>
${section.href ? `<p><a class="conformance-page" href="${escapeHtml(section.href)}">The ${escapeHtml(r.sut)} conformance page</a> (captures per journey).</p>` : ''}
${orphans ? `<ul>${orphans}</ul>` : ''}
<table class="conformance"><caption>${escapeHtml(r.sut)}: one row per journey</caption><thead><tr><th>journey</th><th>verdict</th><th>expected (baseline)</th><th>drift</th><th>reason</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

/** The conformance section of the living document; undefined when no conformance run was kept. */
export function renderConformance(read: ConformanceRead | undefined): string | undefined {
  if (!read || (read.sections.length === 0 && read.problems.length === 0)) return undefined;
  return [
    '<p class="note">A conformance run (make conformance SUT=…) plays the journeys against a system under test in wire mode and compares each verdict with the recorded baseline. Drift is a journey whose verdict differs from the baseline, either way.</p>',
    ...read.problems.map((p) => `<p class="warn">${escapeHtml(p)}</p>`),
    ...read.sections.map(renderSection),
  ].join('\n');
}
