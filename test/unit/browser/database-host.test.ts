import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { clear, createStore, keys, setMany } from 'idb-keyval';
import initSqlJs from 'sql.js';
import { describe, expect, it, vi } from 'vitest';
import { replaceStoredFile } from '../../../src/browser/backups.ts';
import { DatabaseError } from '../../../src/browser/database-error.ts';
import { DatabaseHost } from '../../../src/browser/database-host.ts';
import {
  CHUNK_BYTES,
  chunkKey,
  indexedDbPageStore,
  MANIFEST_KEY,
  type PageStore,
  storeNames,
} from '../../../src/browser/page-store.ts';
import type { OpenRequest } from '../../../src/browser/protocol.ts';
import { checksumInput, type Migration } from '../../../src/index.ts';
import { memoryDatabase } from '../../helpers/sqljs.ts';

// In Node sql.js finds its wasm itself; the page's asset URL means nothing here.
vi.mock('../../../src/browser/sqlite.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  loadSqlJs: () => initSqlJs(),
}));

const NOTES: Migration = {
  name: '001_create_notes.sql',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);',
};
const TITLE: Migration = {
  name: '002_add_title.sql',
  sql: "ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';",
};
const BROKEN: Migration = { name: '002_broken.sql', sql: 'INSERT INTO nowhere VALUES (1);' };

let databases = 0;

/** A database name of its own for each test, and the raw store behind it. */
function freshName() {
  const name = `host-${++databases}`;
  const names = storeNames(name);
  return { name, raw: createStore(names.database, names.store) };
}

function request(name: string, migrations: Migration[]): OpenRequest {
  return {
    name,
    migrations,
    schema: undefined,
    runOptions: {},
    storage: 'auto',
    wasmUrl: undefined,
  };
}

/** Opens database `name` in a new host (as a new tab or load would), with an optional store wrapper. */
async function open(
  name: string,
  migrations: Migration[],
  wrap: (store: PageStore) => PageStore = (store) => store,
) {
  const host = new DatabaseHost((n) => wrap(indexedDbPageStore(n)));
  const opened = await host.open(request(name, migrations), () => {});
  return { host, opened };
}

/** Every key in the store, as text, sorted: a stray write shows up here. */
async function storedKeys(raw: ReturnType<typeof createStore>): Promise<string[]> {
  return (await keys(raw)).map((key) => JSON.stringify(key)).sort();
}

async function storedFile(name: string): Promise<Uint8Array> {
  const store = indexedDbPageStore(name);
  const { file } = await store.readCurrent(false);
  if (file === undefined) throw new Error('nothing stored');
  return file;
}

