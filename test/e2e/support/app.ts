// How the tests read and drive the page: through data-testid only, plus direct reads of the
// stored database where "nothing was written" is the claim.
import { readdirSync } from 'node:fs';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { expect } from '@playwright/test';
import { DEMO_MIGRATIONS_DIR, PREVIEW_ORIGIN } from './sites.ts';

/** The IndexedDB database and store the browser layer keeps the file in (see `storeNames`). */
const STORED = { database: 'sqljs-migrate:starpunk-notes', store: 'images' };

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
  /** The chunk keys (as in `keys`) the manifest refers to, and each backup's manifest. */
  chunkKeys: { live: string[]; backups: string[][] };
  /** Chunk keys referred to that are not stored: a file that cannot be put together. */
  missingChunks: string[];
  /** Chunk keys stored that nothing refers to: garbage a save should have deleted. */
  strayChunks: string[];
  /** Every stored chunk's length in bytes, by key. */
  chunkBytes: Record<string, number>;
  /** The length of the stored backup list (entries and their manifests) as JSON. */
  backupListBytes: number;
  /** With `withFiles`: the file and each backup's file, base64, for opening in Node. */
  files?: { image: string | null; backups: (string | null)[] };
}

/** The entry `readStoredDatabase` shows for a backup of the file `stored` held. */
export function backupOf(
  stored: StoredDatabase,
  reason: string,
): StoredDatabase['backups'][number] {
  return {
    reason,
    generation: stored.generation ?? 0,
    sizeBytes: stored.imageBytes,
    sha256: stored.imageSha256,
  };
}

/** Which stored database to read, and whether to bring its files back whole. */
export interface StoredDatabaseOptions {
  /** The IndexedDB database's name; the demo's by default. */
  database?: string;
  withFiles?: boolean;
}

/**
 * The stored database: its manifest's chunks put together into the file (and each backup's),
 * hashed, with every key in the store and which chunks are missing or left over. Read with the
 * raw IndexedDB API, as the format is laid out in `src/browser/storage/layout.ts`: `manifest`,
 * `backup-list`, and `['chunk', index, version]`.
 */
export function readStoredDatabase(
  page: Page,
  { database = STORED.database, withFiles = false }: StoredDatabaseOptions = {},
): Promise<StoredDatabase> {
  return page.evaluate(
    async ({ database, store, withFiles }) => {
      const none: StoredDatabase = {
        imageSha256: null,
        imageBytes: 0,
        generation: null,
        backups: [],
        keys: [],
        chunkKeys: { live: [], backups: [] },
        missingChunks: [],
        strayChunks: [],
        chunkBytes: {},
        backupListBytes: 0,
        ...(withFiles ? { files: { image: null, backups: [] } } : {}),
      };
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
        type Manifest = {
          generation: number;
          fileSize: number;
          chunkSize: number;
          chunks: number[];
        };
        const keysOf = (manifest: Manifest | undefined) =>
          (manifest?.chunks ?? []).map((version, index) =>
            JSON.stringify(['chunk', index, version]),
          );
        const [manifest, list, keys, values] = await Promise.all([
          settle<unknown>(objects.get('manifest')) as Promise<Manifest | undefined>,
          settle<unknown>(objects.get('backup-list')),
          settle(objects.getAllKeys()),
          settle(objects.getAll()),
        ]);
        const stored = new Map(
          keys.map((key, index) => [JSON.stringify(key), values[index] as unknown]),
        );
        const fileOf = (manifest: Manifest | undefined) => {
          if (manifest === undefined) return null;
          const file = new Uint8Array(manifest.fileSize);
          for (const [index, key] of keysOf(manifest).entries()) {
            const chunk = stored.get(key);
            if (!(chunk instanceof Uint8Array)) return null;
            file.set(chunk, index * manifest.chunkSize);
          }
          return file;
        };
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
        const base64 = (file: Uint8Array | null) => {
          if (file === null) return null;
          let text = '';
          for (let start = 0; start < file.byteLength; start += 0x8000)
            text += String.fromCharCode(...file.subarray(start, start + 0x8000));
          return btoa(text);
        };
        const image = fileOf(manifest);
        const backupFiles = entries.map((entry) => fileOf(entry.manifest));
        const chunkKeys = {
          live: keysOf(manifest),
          backups: entries.map((entry) => keysOf(entry.manifest)),
        };
        const referred = new Set([...chunkKeys.live, ...chunkKeys.backups.flat()]);
        const storedChunks = [...stored.keys()].filter((key) => key.startsWith('["chunk",'));
        return {
          imageSha256: await sha256(image),
          imageBytes: image?.byteLength ?? 0,
          generation: manifest?.generation ?? null,
          backups: await Promise.all(
            entries.map(async (entry, index) => ({
              reason: entry.reason,
              generation: entry.generation,
              sizeBytes: entry.sizeBytes,
              sha256: await sha256(backupFiles[index] ?? null),
            })),
          ),
          keys: [...stored.keys()].sort(),
          chunkKeys,
          missingChunks: [...referred].filter((key) => !stored.has(key)).sort(),
          strayChunks: storedChunks.filter((key) => !referred.has(key)).sort(),
          chunkBytes: Object.fromEntries(
            storedChunks.map((key) => {
              const value = stored.get(key);
              return [key, value instanceof Uint8Array ? value.byteLength : -1];
            }),
          ),
          backupListBytes: list === undefined ? 0 : JSON.stringify(list).length,
          ...(withFiles
            ? { files: { image: base64(image), backups: backupFiles.map(base64) } }
            : {}),
        };
      } finally {
        db.close();
      }
    },
    { ...STORED, database, withFiles },
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
