import type { SqlJsStatic } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { chunksOver, type FileChunks } from '../../../../src/browser/storage/file-chunks.ts';
import { TrackedFile, withRoom } from '../../../../src/browser/storage/tracked-file.ts';
import { byteDifference, memoryDatabase, SQL } from '../../../helpers/sqljs.ts';

const CHUNK = 16 * 1024;
const SETTINGS = 'PRAGMA journal_mode = MEMORY';

/** A database file of `rows` rows of 100 characters, as bytes. */
function fileOf(rows: number): Uint8Array {
  const db = memoryDatabase();
  db.exec(
    `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
     INSERT INTO t SELECT i, printf('%0100d', i) FROM n;`,
  );
  const bytes = db.export();
  db.close();
  return bytes;
}

/** The file as the tracked buffer holds it now, read without a probe commit (which moves its header). */
function currentFile(tracked: TrackedFile): Uint8Array {
  const size = tracked.size();
  const file = new Uint8Array(size);
  for (let index = 0; index * CHUNK < size; index++) file.set(tracked.chunk(index), index * CHUNK);
  return file;
}

/** `file` opened tracked, in a buffer with `room` bytes to grow in after it. */
function openTracked(file: Uint8Array, room: number, sql: SqlJsStatic = SQL): TrackedFile {
  const capacity = new Uint8Array(file.byteLength + room);
  capacity.set(file);
  return TrackedFile.open(sql, chunksOver(capacity, file.byteLength, CHUNK), SETTINGS);
}

/** `file` as a load reads it: each chunk an array of its own, as IndexedDB hands them back. */
function asStoredChunks(file: Uint8Array): FileChunks {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < file.byteLength; start += CHUNK)
    chunks.push(file.slice(start, start + CHUNK));
  return { size: file.byteLength, chunkSize: CHUNK, chunks };
}

