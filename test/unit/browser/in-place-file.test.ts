import { describe, expect, it } from 'vitest';
import { openInPlace, takeFile } from '../../../src/browser/in-place-file.ts';
import { openDatabase, SQL } from '../../helpers/sqljs.ts';

/** A database file of `rows` rows of 100 characters, as bytes. */
function fileOf(rows: number): Uint8Array {
  const db = openDatabase();
  db.exec(
    `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
     INSERT INTO t SELECT i, printf('%0100d', i) FROM n;`,
  );
  const bytes = db.export();
  db.close();
  return bytes;
}

/** `bytes` at the start of a buffer with `room` bytes after them. */
function withRoom(bytes: Uint8Array, room: number): Uint8Array {
  const capacity = new Uint8Array(bytes.byteLength + room);
  capacity.set(bytes);
  return capacity;
}

function count(bytes: Uint8Array): number {
  const db = openDatabase(bytes);
  try {
    return Number(db.exec('SELECT count(*) FROM t')[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}

const doubleRows = 'INSERT INTO t (v) SELECT v FROM t';

describe('openInPlace and takeFile', () => {
  it('let SQLite write into the given buffer and hand it back without a copy', () => {
    const file = fileOf(2000);
    const capacity = withRoom(file, file.byteLength * 2);
    const db = openInPlace(SQL, capacity, file.byteLength);
    db.exec(doubleRows);
    const taken = takeFile(db, capacity);
    expect(taken.inPlace).toBe(true);
    expect(taken.buffer).toBe(capacity.buffer);
    expect(taken.byteLength).toBeGreaterThan(file.byteLength);
    expect(count(new Uint8Array(taken.buffer, 0, taken.byteLength).slice())).toBe(4000);
  });

  it('keeps the header as a copy would have it: user_version survives the check', () => {
    const file = fileOf(10);
    const capacity = withRoom(file, 1 << 20);
    const db = openInPlace(SQL, capacity, file.byteLength);
    db.exec('PRAGMA user_version = 42');
    const taken = takeFile(db, capacity);
    const reopened = openDatabase(new Uint8Array(taken.buffer, 0, taken.byteLength).slice());
    expect(reopened.exec('PRAGMA user_version')[0]?.values[0]?.[0]).toBe(42);
    reopened.close();
  });

  it('exports a copy when the file outgrew the room, never the stale buffer', () => {
    const file = fileOf(2000);
    const capacity = withRoom(file, 4096);
    const db = openInPlace(SQL, capacity, file.byteLength);
    db.exec(doubleRows);
    db.exec(doubleRows);
    const taken = takeFile(db, capacity);
    expect(taken.inPlace).toBe(false);
    expect(taken.buffer).not.toBe(capacity.buffer);
    expect(count(new Uint8Array(taken.buffer, 0, taken.byteLength))).toBe(8000);
  });

  it('exports a copy after a rollback cut the file short and the file system left the buffer', () => {
    const file = fileOf(2000);
    const capacity = withRoom(file, file.byteLength * 4);
    const db = openInPlace(SQL, capacity, file.byteLength);
    db.exec(`BEGIN; ${doubleRows}; ROLLBACK`);
    db.exec('DELETE FROM t WHERE id > 1500');
    const taken = takeFile(db, capacity);
    expect(count(new Uint8Array(taken.buffer, 0, taken.byteLength).slice())).toBe(1500);
  });

  it('closes the database either way', () => {
    const file = fileOf(10);
    const capacity = withRoom(file, 0);
    const db = openInPlace(SQL, capacity, file.byteLength);
    takeFile(db, undefined);
    expect(() => db.exec('SELECT 1')).toThrow();
  });
});
