import initSqlJs, { type Database } from 'sql.js';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  readRows,
  recordChanges,
  runInTransaction,
  runStatements,
  wroteInRead,
} from '../../../../src/browser/worker/statements.ts';

let db: Database;

beforeEach(async () => {
  const SQL = await initSqlJs();
  db = new SQL.Database();
  db.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, slug TEXT)');
});

const slugs = () => db.exec('SELECT slug FROM notes ORDER BY id')[0]?.values.flat() ?? [];

describe('runInTransaction', () => {
  it('runs every statement of a write without parameters', () => {
    const written = runInTransaction(db, [
      { sql: "INSERT INTO notes (slug) VALUES ('a'); INSERT INTO notes (slug) VALUES ('b');" },
    ]);
    expect(slugs()).toEqual(['a', 'b']);
    expect(written.changes).toBe(2);
  });

  it('runs every statement of a write whose parameters are an empty list', () => {
    runInTransaction(db, [
      {
        sql: "INSERT INTO notes (slug) VALUES ('a'); INSERT INTO notes (slug) VALUES ('b')",
        params: [],
      },
    ]);
    expect(slugs()).toEqual(['a', 'b']);
  });

  it('refuses a write with parameters that has a second statement, keeping nothing', () => {
    expect(() =>
      runInTransaction(db, [
        { sql: 'INSERT INTO notes (slug) VALUES (?); DELETE FROM notes', params: ['a'] },
      ]),
    ).toThrow(expect.objectContaining({ name: 'DatabaseError', code: 'SQL_FAILED' }));
    expect(slugs()).toEqual([]);
  });

  it('accepts a write with parameters followed only by a semicolon, blanks and a comment', () => {
    runInTransaction(db, [
      { sql: 'INSERT INTO notes (slug) VALUES (?);  -- the one statement\n', params: ['a'] },
    ]);
    expect(slugs()).toEqual(['a']);
  });

  it('does not count a read after a write as changing rows', () => {
    const written = runInTransaction(db, [
      { sql: "INSERT INTO notes (slug) VALUES ('a'); SELECT * FROM notes" },
    ]);
    expect(written.changes).toBe(1);
  });
});

describe('readRows', () => {
  it('returns the rows of a read', () => {
    db.run("INSERT INTO notes (slug) VALUES ('a')");
    expect(readRows(db, 'SELECT slug FROM notes WHERE slug = ?', ['a']).rows).toEqual([
      { slug: 'a' },
    ]);
  });

  it('refuses a write with a message that points to exec, leaving the rows as they were', () => {
    db.run("INSERT INTO notes (slug) VALUES ('a')");
    expect(() => readRows(db, 'DELETE FROM notes', undefined)).toThrow(/use exec\(\)/);
    expect(slugs()).toEqual(['a']);
  });

  it('leaves the database writable after a query', () => {
    readRows(db, 'SELECT 1', undefined);
    runInTransaction(db, [{ sql: "INSERT INTO notes (slug) VALUES ('b')" }]);
    expect(slugs()).toEqual(['b']);
  });
});

describe('transaction control in a write or a read', () => {
  it.each([
    ["INSERT INTO notes (slug) VALUES ('a'); COMMIT; INSERT INTO notes (slug) VALUES ('b')"],
    ['BEGIN; INSERT INTO notes (slug) VALUES (1)'],
    ['SAVEPOINT s; INSERT INTO notes (slug) VALUES (1); RELEASE s'],
    ['/* first */ ROLLBACK'],
  ])('is refused, and nothing of the write lands: %s', (sql) => {
    expect(() => runInTransaction(db, [{ sql }])).toThrow(
      expect.objectContaining({ name: 'DatabaseError', code: 'SQL_FAILED' }),
    );
    expect(slugs()).toEqual([]);
    // The connection is out of any transaction: the next write runs as usual.
    runInTransaction(db, [{ sql: "INSERT INTO notes (slug) VALUES ('after')" }]);
    expect(slugs()).toEqual(['after']);
  });

  it('is refused in a read, which leaves no transaction open behind it', () => {
    expect(() => readRows(db, 'BEGIN', undefined)).toThrow(
      expect.objectContaining({ code: 'SQL_FAILED' }),
    );
    runInTransaction(db, [{ sql: "INSERT INTO notes (slug) VALUES ('after')" }]);
    expect(slugs()).toEqual(['after']);
  });
});

describe('rows a statement returns', () => {
  it('hands back the rows of an INSERT … RETURNING, and its changes', () => {
    const { results } = runInTransaction(db, [
      { sql: 'INSERT INTO notes (slug) VALUES (?), (?) RETURNING id, slug', params: ['a', 'b'] },
    ]);
    expect(results[0]).toEqual({
      columns: ['id', 'slug'],
      rows: [
        { id: 1, slug: 'a' },
        { id: 2, slug: 'b' },
      ],
      changes: 2,
      lastInsertRowid: 2,
    });
  });

  it('hands back rows as arrays in column order when asked', () => {
    db.run("INSERT INTO notes (slug) VALUES ('a')");
    expect(readRows(db, 'SELECT id, slug FROM notes', undefined, 'array')).toMatchObject({
      columns: ['id', 'slug'],
      rows: [[1, 'a']],
    });
  });

  it('says a statement refused as a read writes, so it can run as a write', () => {
    let refused: unknown;
    try {
      readRows(db, "INSERT INTO notes (slug) VALUES ('a') RETURNING id", undefined);
    } catch (error) {
      refused = error;
    }
    expect(wroteInRead(refused)).toBe(true);
    expect(slugs()).toEqual([]);
    let failed: unknown;
    try {
      readRows(db, 'SELECT * FROM nowhere', undefined);
    } catch (error) {
      failed = error;
    }
    expect(wroteInRead(failed)).toBe(false);
  });
});

describe('recordChanges', () => {
  it('names the tables a write changed, triggers and cascades included', () => {
    db.exec(`
      CREATE TABLE tags (note INTEGER REFERENCES notes(id) ON DELETE CASCADE, tag TEXT);
      CREATE TABLE log (what TEXT);
      CREATE TRIGGER logged AFTER INSERT ON tags BEGIN INSERT INTO log VALUES ('tagged'); END;
      PRAGMA foreign_keys = ON;
      INSERT INTO notes (id, slug) VALUES (1, 'a');`);
    const tagged = recordChanges(db, () =>
      runStatements(db, { sql: "INSERT INTO tags VALUES (1, 'x')" }),
    );
    expect([...(tagged.changed as Set<string>)].sort()).toEqual(['log', 'tags']);
    const deleted = recordChanges(db, () =>
      runStatements(db, { sql: 'DELETE FROM notes WHERE id = 1' }),
    );
    expect([...(deleted.changed as Set<string>)].sort()).toEqual(['notes', 'tags']);
  });

  it('says every table changed when the hook cannot hear it all, or the schema changed', () => {
    db.exec(
      "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID; INSERT INTO notes (slug) VALUES ('a')",
    );
    const withoutRowid = recordChanges(db, () =>
      runStatements(db, { sql: "INSERT INTO kv VALUES ('a', 'b')" }),
    );
    expect(withoutRowid.changed).toBe('all');
    const emptied = recordChanges(db, () => runStatements(db, { sql: 'DELETE FROM notes' }));
    expect(emptied.changed).toBe('all');
    const altered = recordChanges(db, () =>
      runStatements(db, { sql: 'ALTER TABLE notes ADD COLUMN title TEXT' }),
    );
    expect(altered.changed).toBe('all');
  });
});