function countNotes(file: Uint8Array): number {
  const db = memoryDatabase(file);
  try {
    return Number(db.exec('SELECT count(*) FROM notes')[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}

/** The file of a new database `name` holding one note, as 0.1.0 stored it: one image. */
async function imageWithNote(name: string, body: string): Promise<Uint8Array> {
  const { host } = await open(name, [NOTES]);
  await host.write([{ sql: 'INSERT INTO notes (body) VALUES (?)', params: [body] }]);
  const image = await host.exportImage();
  await host.close();
  return image;
}

/** A database with `rows` notes of 200 bytes: several hundred chunks. */
async function bigDatabase(rows: number) {
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

describe('DatabaseHost', () => {
  it('creates, migrates and saves a new database, then opens it again writing nothing', async () => {
    const { name, raw } = freshName();
    const first = await open(name, [NOTES]);
    expect(first.opened.report.state).toBe('fresh');
    expect(first.opened.saved?.wholeFile).toBe(true);
    await first.host.close();
    const before = await storedKeys(raw);

    const second = await open(name, [NOTES]);
    expect(second.opened.report.upToDate).toBe(true);
    expect(second.opened.saved).toBeNull();
    expect(second.opened.info.generation).toBe(1);
    await second.host.close();
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('saves a one-row write as the few chunks it changed, not the whole file', async () => {
    const { name } = await bigDatabase(20_000);
    const { host, opened } = await open(name, [NOTES]);
    const written = await host.write([
      { sql: 'INSERT INTO notes (body) VALUES (?)', params: ['one more'] },
    ]);
    await host.close();
    expect(written.saved.wholeFile).toBe(false);
    // The header's chunk and the one the row went to, of the file's several dozen.
    expect(opened.info.sizeBytes).toBeGreaterThan(40 * CHUNK_BYTES);
    expect(written.saved.bytesWritten).toBeLessThanOrEqual(2 * CHUNK_BYTES);
    expect(countNotes(await storedFile(name))).toBe(20_001);
  });

  it('saves a write that grew the file over pages SQLite left unwritten, and loads it again', async () => {
    const { name } = freshName();
    const blobs: Migration = {
      name: '001_blobs.sql',
      sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB); CREATE TABLE f (v BLOB); CREATE TABLE pad (v BLOB);',
    };
    const { host } = await open(name, [blobs]);
    // A freed page near the start of the file, each step a save of its own.
    for (const sql of [
      "INSERT INTO t VALUES (1, 'x')",
      'INSERT INTO f VALUES (zeroblob(9000))',
      'INSERT INTO pad VALUES (zeroblob(70000))',
      'DELETE FROM f',
    ])
      await host.write([{ sql }]);
    // Pages added and freed again in one transaction are never written; the file grows over them.
    await host.write([
      { sql: 'INSERT INTO t VALUES (2000, zeroblob(32000))' },
      { sql: 'INSERT INTO t VALUES (2001, zeroblob(8000))' },
      { sql: 'DELETE FROM t WHERE id = 2000' },
    ]);
    await host.close();

    const { host: again } = await open(name, [blobs]);
    const rows = await again.query('SELECT id, length(v) AS bytes FROM t ORDER BY id', undefined);
    await again.close();
    expect(rows).toEqual([
      { id: 1, bytes: 1 },
      { id: 2001, bytes: 8000 },
    ]);
  });

  it('stops saving when a save failed and the stored file cannot be read either', async () => {
    const { name } = freshName();
    // The connection closes while the save is on its way: the save fails, then every read.
    let closing = false;
    let closed = false;
    const gone = () => {
      closed = true;
      return Promise.reject(
        new DOMException('The database connection is closing.', 'InvalidStateError'),
      );
    };
    const { host } = await open(name, [NOTES], (store) => ({
      ...store,
      save: (save) => (closing ? gone() : store.save(save)),
      readManifest: () => (closed ? gone() : store.readManifest()),
    }));
    closing = true;
    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('never stored')" }]),
    ).rejects.toMatchObject({
      name: 'DatabaseError',
      message: expect.stringMatching(/^Saving failed/),
    });
    closing = false;
    closed = false;
    // The next write must not store the change the failed one left in the tab's file.
    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('second')" }]),
    ).rejects.toMatchObject({ code: 'STALE' });
    await host.close();
    expect(countNotes(await storedFile(name))).toBe(0);
  });

  it('refuses a write once another tab replaced the file, though it has not heard so yet', async () => {
    const { name } = freshName();
    // This tab hears the other tabs' announcements late: its lock can come first.
    const Heard = globalThis.BroadcastChannel;
    globalThis.BroadcastChannel = class extends Heard {
      override set onmessage(handler: ((event: MessageEvent) => void) | null) {
        super.onmessage = handler && ((event) => setTimeout(() => handler.call(this, event), 100));
      }
    };
    let tab: DatabaseHost;
    try {
      tab = (await open(name, [NOTES])).host;
    } finally {
      globalThis.BroadcastChannel = Heard;
    }
    await tab.write([{ sql: "INSERT INTO notes (body) VALUES ('shopping list')" }]);
    // Another tab adopts an upload whose note 1 is another note.
    const upload = await imageWithNote(`${name}-upload`, 'tax records');
    await replaceStoredFile(name, { file: upload, fileSize: upload.byteLength }, 'pre-adopt');

    await expect(tab.write([{ sql: 'DELETE FROM notes WHERE id = 1' }])).rejects.toMatchObject({
      code: 'STALE',
    });
    await tab.close();
    expect(countNotes(await storedFile(name))).toBe(1);
  });

  it('catches up with a save made while it was catching up with an earlier one', async () => {
    const { name } = freshName();
    const { host: a } = await open(name, [NOTES]);
    // Without Web Locks (as in Node) tab A can save again after tab B read the manifest of A's
    // first save and before B read its chunks: that save frees chunks the manifest named.
    let between: (() => Promise<unknown>) | undefined;
    const { host: b } = await open(name, [NOTES], (store) => {
      const interleaved =
        <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
        async (...args: A) => {
          const run = between;
          between = undefined;
          await run?.();
          return read(...args);
        };
      return {
        ...store,
        readCurrent: interleaved(store.readCurrent),
      };
    });
    await a.write([{ sql: "INSERT INTO notes (body) VALUES ('one')" }]);
    between = () => a.write([{ sql: "INSERT INTO notes (body) VALUES ('two')" }]);
    await b.write([{ sql: "INSERT INTO notes (body) VALUES ('from b')" }]);
    await a.close();
    await b.close();
    expect(countNotes(await storedFile(name))).toBe(3);
  });

  it('fails the open, not falling back to memory, when the stored file cannot be read', async () => {
    const { name } = await bigDatabase(2_000);
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (key: IDBValidKey | IDBKeyRange) {
      if (Array.isArray(key) && key[0] === 'chunk')
        throw new DOMException('The file backing this value is gone.', 'NotReadableError');
      return get.call(this, key);
    };
    try {
      await expect(open(name, [NOTES])).rejects.toMatchObject({
        code: 'OPEN_FAILED',
        message: expect.stringContaining('The stored database could not be read'),
      });
    } finally {
      IDBObjectStore.prototype.get = get;
    }
    expect(countNotes(await storedFile(name))).toBe(2_000);
  });

  it('goes on with the chunk size a store was written with', async () => {
    const { name: source } = await bigDatabase(20_000);
    const file = await storedFile(source);
    const { name, raw } = freshName();
    const olderSize = 64 * 1024;
    const count = Math.ceil(file.byteLength / olderSize);
    await setMany(
      [
        ...Array.from({ length: count }, (_, index): [IDBValidKey, Uint8Array] => [
          chunkKey(index, 1),
          file.slice(index * olderSize, (index + 1) * olderSize),
        ]),
        [
          MANIFEST_KEY,
          {
            generation: 1,
            fileSize: file.byteLength,
            chunkSize: olderSize,
            chunks: Array(count).fill(1),
          },
        ],
      ],
      raw,
    );

    const { host, opened } = await open(name, [NOTES]);
    expect(opened.report.upToDate).toBe(true);
    const written = await host.write([
      { sql: 'INSERT INTO notes (body) VALUES (?)', params: ['one more'] },
    ]);
    await host.close();
    expect(written.saved.wholeFile).toBe(false);
    expect(written.saved.bytesWritten).toBeLessThanOrEqual(2 * olderSize);
    expect((await indexedDbPageStore(name).readManifest())?.chunkSize).toBe(olderSize);
    // The read checks every chunk's length against the manifest's size: a chunk saved at
    // another size fails it.
    expect(countNotes(await storedFile(name))).toBe(20_001);
  });

  it('keeps the file a migration changed as a backup that costs only the chunks it changed', async () => {
    const { name } = await bigDatabase(20_000);
    const before = await storedFile(name);
    const { host, opened } = await open(name, [NOTES, TITLE]);
    await host.close();

    expect(opened.report.executed).toEqual([TITLE.name]);
    expect(opened.saved?.bytesWritten).toBeLessThan(before.byteLength / 20);
    const store = indexedDbPageStore(name);
    const [backup] = await store.listBackups();
    expect(backup?.reason).toBe('pre-migration');
    expect(Buffer.from((await store.readBackup(backup?.id ?? '')) ?? []).equals(before)).toBe(true);
  });

  it('rejects a failing migration, saying the stored database is unchanged, and writes nothing', async () => {
    const { name, raw } = freshName();
    await (await open(name, [NOTES])).host.close();
    const before = await storedKeys(raw);

    await expect(open(name, [NOTES, BROKEN])).rejects.toMatchObject({
      name: 'MigrationError',
      code: 'SQL_FAILED',
      message: '002_broken.sql line 1: no such table: nowhere (the stored database is unchanged)',
    });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('refuses to open a stored file with a damaged chunk, rather than start empty in memory', async () => {
    const { name, raw } = freshName();
    await (await open(name, [NOTES])).host.close();
    const manifest = await indexedDbPageStore(name).readManifest();
    await setMany([[['chunk', 0, manifest?.chunks[0] ?? 0], new Uint8Array(10)]], raw);
    const before = await storedKeys(raw);

    await expect(open(name, [NOTES])).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'OPEN_FAILED',
      message: expect.stringContaining('chunk 0'),
    });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it("takes in another tab's save before its own write, reading only what changed", async () => {
    const { name } = await bigDatabase(5_000);
    const first = await open(name, [NOTES]);
    const second = await open(name, [NOTES]);
    await first.host.write([{ sql: "INSERT INTO notes (body) VALUES ('from the first tab')" }]);
    const written = await second.host.write([
      { sql: "INSERT INTO notes (body) VALUES ('from the second tab')" },
    ]);
    const rows = await second.host.query(
      'SELECT body FROM notes WHERE id > 5000 ORDER BY id',
      undefined,
    );
    await first.host.close();
    await second.host.close();
    expect(written.generation).toBe(4);
    expect(rows).toEqual([{ body: 'from the first tab' }, { body: 'from the second tab' }]);
  });

  it('turns stale, saying a newer version changed the database, when another tab migrated past it', async () => {
    const { name } = freshName();
    const older = await open(name, [NOTES]);
    const newer = await open(name, [NOTES, TITLE]);
    await newer.host.close();

    await expect(
      older.host.write([{ sql: "INSERT INTO notes (body) VALUES ('x')" }]),
    ).rejects.toMatchObject({
      name: 'DatabaseError',
      code: 'STALE',
      message: expect.stringContaining('A newer version of this app has changed the database'),
    });
    await older.host.close();
  });

  it('says what really failed when it cannot take in another tab’s save for another reason', async () => {
    const { name } = freshName();
    const tab = await open(name, [NOTES]);
    // Another tab's save whose one chunk was cut short: no announcement, found before the write.
    const manifest = await indexedDbPageStore(name).readManifest();
    await indexedDbPageStore(name).save({
      follows: manifest?.generation ?? 0,
      fileSize: manifest?.fileSize ?? 0,
      chunks: new Map([[0, new Uint8Array(10)]]),
    });

    const failed = tab.host.write([{ sql: "INSERT INTO notes (body) VALUES ('y')" }]);
    await expect(failed).rejects.toMatchObject({
      code: 'STALE',
      message: expect.stringMatching(
        /^This tab could not take in another tab's save \(.*chunk 0.* is damaged/,
      ),
    });
    await tab.host.close();
  });

  it('keeps its copy, and saves nothing, when the stored database is gone from under it', async () => {
    const { name, raw } = freshName();
    const { host } = await open(name, [NOTES]);
    await host.write([{ sql: "INSERT INTO notes (body) VALUES ('only here now')" }]);
    await clear(raw);

    await expect(
      host.write([{ sql: "INSERT INTO notes (body) VALUES ('another')" }]),
    ).rejects.toMatchObject({
      code: 'STALE',
      message: expect.stringContaining('the stored database is gone'),
    });
    // The copy is the only one left: it keeps every row, the write it could not save included.
    expect(await host.query('SELECT body FROM notes', undefined)).toEqual([
      { body: 'only here now' },
      { body: 'another' },
    ]);
    expect(await storedKeys(raw)).toEqual([]);
    await host.close();
  });

  it('writes nothing once told its database was replaced, not even a catch-up', async () => {
    const { name, raw } = freshName();
    const tab = await open(name, [NOTES, TITLE]);
    // Another tab adopts a file of an older version: catching up would migrate and save it.
    const older = await open(`${name}-older`, [NOTES]);
    const file = await older.host.exportImage();
    await older.host.close();
    await replaceStoredFile(name, { file, fileSize: file.byteLength }, 'pre-adopt');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await storedKeys(raw);

    await expect(
      tab.host.write([{ sql: "INSERT INTO notes (body) VALUES ('x')" }]),
    ).rejects.toMatchObject({ code: 'STALE', message: expect.stringContaining('replaced') });
    expect(await storedKeys(raw)).toEqual(before);
    await tab.host.close();
  });

  it("retries a write whose save lost the race, on top of the other tab's file", async () => {
    const { name } = freshName();
    await (await open(name, [NOTES])).host.close();
    const other = await open(name, [NOTES]);
    let interleave = true;
    const racing = await open(name, [NOTES], (store) => ({
      ...store,
      async save(save) {
        // The other tab's save lands between this tab's check and its save, once.
        if (interleave) {
          interleave = false;
          await other.host.write([{ sql: "INSERT INTO notes (body) VALUES ('a')" }]);
        }
        return store.save(save);
      },
    }));
    const written = await racing.host.write([{ sql: "INSERT INTO notes (body) VALUES ('b')" }]);
    const rows = await racing.host.query('SELECT body FROM notes ORDER BY id', undefined);
    await racing.host.close();
    await other.host.close();
    expect(written.generation).toBe(3);
    expect(rows).toEqual([{ body: 'a' }, { body: 'b' }]);
  });

  it('keeps the pre-migration backup for the next save when the save after a migrating load failed', async () => {
    const { name } = freshName();
    await (await open(name, [NOTES])).host.close();
    const beforeMigration = await storedFile(name);
    let full = true;
    const { host, opened } = await open(name, [NOTES, TITLE], (store) => ({
      ...store,
      async save(save) {
        if (full) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
        return store.save(save);
      },
    }));
    expect(opened.info.storageProblem).toContain('storage for this site is full');
    full = false;
    await host.write([{ sql: "INSERT INTO notes (body, title) VALUES ('a', 'A')" }]);
    await host.close();

    const store = indexedDbPageStore(name);
    const [backup] = await store.listBackups();
    expect(backup?.reason).toBe('pre-migration');
    expect(
      Buffer.from((await store.readBackup(backup?.id ?? '')) ?? []).equals(beforeMigration),
    ).toBe(true);
  });

  it('refuses a write through query and keeps the row', async () => {
    const { name } = freshName();
    const { host } = await open(name, [NOTES]);
    await host.write([{ sql: "INSERT INTO notes (body) VALUES ('a')" }]);
    await expect(host.query('DELETE FROM notes', undefined)).rejects.toMatchObject({
      code: 'SQL_FAILED',
    });
    expect(await host.query('SELECT body FROM notes', undefined)).toEqual([{ body: 'a' }]);
    await host.close();
  });

  it('hands the runner checksums that are exactly the SHA-256 the ledger records', async () => {
    const { name } = freshName();
    const { host, opened } = await open(name, [NOTES, TITLE]);
    await host.close();
    for (const migration of [NOTES, TITLE]) {
      const expected = createHash('sha256').update(checksumInput(migration.sql)).digest('hex');
      expect(opened.report.migrations.find((m) => m.name === migration.name)?.checksum).toBe(
        expected,
      );
    }
  });

  it('fails the open, and writes nothing over it, when a store of 0.1.0 cannot be converted', async () => {
    const { name, raw } = freshName();
    const oldImage = memoryDatabase();
    oldImage.exec(`${NOTES.sql} INSERT INTO notes (body) VALUES ('kept');`);
    await setMany(
      [
        ['image', oldImage.export()],
        ['generation', 3],
      ],
      raw,
    );
    oldImage.close();
    const before = await storedKeys(raw);

    await expect(
      open(name, [NOTES], (store) => ({
        ...store,
        // As a conversion refused for want of space would: nothing of it lands.
        convertFirstFormat: async () => {
          throw new DatabaseError(
            'OPEN_FAILED',
            'The database stored by version 0.1.0 could not be converted',
          );
        },
      })),
    ).rejects.toMatchObject({ code: 'OPEN_FAILED' });
    await expect(
      indexedDbPageStore(name).save({ follows: 0, fileSize: 0, chunks: new Map() }),
    ).rejects.toMatchObject({ code: 'SAVE_FAILED' });
    expect(await storedKeys(raw)).toEqual(before);
  });

  it('opens the converted file when another tab converted the store of 0.1.0 first', async () => {
    const { name, raw } = freshName();
    const image = await imageWithNote(`${name}-source`, 'converted elsewhere');
    await setMany(
      [
        ['image', image],
        ['generation', 5],
      ],
      raw,
    );

    // Without Web Locks (as in Node), the other tab's conversion lands after this tab read the
    // store and its generation, just before this tab would convert it itself.
    const { host: late, opened } = await open(name, [NOTES], (store) => ({
      ...store,
      async convertFirstFormat() {
        await indexedDbPageStore(name).convertFirstFormat();
        return store.convertFirstFormat();
      },
    }));
    const rows = await late.query('SELECT body FROM notes', undefined);
    await late.close();

    expect(opened.report.state).not.toBe('fresh');
    expect(opened.info.generation).toBe(6);
    expect(rows).toEqual([{ body: 'converted elsewhere' }]);
  });

  it('converts a store of 0.1.0 on its first open, keeping every row and backup', async () => {
    const { name, raw } = freshName();
    const image = await imageWithNote(`${name}-source`, 'kept across the upgrade');
    const olderImage = memoryDatabase();
    olderImage.exec(NOTES.sql);
    await setMany(
      [
        ['image', image],
        ['generation', 5],
        [
          'backups',
          [
            {
              id: '4-x',
              reason: 'pre-migration',
              createdAt: '2026-11-01T00:00:00.000Z',
              sizeBytes: 1,
              generation: 4,
            },
          ],
        ],
        ['backup:4-x', olderImage.export()],
      ],
      raw,
    );
    olderImage.close();

    const { host: upgraded, opened } = await open(name, [NOTES]);
    const rows = await upgraded.query('SELECT body FROM notes', undefined);
    await upgraded.close();

    expect(opened.report.upToDate).toBe(true);
    expect(opened.info.generation).toBe(6);
    expect(rows).toEqual([{ body: 'kept across the upgrade' }]);
    const backups = await indexedDbPageStore(name).listBackups();
    expect(backups.map((backup) => backup.id)).toEqual(['4-x']);
    expect(await storedKeys(raw)).not.toContain('"image"');
  });
});
