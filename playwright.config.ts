import { defineConfig } from '@playwright/test';
import type { EngineName } from './test/e2e/engines/driver.ts';
import { chromiumLaunchOptions } from './test/e2e/support/chromium.ts';
import {
  DEV_MIGRATIONS_DIR,
  DEV_ORIGIN,
  DEV_PORT,
  PREVIEW_ORIGIN,
  PREVIEW_PORT,
  SITE_DIR,
} from './test/e2e/support/sites.ts';

// Throws, with what to run, when no Chromium is installed: the suite never skips for want of one.
const launchOptions = chromiumLaunchOptions();

export default defineConfig<object, { engine: EngineName }>({
  testDir: 'test/e2e',
  // Each worker starts one Chromium and gives every test a context of its own; two workers suit a
  // two-core machine.
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions,
    trace: 'retain-on-failure',
  },
  // Every spec runs in Chromium; the scenarios under engines/ run in Firefox and WebKit too, each
  // driven its own way (see test/e2e/engines/driver.ts).
  projects: [
    { name: 'chromium', use: { engine: 'chromium' } },
    { name: 'firefox', testMatch: 'engines/**/*.spec.ts', use: { engine: 'firefox' } },
    { name: 'webkit', testMatch: 'engines/**/*.spec.ts', use: { engine: 'webkit' } },
  ],
  webServer: [
    {
      // Builds every variant of the demo (see test/e2e/support/sites.ts), then serves them all
      // from one origin under /base/, /plus-one/, /failing/, /runaway/, /drizzle/ — one origin, one IndexedDB.
      command: `node_modules/.bin/tsx test/e2e/support/build-sites.ts && node_modules/.bin/vite preview --outDir ${SITE_DIR} --host 127.0.0.1 --port ${PREVIEW_PORT} --strictPort`,
      url: `${PREVIEW_ORIGIN}/base/`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
    },
    {
      command: `node_modules/.bin/tsx test/e2e/support/prepare-dev-migrations.ts && node_modules/.bin/vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`,
      url: `${DEV_ORIGIN}/`,
      env: { MIGRATIONS_DIR: DEV_MIGRATIONS_DIR },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
    },
  ],
});
