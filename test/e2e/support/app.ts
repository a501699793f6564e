// How the tests read and drive the page: through data-testid only, plus direct reads of the
// stored database where "nothing was written" is the claim.
import { readdirSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { DEMO_MIGRATIONS_DIR } from './sites.ts';

/** The IndexedDB database and store the browser layer keeps the file in (see `storeNames`). */
const STORED = { database: 'sqljs-migrate:starpunk-notes', store: 'images' };

/** The demo's migration file names, in run order. */
export function demoMigrationNames(): string[] {
  return readdirSync(DEMO_MIGRATIONS_DIR)
    .filter((name) => /^\d+_.+\.sql$/.test(name))
    .sort();
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

/** Every applied migration the panel lists: its name, how it was applied, what this load did. */
export function appliedMigrations(page: Page) {
  return page.getByTestId('applied-migration').evaluateAll((items) =>
    items.map((item) => ({
      name: item.getAttribute('data-name'),
      how: item.getAttribute('data-how'),
      status: item.getAttribute('data-status'),
    })),
  );
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

/** The stored file and backups as IndexedDB holds them, read with the raw API (no app code). */
export interface StoredDatabase {
  imageSha256: string | null;
  imageBytes: number;
  generation: number | null;
  /** The backup list, newest first, each with the SHA-256 of the file its chunks make up. */
  backups: { reason: string; generation: number; sizeBytes: number; sha256: string | null }[];
  /** Every key in the store, sorted: a stray write shows up here too. */
  keys: string[];
}

/**
 * The stored database: its manifest's chunks put together into the file (and each backup's),
 * hashed, with every key in the store. Read with the raw IndexedDB API, as the format is laid out
 * in `src/browser/page-store.ts`: `manifest`, `backup-list`, and `['chunk', index, version]`.
 */
export function readStoredDatabase(page: Page): Promise<StoredDatabase> {
  return page.evaluate(async ({ database, store }) => {
    const none = { imageSha256: null, imageBytes: 0, generation: null, backups: [], keys: [] };
    // Opening a database that does not exist would create it (empty): check first.
    if (!(await indexedDB.databases()).some((info) => info.name === database)) return none;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(database);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const objects = db.transaction(store, 'readonly').objectStore(store);
      const settle = <T>(request: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      type Manifest = { generation: number; fileSize: number; chunkSize: number; chunks: number[] };
      const fileOf = async (manifest: Manifest | undefined) => {
        if (manifest === undefined) return null;
        const file = new Uint8Array(manifest.fileSize);
        const chunks = await Promise.all(
          manifest.chunks.map((version, index) =>
            settle<unknown>(objects.get(['chunk', index, version])),
          ),
        );
        for (const [index, chunk] of chunks.entries()) {
          if (!(chunk instanceof Uint8Array)) return null;
          file.set(chunk, index * manifest.chunkSize);
        }
        return file;
      };
      const [manifest, list, keys] = await Promise.all([
        settle<unknown>(objects.get('manifest')) as Promise<Manifest | undefined>,
        settle<unknown>(objects.get('backup-list')),
        settle(objects.getAllKeys()),
      ]);
      const entries = (Array.isArray(list) ? list : []) as {
        reason: string;
        generation: number;
        sizeBytes: number;
        manifest: Manifest;
      }[];
      const sha256 = async (file: Uint8Array | null) => {
        if (file === null) return null;
        const digest = new Uint8Array(
          await crypto.subtle.digest('SHA-256', file as Uint8Array<ArrayBuffer>),
        );
        return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
      };
      const image = await fileOf(manifest);
      return {
        imageSha256: await sha256(image),
        imageBytes: image?.byteLength ?? 0,
        generation: manifest?.generation ?? null,
        backups: await Promise.all(
          entries.map(async (entry) => ({
            reason: entry.reason,
            generation: entry.generation,
            sizeBytes: entry.sizeBytes,
            sha256: await sha256(await fileOf(entry.manifest)),
          })),
        ),
        keys: keys.map((key) => JSON.stringify(key)).sort(),
      };
    } finally {
      db.close();
    }
  }, STORED);
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
