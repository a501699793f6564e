import { afterEach } from 'vitest';
import 'fake-indexeddb/auto';
import { createStore, keys } from 'idb-keyval';
import { type MigratedDatabase, openDatabase } from '../../../../src/browser/page/open-database.ts';
import { indexedDbChunkStore } from '../../../../src/browser/storage/chunk-store.ts';
import { storeNames } from '../../../../src/browser/storage/layout.ts';
import { fakeDatabaseWorker } from './fake-worker.ts';

/** What the page-side tests share: databases opened through the real handle, and their store. */

export const COUNTER_MIGRATIONS = {
  '/migrations/001_create_notes.sql':
    'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);',
  '/migrations/002_create_counter.sql':
    'CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);',
  '/migrations/003_create_tags.sql': 'CREATE TABLE tags (name TEXT);',
};

let databases = 0;

/** A database name of its own for each test. */
export function freshName(): string {
  return `handle-${++databases}`;
}

/**
 * A way to open tabs (`openTab`) that the test file closes after each test; call it at the top of
 * the file.
 */
export function tabsClosedAfterEach(): (name: string) => Promise<MigratedDatabase> {
  const opened: MigratedDatabase[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  return async (name) => {
    const db = await openTab(name);
    opened.push(db);
    return db;
  };
}

/** Opens database `name` through the handle, as a tab would, with its worker in this process. */
export function openTab(name: string, migrations = COUNTER_MIGRATIONS): Promise<MigratedDatabase> {
  const { worker } = fakeDatabaseWorker();
  return openDatabase({ name, migrations, createWorker: () => worker });
}

/** Every key of database `name`'s store, as text, sorted: a stray write shows up here. */
export async function storedKeys(name: string): Promise<string[]> {
  const names = storeNames(name);
  return (await keys(createStore(names.database, names.store)))
    .map((key) => JSON.stringify(key))
    .sort();
}

/** The generation the stored manifest holds: every save writes the next one. */
export async function storedGeneration(name: string): Promise<number> {
  return (await indexedDbChunkStore(name).readManifest())?.generation ?? 0;
}

/**
 * Web Locks for tabs in one process: exclusive locks granted in the order asked, as a browser
 * grants them to its tabs. Node has none, and without them tabs race on every save. With
 * `grantAfterTask` a lock is granted a task later at the earliest, as a browser does; with
 * `reportHeld`, `navigator.locks.query()` says which locks are held. Returns what puts the
 * navigator back.
 */
export function installWebLocks({ grantAfterTask = false, reportHeld = false } = {}): () => void {
  const queues = new Map<string, Promise<unknown>>();
  const held = new Set<string>();
  const locks = {
    request(name: string, _options: unknown, task: () => Promise<unknown>) {
      const before = queues.get(name) ?? Promise.resolve();
      const granted = grantAfterTask
        ? before.then(() => new Promise((resolve) => setTimeout(resolve, 0)))
        : before.catch(() => {});
      const run = granted.then(async () => {
        held.add(name);
        try {
          return await task();
        } finally {
          held.delete(name);
        }
      });
      queues.set(
        name,
        run.catch(() => {}),
      );
      return run;
    },
    ...(reportHeld ? { query: async () => ({ held: [...held].map((name) => ({ name })) }) } : {}),
  };
  const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const navigator = { ...(had?.value as object | undefined), locks };
  Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true });
  return () => {
    if (had === undefined) Reflect.deleteProperty(globalThis, 'navigator');
    else Object.defineProperty(globalThis, 'navigator', had);
  };
}
