import { defineConfig } from '@playwright/test';

/**
 * API tests (Playwright API mode: the `request` fixture, no browser). The global setup starts
 * `roamsim mocks` on free 127.0.0.1 ports and stops it afterwards. One worker: the tests share the mocks'
 * fault rules, so they run one after the other.
 */
export default defineConfig({
  testDir: 'tests/api',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/api/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 15_000,
  reporter: [['list'], ['junit', { outputFile: 'reports/playwright-junit.xml' }]],
  outputDir: 'reports/.playwright',
  use: { extraHTTPHeaders: { accept: 'application/json, application/problem+json' } },
});
