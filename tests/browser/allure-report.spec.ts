import { type BrowserContext, type Page, chromium, expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// A real browser (Debian's chromium) reads the reports that `make ci-simulate` wrote: the Allure behaviours
// tree lists every feature, a capture attachment downloads as a pcap file, the Cucumber HTML report and the
// state-coverage page render. Screenshots go to reports/screenshots/.

const ROOT = path.resolve(__dirname, '..', '..');
const REPORTS = path.resolve(ROOT, process.env.ROAMSIM_REPORTS_DIR?.trim() || 'reports');
const ALLURE = path.join(REPORTS, 'allure-report');
const SCREENSHOTS = path.join(REPORTS, 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PCAP_MAGIC = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.pcap': 'application/vnd.tcpdump.pcap',
};

/** A static file server for one folder, on 127.0.0.1 and a free port. */
function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let file: string;
    try {
      file = path.join(root, path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

interface FeatureFile {
  readonly uri: string;
  readonly name: string;
  /** First line of the feature's description, if it has one. */
  readonly description?: string;
}

/** Every .feature file under features/, with its Feature name and the start of its description. */
function featureFiles(dir = path.join(ROOT, 'features')): FeatureFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return featureFiles(full);
      if (!entry.name.endsWith('.feature')) return [];
      const lines = readFileSync(full, 'utf8').split('\n');
      const at = lines.findIndex((line) => /^\s*Feature:/.test(line));
      if (at < 0) return [];
      const next = lines[at + 1]?.trim() === '' ? lines[at + 2] : lines[at + 1];
      const description = next && !/^\s*(@|Background:|Scenario|Rule:|Example)/.test(next) ? next.trim() : undefined;
      const name = lines[at].replace(/^\s*Feature:\s*/, '').trim();
      return [{ uri: path.relative(ROOT, full).split(path.sep).join('/'), name, ...(description ? { description } : {}) }];
    });
}

interface AllureStep {
  name?: string;
  attachments?: Array<{ uid: string; name: string; source: string; type: string }>;
  steps?: AllureStep[];
}
interface AllureTestCase {
  uid: string;
  name: string;
  status: string;
  beforeStages?: AllureStep[];
  testStage?: AllureStep;
  afterStages?: AllureStep[];
}

/** A test result with a capture, preferring a failed one, and where its capture sits. */
function findCapture(): { test: AllureTestCase; stage: 'Set up' | 'Test body' | 'Tear down'; source: string } | undefined {
  const dir = path.join(ALLURE, 'data', 'test-cases');
  if (!existsSync(dir)) return undefined;
  const hasPcap = (step: AllureStep | undefined): string | undefined =>
    step?.attachments?.find((a) => a.type === 'application/vnd.tcpdump.pcap')?.source ?? step?.steps?.map(hasPcap).find(Boolean);
  let found: ReturnType<typeof findCapture>;
  for (const name of readdirSync(dir)) {
    const test = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as AllureTestCase;
    const stages: Array<['Set up' | 'Test body' | 'Tear down', AllureStep[]]> = [
      ['Set up', test.beforeStages ?? []],
      ['Test body', test.testStage ? [test.testStage] : []],
      ['Tear down', test.afterStages ?? []],
    ];
    for (const [stage, steps] of stages) {
      const source = steps.map(hasPcap).find(Boolean);
      if (!source) continue;
      const failed = test.status === 'failed' || test.status === 'broken';
      if (!found || (failed && found.test.status === 'passed')) found = { test, stage, source };
    }
  }
  return found;
}

let context: BrowserContext | undefined;
let page: Page;
let userDataDir = '';
let site: { server: Server; url: string } | undefined;

