import { type BrowserContext, type Page, chromium, expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// A real browser (Debian's chromium) opens the living document straight from disk, with every request that is
// not a file: URL aborted: the page must need no server and no network. Screenshot: reports/screenshots/living-doc.png.

const ROOT = path.resolve(__dirname, '..', '..');
const REPORTS = path.resolve(ROOT, process.env.ROAMSIM_REPORTS_DIR?.trim() || 'reports');
const INDEX = path.join(REPORTS, 'living-doc', 'index.html');
const SCREENSHOTS = path.join(REPORTS, 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let context: BrowserContext | undefined;
let page: Page;
let userDataDir = '';
const blocked: string[] = [];

test.beforeAll(async () => {
  test.skip(!existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian: apt-get install -y chromium; make test runs scripts/setup-system.sh)`);
  test.skip(!existsSync(INDEX), `no living document at ${INDEX}: run make simulate or make ci-simulate first`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  userDataDir = mkdtempSync(path.join(tmpdir(), 'roamsim-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1300, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(pathToFileURL(INDEX).href);
});

test.afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('the living document opens from disk and asks the network for nothing', async () => {
  await expect(page.getByRole('heading', { name: 'What the network was shown to do' })).toBeVisible();
  await expect(page.locator('#run-facts')).toContainText('seed');
  expect(blocked).toEqual([]);
});

test('the coverage matrix counts scenarios by RAT and shows its gaps', async () => {
  const matrix = page.locator('table#matrix-rat');
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('thead th')).toHaveText(['procedure / outcome', 'GSM', 'UMTS', 'LTE']);
  await expect(matrix.locator('tr', { hasText: 'Registration abroad accepted' }).locator('td.hit').first()).toContainText('✓');
  await expect(page.locator('table#matrix-pairs')).toBeVisible();
  // The not-covered list holds exactly the gap cells of the matrices.
  const gapCells = await page.locator('td.gap').count();
  expect(await page.locator('ul.gaps .gap-cell').count()).toBe(gapCells);
  await matrix.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'living-doc.png'), fullPage: false });
});

test('a theme narrative is rendered from its readme.md', async () => {
  const narrative = page.locator('#theme-billing .narrative');
  await expect(narrative).toBeVisible();
  // Markdown became HTML: the trigger table and the bold rule names, not their source.
  await expect(narrative.locator('table th').first()).toHaveText('Trigger');
  await expect(narrative.locator('strong', { hasText: 'Sessions.' })).toBeVisible();
  expect(await narrative.innerText()).not.toContain('|---|');
});

test('a scenario shows its ladder as an inline SVG and its billing as a table', async () => {
  const svg = page.locator('.scenario .ladder > svg').first();
  await expect(svg).toBeVisible();
  await expect(svg.locator('text', { hasText: /UpdateLocation|Update-Location/ }).first()).toBeAttached();
  const billing = page.locator('table.billing.triggers').first();
  await billing.scrollIntoViewIfNeeded();
  await expect(billing).toBeVisible();
  await expect(billing.locator('tbody tr').first()).toContainText('registration');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'living-doc-scenario.png'), clip: (await billing.locator('xpath=ancestor::section[1]').boundingBox()) ?? undefined });
});

test('the state-coverage page is linked and opens from disk', async () => {
  const link = page.locator('#state-coverage-link a');
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.locator('#summary')).toContainText(/\d+\/\d+ transitions exercised/);
  await page.goBack();
  expect(blocked).toEqual([]);
});

// Only when a conformance run was kept next to the document (make conformance SUT=…): its verdict table.
test('the conformance verdicts of each SUT are a table, drift marked', async () => {
  const dir = path.join(REPORTS, 'conformance');
  const suts = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
  test.skip(suts.length === 0, `no conformance run in ${dir} (make conformance SUT=osmo-hlr writes one)`);
  for (const file of suts) {
    const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { sut: string; journeys: Array<{ drift: boolean }> };
    const section = page.locator(`section.conformance-sut[data-sut="${report.sut}"]`);
    await expect(section).toBeVisible();
    const rows = section.locator('table.conformance tbody tr');
    await expect(rows).toHaveCount(report.journeys.length);
    await expect(section.locator('tr.drift')).toHaveCount(report.journeys.filter((j) => j.drift).length);
    await expect(section.locator('a.conformance-page')).toHaveAttribute('href', `../conformance/${report.sut}.html`);
  }
  const first = page.locator('section.conformance-sut').first();
  await first.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'living-doc-conformance.png'), clip: (await first.boundingBox()) ?? undefined });
  expect(blocked).toEqual([]);
});
