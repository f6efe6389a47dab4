/**
 * The living document as one self-contained HTML page: inline CSS, inline SVG, a few lines of inline script
 * for the filters (the page reads fully without it), no request to any server. Print shows everything.
 */
import { type ConformanceRead, renderConformance } from './conformance';
import { escapeHtml } from './evidence-views';
import type { RunChanges } from './history';
import type { Gap, Matrix } from './matrix';
import { type RunFeature, type RunScenario, type ScenarioVerdict, isFailing, verdictOf } from './run';
import { TAG_FAMILIES, familyOf, tagLink } from './tags';

export interface ScenarioAssets {
  readonly ladderSvg?: string;
  readonly billingHtml?: string;
  readonly metricsHtml?: string;
  readonly captures: ReadonlyArray<{ readonly href: string; readonly name: string }>;
  readonly transitions?: string;
}

export interface Theme {
  readonly id: string;
  readonly title: string;
  readonly dir: string;
  readonly narrativeHtml?: string;
  readonly features: ReadonlyArray<RunFeature & { readonly descriptionHtml: string }>;
}

export interface RunFacts {
  readonly generatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly gitSha: string;
  readonly seed: string;
  readonly mode: string;
  readonly cucumber?: string;
  readonly runtime?: string;
  readonly wallMs?: number;
  readonly scenarioMs: number;
  readonly features: number;
  readonly scenarios: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly steps: number;
}

export interface StateCoverageLink {
  readonly href: string;
  readonly transitions: { readonly covered: number; readonly total: number; readonly percent: number };
  readonly states: { readonly covered: number; readonly total: number };
}

export interface LivingDocView {
  readonly facts: RunFacts;
  readonly matrices: readonly Matrix[];
  readonly gaps: readonly Gap[];
  readonly themes: readonly Theme[];
  readonly assets: ReadonlyMap<string, ScenarioAssets>;
  readonly changes?: RunChanges;
  readonly stateCoverage?: StateCoverageLink;
  readonly scenarioNames: ReadonlyMap<string, { id: string; name: string }>;
  /** The verdicts of the conformance runs kept in reports/conformance/, when there are any. */
  readonly conformance?: ConformanceRead;
}

const CSS = `
:root{--ok:#2e7d32;--bad:#c62828;--muted:#666;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;line-height:1.45}
header,main{max-width:1200px;margin:0 auto;padding:0 20px}header{padding-top:16px}
h1{font-size:26px;margin:8px 0}h2{font-size:21px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}h3{font-size:17px}h4{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}th{background:var(--soft)}
caption{text-align:left;font-weight:600;padding:4px 0;font-size:13px}
.facts td:first-child{color:var(--muted)}.num{text-align:right}
.matrix td.cell{text-align:center;min-width:70px}.matrix td.gap{background:#fff4e5;color:#b26a00;font-weight:600}.matrix td.na{background:#f0f0f0;color:#aaa}
.conformance tr.c-pass td.verdict{color:var(--ok)}.conformance tr.c-fail td.verdict{color:var(--bad);font-weight:600}.conformance tr.c-not-applicable{color:var(--muted)}
.conformance tr.drift td{background:#fdecea}.drift-mark{color:var(--bad)}
.matrix td.hit{background:#e8f5e9}.matrix td.hitfail{background:#fdecea}.matrix th.group{background:#eaeef2;text-align:left}
.pass{color:var(--ok)}.fail{color:var(--bad);font-weight:600}.note{color:var(--muted);font-size:13px}.warn{color:var(--bad)}
.cell details{display:inline-block;text-align:left}.cell summary{cursor:pointer}.cell ul{margin:4px 0;padding-left:16px;font-size:12px}
.narrative{background:#fbfcfd;border-left:4px solid #1f4e79;padding:4px 16px;margin:12px 0}
.feature{border:1px solid var(--line);border-radius:6px;padding:6px 14px;margin:14px 0}
.scenario{border-top:1px solid var(--line);padding:8px 0}.scenario h5{font-size:15px;margin:4px 0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-right:4px}.badge.passed{background:#e8f5e9;color:var(--ok)}.badge.failed{background:#fdecea;color:var(--bad)}.badge.skipped{background:#eceff1;color:#546e7a}
.tag{display:inline-block;font-size:11px;background:#eef3f8;border-radius:3px;padding:0 5px;margin:1px 2px;color:#1f4e79;text-decoration:none}
ol.steps{margin:4px 0;padding-left:22px;font-size:14px}ol.steps li.failed{color:var(--bad)}ol.steps .kw{font-weight:600}pre.err{white-space:pre-wrap;background:#fdecea;padding:6px;font-size:12px}
.ladder{overflow-x:auto;border:1px solid var(--line);padding:4px;margin:6px 0;background:#fff}
.filters{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:6px 0;z-index:2;font-size:13px}.filters select{margin-right:10px;max-width:160px}.matrix thead th{white-space:nowrap}
nav.toc ul{columns:2;font-size:14px}.hidden{display:none}
@media print{.filters,.noprint{display:none}.feature,.scenario{break-inside:avoid-page}a{color:inherit}.ladder{overflow:visible}body{font-size:12px}}
`;

