import 'fake-indexeddb/auto';
import { createStore, keys } from 'idb-keyval';
import type { DatabaseEvent, OpenRequest } from '../../../../../src/browser/protocol.ts';
import {
  type ChunkStore,
  indexedDbChunkStore,
} from '../../../../../src/browser/storage/chunk-store.ts';
import { storeNames } from '../../../../../src/browser/storage/layout.ts';
import { DatabaseHost } from '../../../../../src/browser/worker/database-host.ts';
import type { Migration } from '../../../../../src/index.ts';
import { memoryDatabase, WASM_PATH } from '../../../../helpers/sqljs.ts';
import { storedFile as storedFileOf } from '../../storage/store-harness.ts';

/** What the host tests share: their migrations, a database per test, and reads of the store. */

export const NOTES: Migration = {
  name: '001_create_notes.sql',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);',
};
export const TITLE: Migration = {
  name: '002_add_title.sql',
  sql: "ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';",
};
export const BROKEN: Migration = { name: '002_broken.sql', sql: 'INSERT INTO nowhere VALUES (1);' };

let databases = 0;

/** A database name of its own for each test, and the raw store behind it. */
export function freshName() {
  const name = `host-${++databases}`;
  const names = storeNames(name);
  return { name, raw: createStore(names.database, names.store) };
}

export function openRequest(name: string, migrations: Migration[]): OpenRequest {
  return {
    name,
    migrations,
    schema: undefined,
    runOptions: {},
    storage: 'auto',
    wasmUrl: WASM_PATH,
  };
}

/** Opens database `name` in a new host (as a new tab or load would), with an optional store wrapper. */
export async function open(
  name: string,
  migrations: Migration[],
  wrap: (store: ChunkStore) => ChunkStore = (store) => store,
) {
  const host = new DatabaseHost((n) => wrap(indexedDbChunkStore(n)));
  const heard: DatabaseEvent[] = [];
  const waiting = new Set<() => void>();
  const opened = await host.open(openRequest(name, migrations), (event) => {
    heard.push(event);
    for (const wake of waiting) wake();
  });
  /** Resolves once the host has told the page of an event of `kind` (at once if it already has). */
  const told = (kind: DatabaseEvent['kind']) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!heard.some((event) => event.kind === kind)) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return { host, opened, told, heard };
}

/** Every key in the store, as text, sorted: a stray write shows up here. */
export async function storedKeys(raw: ReturnType<typeof createStore>): Promise<string[]> {
  return (await keys(raw)).map((key) => JSON.stringify(key)).sort();
}

/** Database `name`'s stored file, whole. */
export function storedFile(name: string): Promise<Uint8Array> {
  return storedFileOf(indexedDbChunkStore(name));
}

export function countNotes(file: Uint8Array): number {
  const db = memoryDatabase(file);
  try {
    return Number(db.exec('SELECT count(*) FROM notes')[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}

/** The file of a new database `name` holding one note, as 0.1.0 stored it: one image. */
export async function imageWithNote(name: string, body: string): Promise<Uint8Array> {
  const { host } = await open(name, [NOTES]);
  await host.write([{ sql: 'INSERT INTO notes (body) VALUES (?)', params: [body] }]);
  const image = await host.exportImage();
  await host.close();
  return image;
}

/** A database with `rows` notes of 200 bytes: several hundred chunks. */
export async function bigDatabase(rows: number) {
  const { name, raw } = freshName();
  const { host } = await open(name, [NOTES]);
  await host.write([
    {
      sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
            INSERT INTO notes (body) SELECT printf('%0200d', i) FROM n`,
    },
  ]);
  await host.close();
  return { name, raw };
}
