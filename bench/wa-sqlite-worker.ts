/// <reference lib="webworker" />
// The peer: the same database in wa-sqlite's IndexedDB VFS (IDBBatchAtomicVFS, a block of the
// file per IndexedDB value, read as SQLite asks for pages), in a dedicated worker as ours is. Its
// name says what to do: `seed` (store the file it is sent), `first-query` (open, run
// PEER_FIRST_QUERY, answer with the rows), `write:<runs>` (one-row inserts, each saved).
import * as SQLite from 'wa-sqlite';
import SQLiteAsyncFactory from 'wa-sqlite/dist/wa-sqlite-async.mjs';
import { IDBBatchAtomicVFS } from 'wa-sqlite/src/examples/IDBBatchAtomicVFS.js';
import { PEER_FIRST_QUERY, PEER_WRITE, WA_SQLITE_DATABASE } from './bench-protocol.ts';

const FILE = '/bench.db';

async function openPeer() {
  const startedAt = performance.now();
  const sqlite3 = SQLite.Factory(await SQLiteAsyncFactory());
  const engineAt = performance.now();
  const vfs = new IDBBatchAtomicVFS(WA_SQLITE_DATABASE);
  // wa-sqlite's own declarations of its VFS base and of what it registers disagree.
  sqlite3.vfs_register(vfs as unknown as Parameters<typeof sqlite3.vfs_register>[0], true);
  const db = await sqlite3.open_v2(FILE, SQLite.SQLITE_OPEN_READWRITE, WA_SQLITE_DATABASE);
  return {
    sqlite3,
    db,
    phases: { engineMs: engineAt - startedAt, openMs: performance.now() - engineAt },
  };
}

/** Writes `file` through the VFS, a page per write as SQLite would, into an empty store. */
async function seed(file: Uint8Array): Promise<Record<string, number>> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(WA_SQLITE_DATABASE);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
  const vfs = new IDBBatchAtomicVFS(WA_SQLITE_DATABASE);
  const pageSize = new DataView(file.buffer, file.byteOffset).getUint16(16) || 65536;
  const flags =
    SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE | SQLite.SQLITE_OPEN_MAIN_DB;
  await vfs.xOpen(FILE, 1, flags, new DataView(new ArrayBuffer(4)));
  for (let offset = 0; offset < file.byteLength; offset += pageSize)
    await vfs.xWrite(1, file.subarray(offset, offset + pageSize), offset);
  await vfs.xSync(1, 0);
  await vfs.close();
  const { sqlite3, db } = await openPeer();
  let notes = 0;
  await sqlite3.exec(db, 'SELECT count(*) FROM notes', (row) => {
    notes = Number(row[0]);
  });
  await sqlite3.close(db);
  return { sizeBytes: file.byteLength, notes };
}

async function firstQuery(): Promise<Record<string, number>> {
  const { sqlite3, db, phases } = await openPeer();
  const queriedAt = performance.now();
  const rows: unknown[] = [];
  await sqlite3.exec(db, PEER_FIRST_QUERY, (row) => rows.push(row));
  return { ...phases, queryMs: performance.now() - queriedAt, rows: rows.length };
}

async function writes(runs: number): Promise<{ ms: number[] }> {
  const { sqlite3, db } = await openPeer();
  const ms: number[] = [];
  for (let run = 0; run <= runs; run++) {
    // A pause first, as between a person's writes (the same as the library's note writes).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = performance.now();
    await sqlite3.run(db, PEER_WRITE, [`peer-${crypto.randomUUID()}`]);
    if (run > 0) ms.push(performance.now() - before);
  }
  await sqlite3.close(db);
  return { ms };
}

const [step, runs] = self.name.split(':');
const work =
  step === 'seed'
    ? new Promise<Record<string, number>>((resolve, reject) => {
        addEventListener('message', (event: MessageEvent<Uint8Array>) =>
          seed(event.data).then(resolve, reject),
        );
      })
    : step === 'write'
      ? writes(Number(runs))
      : firstQuery();
work.then(
  (result) => postMessage({ workerStartedAt: performance.timeOrigin, ...result }),
  (error: unknown) => postMessage({ error: String(error) }),
);