function count(bytes: Uint8Array): number {
  const db = memoryDatabase(bytes);
  try {
    return Number(db.exec('SELECT count(*) FROM t')[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}

/**
 * What a store holding `saved` would hold after writing the listed chunks: the saved file cut or
 * grown to the new size, with the listed chunks laid over it.
 */
function applySave(saved: Uint8Array, tracked: TrackedFile): Uint8Array {
  const { chunks, size } = tracked.changes();
  const next = new Uint8Array(size);
  next.set(saved.subarray(0, Math.min(size, saved.byteLength)));
  for (const index of chunks) next.set(tracked.chunk(index), index * CHUNK);
  tracked.markSaved();
  return next;
}

describe('TrackedFile', () => {
  it('lists only the chunks a one-row write changed, and those rebuild the file exactly', () => {
    const file = fileOf(20_000);
    const tracked = openTracked(file, file.byteLength);
    tracked.db.exec("INSERT INTO t (v) VALUES ('one more')");
    const { chunks, wholeFile } = tracked.changes();
    expect(wholeFile).toBe(false);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.length).toBeLessThanOrEqual(4);
    const stored = applySave(file, tracked);
    expect(byteDifference(stored, currentFile(tracked))).toBeNull();
    expect(count(stored)).toBe(20_001);
    tracked.close();
  });

  it('lists nothing but the header again after a save, and each later write on its own', () => {
    const file = fileOf(20_000);
    const tracked = openTracked(file, file.byteLength);
    let stored = file;
    for (const id of [5, 9_000, 19_000]) {
      tracked.db.exec(`UPDATE t SET v = 'changed' WHERE id = ${id}`);
      stored = applySave(stored, tracked);
    }
    expect(byteDifference(stored, currentFile(tracked))).toBeNull();
    // Every save's probe rewrites the header: chunk 0 is the only one listed with nothing written.
    expect(tracked.changes().chunks).toEqual([0]);
    tracked.close();
  });

  it('keeps a write made while a save was on its way for the next save', () => {
    const file = fileOf(20_000);
    const tracked = openTracked(file, file.byteLength);
    tracked.db.exec("UPDATE t SET v = 'first' WHERE id = 5");
    const listed = tracked.changes();
    // The save is on its way to IndexedDB when another write lands, far from the first.
    tracked.db.exec("UPDATE t SET v = 'second' WHERE id = 19000");
    tracked.markSaved();
    const next = tracked.changes().chunks;
    // Beyond the header's chunk, which every probe rewrites: the second write's own chunk.
    expect(next.some((index) => index !== 0 && !listed.chunks.includes(index))).toBe(true);
    tracked.close();
  });

  it('follows a file that grows within its room', () => {
    const file = fileOf(2_000);
    const tracked = openTracked(file, 8 << 20);
    tracked.db.exec('INSERT INTO t (v) SELECT v FROM t');
    expect(tracked.changes().wholeFile).toBe(false);
    const stored = applySave(file, tracked);
    expect(count(stored)).toBe(4_000);
    expect(byteDifference(stored, currentFile(tracked))).toBeNull();
    tracked.close();
  });

  it('lists every chunk a commit grew the file over, also where SQLite left a hole', () => {
    // A freed page near the start, so the next transaction's pages come from the end of the file.
    const db = memoryDatabase();
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB); CREATE TABLE f (v BLOB);
      INSERT INTO f VALUES (zeroblob(9000)); INSERT INTO t VALUES (1, zeroblob(70000));
      DELETE FROM f;`);
    const file = db.export();
    db.close();
    const tracked = openTracked(file, 4 * file.byteLength);
    // Pages added and freed again in one transaction are never written: the commit writes the
    // pages after them, and the file grows over a hole.
    tracked.db.exec(`BEGIN;
      INSERT INTO t VALUES (2000, zeroblob(32000)); INSERT INTO t VALUES (2001, zeroblob(8000));
      DELETE FROM t WHERE id = 2000; COMMIT;`);
    const { chunks, size } = tracked.changes();
    const grownFrom = Math.floor(file.byteLength / CHUNK);
    const lastChunk = Math.ceil(size / CHUNK) - 1;
    expect(lastChunk).toBeGreaterThan(grownFrom);
    for (let index = grownFrom; index <= lastChunk; index++) expect(chunks).toContain(index);
    tracked.close();
  });

  it('follows a file that outgrows the buffer it was opened over, in chunks of its own', () => {
    const file = fileOf(2_000);
    const tracked = openTracked(file, 4096);
    tracked.db.exec('INSERT INTO t (v) SELECT v FROM t; INSERT INTO t (v) SELECT v FROM t');
    expect(tracked.changes().wholeFile).toBe(false);
    const stored = applySave(file, tracked);
    expect(count(stored)).toBe(8_000);
    expect(byteDifference(stored, currentFile(tracked))).toBeNull();

    tracked.db.exec('UPDATE t SET v = 1 WHERE id = 3');
    expect(tracked.changes().wholeFile).toBe(false);
    expect(byteDifference(applySave(stored, tracked), currentFile(tracked))).toBeNull();
    tracked.close();
  });

  it('keeps the chunks it was given as the file: SQLite writes into them, no copy', () => {
    const file = fileOf(20_000);
    const chunks = asStoredChunks(file);
    const given = [...chunks.chunks];
    const tracked = TrackedFile.open(SQL, chunks, SETTINGS);
    tracked.db.exec("UPDATE t SET v = 'changed' WHERE id = 19000");
    const { chunks: changed } = tracked.changes();
    const inside = changed.filter((index) => index > 0 && index < given.length);
    expect(inside.length).toBeGreaterThan(0);
    for (const index of inside) {
      // The very array the load handed over holds the new bytes.
      expect(chunks.chunks[index]).toBe(given[index]);
      expect(
        byteDifference(given[index] as Uint8Array, file.subarray(index * CHUNK)),
      ).not.toBeNull();
    }
    expect(byteDifference(applySave(file, tracked), currentFile(tracked))).toBeNull();
    tracked.close();
  });

  it('grows a short last chunk into a whole one, and saves it at the file’s new length', () => {
    const file = fileOf(2_000);
    const chunks = asStoredChunks(file);
    const last = chunks.chunks.length - 1;
    expect(chunks.chunks[last]?.byteLength).toBeLessThan(CHUNK);
    const tracked = TrackedFile.open(SQL, chunks, SETTINGS);
    tracked.db.exec('INSERT INTO t (v) SELECT v FROM t');
    const stored = applySave(file, tracked);
    expect(count(stored)).toBe(4_000);
    expect(stored.byteLength).toBe(tracked.size());
    expect(byteDifference(stored, currentFile(tracked))).toBeNull();
    tracked.close();
  });

  it('lists every chunk when a rollback cut the file short and the file system left the buffer', () => {
    const file = fileOf(2_000);
    const tracked = openTracked(file, file.byteLength * 4);
    // A cache this small spills the transaction's new pages into the file, so the rollback must
    // cut the file back.
    tracked.db.exec('PRAGMA cache_size = 5; BEGIN; INSERT INTO t (v) SELECT v FROM t; ROLLBACK');
    tracked.db.exec('DELETE FROM t WHERE id > 1500');
    expect(tracked.changes().wholeFile).toBe(true);
    expect(count(applySave(file, tracked))).toBe(1_500);
    tracked.close();
  });

  it('refuses to open under a sql.js that does not read the file it is given', () => {
    // A sql.js that copies what it opens by some other means: none of its reads reach our chunks.
    class CopyingDatabase extends SQL.Database {
      constructor(data?: ArrayLike<number> | Buffer | null) {
        super(data === undefined || data === null ? data : Uint8Array.from(data));
      }
    }
    const copying = { ...SQL, Database: CopyingDatabase } as unknown as SqlJsStatic;
    expect(() => openTracked(fileOf(20), 0, copying)).toThrow(/does not read the file/);
  });

  it('starts a new database with every chunk listed, then lists only what changed', () => {
    const tracked = TrackedFile.create(SQL, CHUNK, SETTINGS);
    tracked.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    expect(tracked.changes().wholeFile).toBe(true);
    const stored = applySave(new Uint8Array(0), tracked);
    tracked.db.exec("INSERT INTO t (v) VALUES ('a')");
    expect(tracked.changes().wholeFile).toBe(false);
    expect(count(applySave(stored, tracked))).toBe(1);
    tracked.close();
  });

  it('hands over the buffer SQLite wrote into, without a copy, and closes the database', () => {
    const file = fileOf(2_000);
    const capacity = withRoom(file, file.byteLength * 2);
    const tracked = TrackedFile.open(SQL, chunksOver(capacity, file.byteLength, CHUNK), SETTINGS);
    tracked.db.exec('INSERT INTO t (v) SELECT v FROM t');
    const taken = tracked.take();
    expect(taken.inPlace).toBe(true);
    expect(taken.buffer).toBe(capacity.buffer);
    expect(count(new Uint8Array(taken.buffer, 0, taken.byteLength).slice())).toBe(4_000);
    expect(() => tracked.db.exec('SELECT 1')).toThrow();
  });

  it('hands over a copy when the file outgrew the buffer, never the stale buffer', () => {
    const file = fileOf(2_000);
    const capacity = new Uint8Array(file.byteLength + 4096);
    capacity.set(file);
    const tracked = TrackedFile.open(SQL, chunksOver(capacity, file.byteLength, CHUNK), SETTINGS);
    tracked.db.exec('INSERT INTO t (v) SELECT v FROM t; INSERT INTO t (v) SELECT v FROM t');
    const taken = tracked.take();
    expect(taken.inPlace).toBe(false);
    expect(taken.buffer).not.toBe(capacity.buffer);
    expect(count(new Uint8Array(taken.buffer, 0, taken.byteLength))).toBe(8_000);
  });

  it('keeps the header as a copy would have it: user_version survives the probe', () => {
    const file = fileOf(10);
    const tracked = openTracked(file, 0);
    tracked.db.exec('PRAGMA user_version = 42');
    const reopened = memoryDatabase(tracked.bytes());
    expect(reopened.exec('PRAGMA user_version')[0]?.values[0]?.[0]).toBe(42);
    reopened.close();
    tracked.close();
  });
});