/** Runs in the page: the filters hide scenarios that do not match; print opens every collapsed section. */
const SCRIPT = `
(function(){
  var selects=[].slice.call(document.querySelectorAll('.filters select'));
  function apply(){
    var want=selects.map(function(s){return [s.dataset.family,s.value]}).filter(function(p){return p[1]});
    [].slice.call(document.querySelectorAll('.scenario')).forEach(function(el){
      var tags=(el.dataset.tags||'').split(' ');var ok=want.every(function(p){return p[0]==='status'?el.dataset.status===p[1]:tags.indexOf(p[1])>=0});
      el.classList.toggle('hidden',!ok);
    });
    [].slice.call(document.querySelectorAll('.feature')).forEach(function(f){f.classList.toggle('hidden',!f.querySelector('.scenario:not(.hidden)'))});
    var shown=document.querySelectorAll('.scenario:not(.hidden)').length;document.getElementById('filter-count').textContent=shown+' scenarios shown';
  }
  selects.forEach(function(s){s.addEventListener('change',apply)});
  window.addEventListener('beforeprint',function(){[].slice.call(document.querySelectorAll('details')).forEach(function(d){d.open=true})});
})();
`;

const statusBadge = (verdict: ScenarioVerdict, status: string) => `<span class="badge ${verdict}">${escapeHtml(status)}</span>`;

function renderTag(tag: string): string {
  const link = tagLink(tag);
  return link
    ? `<a class="tag" href="${escapeHtml(link.url)}" title="${escapeHtml(link.text)}">${escapeHtml(tag)}</a>`
    : `<span class="tag">${escapeHtml(tag)}</span>`;
}

function renderMatrix(matrix: Matrix): string {
  const head = `<tr><th>procedure / outcome</th>${matrix.columns.map((c) => `<th${c.title ? ` title="${escapeHtml(c.title)}"` : ''}>${escapeHtml(c.label)}</th>`).join('')}</tr>`;
  const body: string[] = [];
  let group = '';
  for (const row of matrix.rows) {
    if (row.group !== group) {
      group = row.group;
      body.push(`<tr><th class="group" colspan="${matrix.columns.length + 1}">${escapeHtml(group)}</th></tr>`);
    }
    const cells = matrix.columns.map((c) => {
      const cell = matrix.cells[row.key][c.key];
      if (!cell.applicable) return '<td class="cell na" title="does not apply">n/a</td>';
      if (cell.scenarios.length === 0) return `<td class="cell gap" data-gap="${escapeHtml(`${row.key}|${c.key}`)}">not covered</td>`;
      const failing = cell.scenarios.filter((s) => s.failing).length;
      const passing = cell.scenarios.length - failing;
      const text = `${passing > 0 ? `<span class="pass">${passing} ✓</span>` : ''}${failing > 0 ? ` <span class="fail">${failing} ✗</span>` : ''}`.trim();
      const list = cell.scenarios.map((s) => `<li><a href="#s-${escapeHtml(s.id)}"${s.failing ? ' class="fail"' : ''}>${escapeHtml(s.name)}</a></li>`).join('');
      return `<td class="cell ${failing > 0 ? 'hitfail' : 'hit'}"><details><summary>${text}</summary><ul>${list}</ul></details></td>`;
    });
    body.push(`<tr><th scope="row">${escapeHtml(row.label)}</th>${cells.join('')}</tr>`);
  }
  return `<table class="matrix" id="${escapeHtml(matrix.id)}"><caption>${escapeHtml(matrix.title)}</caption><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>`;
}

