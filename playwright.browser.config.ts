import { defineConfig } from '@playwright/test';

/**
 * Browser checks of the generated reports (tests/browser), with Debian's chromium (/usr/bin/chromium; no
 * Playwright browser download). The spec launches the browser itself with a fresh, empty user-data-dir and
 * serves reports/ from 127.0.0.1. Run after `make ci-simulate`:
 *
 *   npx playwright test -c playwright.browser.config.ts
 *
 * API tests have their own config (playwright.config.ts).
 */
export default defineConfig({
  testDir: 'tests/browser',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright-browser.json' }]],
  outputDir: 'reports/.playwright-browser',
});