test.beforeAll(async () => {
  test.skip(!existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian: apt-get install -y chromium; make test runs scripts/setup-system.sh)`);
  test.skip(!existsSync(path.join(ALLURE, 'index.html')), `no Allure report in ${ALLURE}: run make ci-simulate first`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  site = await serve(REPORTS);
  userDataDir = mkdtempSync(path.join(tmpdir(), 'roamsim-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: LAUNCH_ARGS,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

test.afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (site ? site.server.close(() => resolve()) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('the Allure behaviours tree lists every feature under its theme', async () => {
  const expected = featureFiles().map((f) => f.name);
  expect(expected.length).toBeGreaterThan(0);
  await page.goto(`${site?.url}/allure-report/index.html#behaviors`);
  const epics = page.locator('allure-tree-view > .tree__content > .node[data-node-kind="group"] > .node__title');
  await expect(epics.first()).toBeVisible();
  const count = await epics.count();
  for (let i = 0; i < count; i++) await epics.nth(i).click();
  const names = await page.locator('allure-tree-view .node[data-node-kind="group"] .node[data-node-kind="group"] > .node__title .node__name').allInnerTexts();
  const shown = new Set(names.map((n) => n.trim()));
  expect(expected.filter((name) => !shown.has(name))).toEqual([]);
  await epics.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'allure-behaviors.png'), fullPage: true });
});

test('a capture attachment downloads from the Allure report as a pcap file', async () => {
  const capture = findCapture();
  test.skip(!capture, 'no scenario attached a capture (application/vnd.tcpdump.pcap) in this report');
  if (!capture) return;
  await page.goto(`${site?.url}/allure-report/index.html#testresult/${capture.test.uid}`);
  await expect(page.getByText(capture.test.name).first()).toBeVisible();
  // The report links the capture from its scenario; fetch what the link points at through the browser
  // context (expanding Allure's nested step sections by clicking is layout-dependent and proves no more).
  const link = page.locator(`[data-download="data/attachments/${capture.source}"]`).first();
  await expect(link).toBeAttached();
  expect(await link.getAttribute('data-download-type')).toBe('application/vnd.tcpdump.pcap');
  const href = await link.getAttribute('data-download');
  const response = await page.request.get(`${site?.url}/allure-report/${href}`);
  expect(response.status()).toBe(200);
  const bytes = Buffer.from(await response.body());
  expect(bytes.length).toBeGreaterThanOrEqual(24);
  expect(PCAP_MAGIC).toContain(bytes.subarray(0, 4).toString('hex'));
  await page.screenshot({ path: path.join(SCREENSHOTS, 'allure-capture.png'), fullPage: true });
});

test('the Cucumber HTML report lists every feature file and shows a feature with its description', async () => {
  test.skip(!existsSync(path.join(REPORTS, 'cucumber.html')), 'no reports/cucumber.html');
  const features = featureFiles();
  await page.goto(`${site?.url}/cucumber.html`);
  await expect(page.getByRole('heading', { name: 'Scenarios' })).toBeVisible();
  const listed = (await page.getByRole('button', { name: /features\/.+\.feature/ }).allInnerTexts()).map((t) => t.trim());
  expect(features.filter((f) => !listed.some((text) => text.includes(f.uri))).map((f) => f.uri)).toEqual([]);
  const described = features.find((f) => f.description) ?? features[0];
  await page.getByRole('button', { name: described.uri }).click();
  await expect(page.getByText(described.name, { exact: true }).first()).toBeVisible();
  if (described.description) await expect(page.getByText(described.description, { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'cucumber.png'), fullPage: false });
});

test('the state-coverage page draws the machine and counts its transitions', async () => {
  test.skip(!existsSync(path.join(REPORTS, 'state-coverage.html')), 'no reports/state-coverage.html');
  await page.goto(`${site?.url}/state-coverage.html`);
  await expect(page.locator('#summary')).toContainText(/\d+\/\d+ transitions exercised/);
  await expect(page.locator('svg').first()).toBeVisible();
  await expect(page.locator('#transitions tbody tr').first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'state-coverage.png'), fullPage: true });
});