function renderGaps(view: LivingDocView): string {
  if (view.gaps.length === 0) return '<p id="not-covered-none">Every applicable cell of both matrices was reached by at least one scenario.</p>';
  const byMatrix = new Map<string, Map<string, Gap[]>>();
  for (const gap of view.gaps) {
    const rows = byMatrix.get(gap.matrix) ?? new Map<string, Gap[]>();
    rows.set(gap.row.key, [...(rows.get(gap.row.key) ?? []), gap]);
    byMatrix.set(gap.matrix, rows);
  }
  const parts: string[] = [];
  for (const matrix of view.matrices) {
    const rows = byMatrix.get(matrix.id);
    if (!rows) continue;
    parts.push(`<h3>${escapeHtml(matrix.title)}</h3><ul class="gaps" data-matrix="${escapeHtml(matrix.id)}">`);
    for (const gaps of rows.values()) {
      parts.push(
        `<li data-row="${escapeHtml(gaps[0].row.key)}"><b>${escapeHtml(gaps[0].row.label)}</b>: no scenario shows it for ${gaps
          .map((g) => `<span class="gap-cell" data-cell="${escapeHtml(`${g.matrix}|${g.row.key}|${g.column.key}`)}">${escapeHtml(g.column.label)}</span>`)
          .join(', ')}</li>`,
      );
    }
    parts.push('</ul>');
  }
  return parts.join('\n');
}

function renderChanges(view: LivingDocView): string {
  const c = view.changes;
  if (!c) return '<p class="note">No previous run was kept (reports/living-doc/summary.json of the run before): nothing to compare with.</p>';
  const cellText = (id: string) => {
    const [matrixId, rowKey, column] = id.split('|');
    const matrix = view.matrices.find((m) => m.id === matrixId);
    const row = matrix?.rows.find((r) => r.key === rowKey);
    const col = matrix?.columns.find((k) => k.key === column);
    return `${row?.label ?? rowKey} × ${col?.label ?? column}`;
  };
  const scenarioText = (key: string) => {
    const s = view.scenarioNames.get(key);
    return s ? `<a href="#s-${escapeHtml(s.id)}">${escapeHtml(key)}</a>` : escapeHtml(key);
  };
  const list = (title: string, id: string, items: readonly string[], text: (x: string) => string) =>
    `<h4>${escapeHtml(title)} (${items.length})</h4>${items.length === 0 ? '<p class="note">none</p>' : `<ul id="${id}">${items.map((x) => `<li>${text(x)}</li>`).join('')}</ul>`}`;
  return [
    `<p>Compared with the run of ${escapeHtml(c.previous.generatedAt)} (git ${escapeHtml(c.previous.gitSha)}).</p>`,
    list('Newly covered cells', 'newly-covered', c.newlyCovered, (x) => escapeHtml(cellText(x))),
    list('Newly failing scenarios', 'newly-failing', c.newlyFailing, scenarioText),
    list('Cells no longer covered', 'no-longer-covered', c.noLongerCovered, (x) => escapeHtml(cellText(x))),
    list('Scenarios fixed', 'fixed', c.fixed, scenarioText),
    list('Scenarios added', 'added', c.added, scenarioText),
    list('Scenarios removed', 'removed', c.removed, (x) => escapeHtml(x)),
  ].join('\n');
}

