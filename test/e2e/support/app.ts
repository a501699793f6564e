// How the tests read and drive the page: through data-testid only, plus direct reads of the
// stored database where "nothing was written" is the claim.
import { readdirSync } from 'node:fs';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { expect } from '@playwright/test';
import { DEMO_MIGRATIONS_DIR, PREVIEW_ORIGIN } from './sites.ts';
import {
  completeStoredDatabase,
  readStoreInPage,
  STORED,
  type StoredDatabase,
  type StoredDatabaseOptions,
  storeToRead,
} from './stored-database.ts';

export { backupOf, type StoredDatabase } from './stored-database.ts';

/** The demo's migration file names, in run order. */
export function demoMigrationNames(): string[] {
  return readdirSync(DEMO_MIGRATIONS_DIR)
    .filter((name) => /^\d+_.+\.sql$/.test(name))
    .sort();
}

/** The worker the page starts next whose script is `script` (`database-worker`, `upload-worker`), once it has started. */
export function nextWorker(page: Page, script: string): Promise<Worker> {
  return page.waitForEvent('worker', { predicate: (worker) => worker.url().includes(script) });
}

/** Waits until `worker` has ended: the browser no longer lists it among the page's workers. */
export async function expectWorkerEnded(page: Page, worker: Worker): Promise<void> {
  await expect.poll(() => page.workers().includes(worker)).toBe(false);
}

export async function expectState(page: Page, state: 'ready' | 'failed'): Promise<void> {
  await expect(page.getByTestId('migration-status')).toHaveAttribute('data-state', state);
}

/** What this load did, as the panel's run summary says. */
export async function runSummary(page: Page) {
  const summary = page.getByTestId('run-summary');
  await expect(summary).toBeVisible();
  return {
    detected: await summary.getAttribute('data-detected'),
    upToDate: (await summary.getAttribute('data-up-to-date')) === 'true',
    executed: Number(await summary.getAttribute('data-executed')),
    baselined: Number(await summary.getAttribute('data-baselined')),
  };
}

export async function addNote(page: Page, text: string): Promise<void> {
  await page.getByTestId('note-input').fill(text);
  await page.getByTestId('note-add').click();
  await expect(page.getByTestId('note').filter({ hasText: text })).toHaveCount(1);
}

export function noteTexts(page: Page): Promise<string[]> {
  return page.getByTestId('note-text').allTextContents();
}

/** Marks the page so a reload (which starts a new document) can be told apart. */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    (window as { marked?: boolean }).marked = true;
  });
  // While the page navigates there is no document to ask: that is not a reload done yet.
  return () =>
    page.evaluate(() => (window as { marked?: boolean }).marked !== true).catch(() => false);
}

/**
 * The stored database: its manifest's chunks put together into the file (and each backup's),
 * hashed, with every key in the store and which chunks are missing or left over. Read with the
 * raw IndexedDB API (see `stored-database.ts`).
 */
export async function readStoredDatabase(
  page: Page,
  options: StoredDatabaseOptions = {},
): Promise<StoredDatabase> {
  return completeStoredDatabase(
    await page.evaluate(readStoreInPage, storeToRead(options)),
    options,
  );
}

/**
 * Counts writes to the stored database (to any of `origin`'s databases with `database: null`) as
 * Chromium itself reports them (DevTools' IndexedDB content-updated events), so a write by any
 * tab or worker is seen, whatever the app claims.
 */
export async function watchIndexedDbWrites(
  context: BrowserContext,
  page: Page,
  origin: string,
  { database = STORED.database as string | null } = {},
) {
  const session = await context.newCDPSession(page);
  const writes: string[] = [];
  session.on('Storage.indexedDBContentUpdated', (event) => {
    if (database === null || event.databaseName === database) writes.push(event.objectStoreName);
  });
  await session.send('Storage.trackIndexedDBForStorageKey', { storageKey: `${origin}/` });
  return {
    count: () => writes.length,
    stop: () => session.detach(),
  };
}

/**
 * How many cores the browser's renderer processes used over the next `ms` (1 is one core all
 * the time), from Chromium's own process list: a page's workers run inside its renderer.
 */
export async function rendererCores(context: BrowserContext, ms = 1500): Promise<number> {
  const browser = context.browser();
  if (browser === null) throw new Error('rendererCores needs a context with a browser');
  const session = await browser.newBrowserCDPSession();
  const cpuSeconds = async () => {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; cpuTime: number }[];
    };
    return processInfo
      .filter((process) => process.type === 'renderer')
      .reduce((sum, process) => sum + process.cpuTime, 0);
  };
  try {
    const startCpu = await cpuSeconds();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const usedCpu = (await cpuSeconds()) - startCpu;
    return usedCpu / ((performance.now() - startedAt) / 1000);
  } finally {
    await session.detach();
  }
}

/**
 * The demo's stored database as it is now, and a watch on every IndexedDB write from now on:
 * `expectUntouched()` checks that nothing was written and the store holds what it held.
 */
export async function watchStoredDatabase(context: BrowserContext, page: Page) {
  const before = await readStoredDatabase(page);
  const writes = await watchIndexedDbWrites(context, page, PREVIEW_ORIGIN);
  return {
    async expectUntouched(): Promise<void> {
      expect(writes.count()).toBe(0);
      expect(await readStoredDatabase(page)).toEqual(before);
      await writes.stop();
    },
  };
}
