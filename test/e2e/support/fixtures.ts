import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, test as base, chromium, expect } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.ts';

/** The suite's fixtures: a context per test in a browser shared by the worker's tests, watched for CSP violations. */
interface Fixtures {
  /**
   * Give the test a Chromium of its own, on a profile on disk, rather than a context in the shared
   * one: for a test that restarts the browser (`relaunch`) or changes its settings.
   */
  ownBrowser: boolean;
  /** Launch the own browser with the site's storage blocked, as a locked-down browser would. */
  blockSiteStorage: boolean;
  /** Console lines about Content-Security-Policy violations, from every page of the test. */
  cspViolations: string[];
  /** Closes the test's own browser and starts it again on the same profile (same IndexedDB). */
  relaunch: () => Promise<BrowserContext>;
}

/**
 * Every test gets a context of its own, so no test sees another's data: IndexedDB lives as long
 * as the context, across reloads and across the builds served at the same origin. Contexts come
 * from one Chromium per Playwright worker (the `browser` fixture, launched with the config's
 * options); a test that restarts its browser or blocks its storage gets a Chromium of its own on
 * a profile on disk. No page may trip the Content-Security-Policy.
 */
export const test = base.extend<Fixtures>({
  ownBrowser: [false, { option: true }],
  blockSiteStorage: [false, { option: true }],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; it has none.
  cspViolations: async ({}, use) => {
    await use([]);
  },
  context: async ({ browser, ownBrowser, blockSiteStorage, cspViolations }, use, testInfo) => {
    const profile = testInfo.outputPath('profile');
    if (blockSiteStorage) blockStorageIn(profile);
    const context =
      ownBrowser || blockSiteStorage
        ? await launch(profile)
        : await browser.newContext(CONTEXT_OPTIONS);
    watchForCspViolations(context, cspViolations);
    await use(context);
    await context.close();
    expect(cspViolations, 'Content-Security-Policy violations').toEqual([]);
  },
  relaunch: async ({ context, ownBrowser, cspViolations }, use, testInfo) => {
    const relaunched: BrowserContext[] = [];
    await use(async () => {
      if (!ownBrowser) throw new Error('relaunch needs test.use({ ownBrowser: true })');
      await context.close();
      const next = await launch(testInfo.outputPath('profile'));
      watchForCspViolations(next, cspViolations);
      relaunched.push(next);
      return next;
    });
    for (const next of relaunched) await next.close();
  },
  page: async ({ context }, use) => {
    await use(context.pages()[0] ?? (await context.newPage()));
  },
});

export { expect };

const CONTEXT_OPTIONS = { viewport: { width: 1200, height: 900 }, acceptDownloads: true };

function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    ...chromiumLaunchOptions(),
    ...CONTEXT_OPTIONS,
  });
}

function watchForCspViolations(context: BrowserContext, violations: string[]): void {
  const watch = (page: import('@playwright/test').Page) =>
    page.on('console', (message) => {
      const text = message.text();
      if (
        /Content Security Policy|Refused to (load|execute|apply|connect|create|evaluate|compile)/i.test(
          text,
        )
      ) {
        violations.push(text);
      }
    });
  context.pages().forEach(watch);
  context.on('page', watch);
}

/** Chromium's "block all site data" setting: IndexedDB (and Web Locks) are refused. */
function blockStorageIn(profile: string): void {
  mkdirSync(path.join(profile, 'Default'), { recursive: true });
  writeFileSync(
    path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }),
  );
}