function renderScenario(s: RunScenario, assets: ScenarioAssets | undefined): string {
  const verdict = verdictOf(s.status);
  const refs = s.tags.filter((t) => tagLink(t));
  const steps = s.steps
    .map(
      (step) =>
        `<li class="${escapeHtml(step.status)}"><span class="kw">${escapeHtml(step.keyword)}</span> ${escapeHtml(step.text)}${step.status !== 'passed' ? ` <span class="note">(${escapeHtml(step.status)})</span>` : ''}${step.message ? `<pre class="err">${escapeHtml(step.message)}</pre>` : ''}</li>`,
    )
    .join('');
  const parts = [
    `<section class="scenario" id="s-${escapeHtml(s.id)}" data-status="${verdict}" data-tags="${escapeHtml(s.tags.join(' '))}">`,
    `<h5>${statusBadge(verdict, s.status)}${escapeHtml(s.name)}</h5>`,
    `<div>${s.tags.map(renderTag).join('')}</div>`,
    `<ol class="steps">${steps}</ol>`,
    `<p class="note">${escapeHtml(s.uri)}:${s.line}${s.rule ? ` · Rule: ${escapeHtml(s.rule)}` : ''} · ${s.durationMs} ms${s.attempts > 1 ? ` · ${s.attempts} attempts (the last one counts)` : ''}</p>`,
  ];
  if (refs.length > 0) parts.push(`<p class="note">References: ${refs.map((t) => { const l = tagLink(t) as { url: string; text: string }; return `<a href="${escapeHtml(l.url)}">${escapeHtml(l.text)}</a>`; }).join(' · ')}</p>`);
  if (assets?.ladderSvg) parts.push(`<h4>Signalling ladder</h4><div class="ladder">${assets.ladderSvg}</div>`);
  if (assets?.billingHtml) parts.push(`<h4>Billing</h4>${assets.billingHtml}`);
  if (assets?.metricsHtml) parts.push(`<details class="metrics-block"><summary>Metric deltas</summary>${assets.metricsHtml}</details>`);
  if (assets?.transitions) parts.push(`<details><summary>State-machine transitions</summary><pre>${escapeHtml(assets.transitions)}</pre></details>`);
  if (assets && assets.captures.length > 0) {
    parts.push(`<p>Capture: ${assets.captures.map((c) => `<a class="capture" href="${escapeHtml(c.href)}" download>${escapeHtml(c.name)}</a>`).join(', ')} <span class="note">(pcap, opens in Wireshark; identities pseudonymised unless the run turned scrubbing off)</span></p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function renderFilters(view: LivingDocView): string {
  const all = view.themes.flatMap((t) => t.features.flatMap((f) => f.scenarios.flatMap((s) => s.tags)));
  const byFamily = new Map<string, Set<string>>();
  for (const tag of all) {
    const family = familyOf(tag)?.name ?? 'other';
    byFamily.set(family, (byFamily.get(family) ?? new Set()).add(tag));
  }
  const families = [...TAG_FAMILIES.map((f) => f.name), 'other'].filter((f) => byFamily.has(f));
  const select = (family: string, values: string[]) =>
    `<label>${escapeHtml(family)} <select data-family="${escapeHtml(family)}"><option value="">all</option>${values.map((v) => `<option>${escapeHtml(v)}</option>`).join('')}</select></label>`;
  return `<div class="filters noprint" id="filters">Filter: ${select('status', ['passed', 'failed', 'skipped'])}${families
    .map((f) => select(f, [...(byFamily.get(f) as Set<string>)].sort()))
    .join('')} <span id="filter-count" class="note"></span></div>`;
}

export function renderLivingDoc(view: LivingDocView): string {
  const f = view.facts;
  const fact = (k: string, v: string | number | undefined) => (v === undefined || v === '' ? '' : `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(String(v))}</td></tr>`);
  const facts = `<table class="facts" id="run-facts"><tbody>
${fact('run started', f.startedAt)}${fact('run finished', f.finishedAt)}${fact('document written', f.generatedAt)}
${fact('git sha', f.gitSha)}${fact('seed (ROAMSIM_SEED)', f.seed)}${fact('transport mode', f.mode)}
${fact('run duration', f.wallMs === undefined ? undefined : `${(f.wallMs / 1000).toFixed(1)} s wall`)}${fact('scenario time', `${(f.scenarioMs / 1000).toFixed(1)} s summed over scenarios`)}
${fact('features', f.features)}${fact('scenarios', `${f.scenarios}: ${f.passed} passed, ${f.failed} failed${f.skipped > 0 ? `, ${f.skipped} skipped` : ''}`)}${fact('steps', f.steps)}
${fact('tools', [f.cucumber, f.runtime].filter(Boolean).join(', '))}
</tbody></table>`;
  const sc = view.stateCoverage;
  const stateCoverage = sc
    ? `<p id="state-coverage-link">State machine: <b>${sc.transitions.covered}/${sc.transitions.total}</b> transitions exercised (${sc.transitions.percent}%), ${sc.states.covered}/${sc.states.total} states reached. <a href="${escapeHtml(sc.href)}">The state-coverage page</a> draws the machine.</p>`
    : '<p class="note">No state-coverage report was found next to this document.</p>';
  const conformance = renderConformance(view.conformance);
  const toc = view.themes.map((t) => `<li><a href="#${escapeHtml(t.id)}">${escapeHtml(t.title)}</a> (${t.features.reduce((n, x) => n + x.scenarios.length, 0)} scenarios)</li>`).join('');
  const themes = view.themes
    .map((t) => {
      const features = t.features
        .map((feature) => {
          const failing = feature.scenarios.filter((s) => isFailing(s.status)).length;
          const skipped = feature.scenarios.filter((s) => verdictOf(s.status) === 'skipped').length;
          return `<article class="feature" data-uri="${escapeHtml(feature.uri)}"><h3>${escapeHtml(feature.name)}</h3><p class="note">${escapeHtml(feature.uri)} · ${feature.scenarios.length} scenarios${failing > 0 ? ` · <span class="fail">${failing} failing</span>` : ''}${skipped > 0 ? ` · ${skipped} skipped` : ''} ${feature.tags.map(renderTag).join('')}</p>
<div class="description">${feature.descriptionHtml}</div>
${feature.scenarios.map((s) => renderScenario(s, view.assets.get(s.id))).join('\n')}</article>`;
        })
        .join('\n');
      return `<section class="theme" id="${escapeHtml(t.id)}"><h2>${escapeHtml(t.title)}</h2>${t.narrativeHtml ? `<div class="narrative">${t.narrativeHtml}</div>` : '<p class="note">This theme has no readme.md narrative.</p>'}${features}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>roamsim living documentation</title>
<style>${CSS}</style></head><body>
<header><h1>What the network was shown to do</h1>
<p>The living documentation of this run: which roaming behaviours the scenarios exercised, against which networks and radio technologies, with the evidence of each. Every number below is computed from what the scenarios did (their signalling, journey outcomes and billing), not from their tags.</p></header>
<main>
<h2 id="run">Run</h2>
${facts}
${stateCoverage}
${conformance ? `<h2 id="conformance">Conformance verdicts per system under test</h2>\n${conformance}` : ''}
<nav class="toc"><h2>Themes</h2><ul>${toc}</ul><p><a href="#coverage">Coverage matrix</a> · <a href="#not-covered">Not covered</a> · <a href="#changes">Changes since the last run</a>${conformance ? ' · <a href="#conformance">Conformance verdicts</a>' : ''}</p></nav>
<h2 id="coverage">Coverage matrix</h2>
<p class="note">A cell counts the scenarios that showed the outcome (✓ passing, ✗ failing); open it for the list. "not covered" is a gap: the outcome applies there and no scenario shows it. n/a: the outcome cannot happen there (a MAP cause over LTE).</p>
${view.matrices.map(renderMatrix).join('\n')}
<h2 id="not-covered">Not covered</h2>
${renderGaps(view)}
<h2 id="changes">Changes since the last run</h2>
${renderChanges(view)}
${renderFilters(view)}
${themes}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
