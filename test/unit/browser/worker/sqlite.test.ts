import initSqlJs, { type Database } from 'sql.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { queryRows, runInTransaction } from '../../../../src/browser/worker/sqlite.ts';

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

describe('queryRows', () => {
  it('returns the rows of a read', () => {
    db.run("INSERT INTO notes (slug) VALUES ('a')");
    expect(queryRows(db, 'SELECT slug FROM notes WHERE slug = ?', ['a'])).toEqual([{ slug: 'a' }]);
  });

  it('refuses a write with a message that points to exec, leaving the rows as they were', () => {
    db.run("INSERT INTO notes (slug) VALUES ('a')");
    expect(() => queryRows(db, 'DELETE FROM notes', undefined)).toThrow(/use exec\(\)/);
    expect(slugs()).toEqual(['a']);
  });

  it('leaves the database writable after a query', () => {
    queryRows(db, 'SELECT 1', undefined);
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
    expect(() => queryRows(db, 'BEGIN', undefined)).toThrow(
      expect.objectContaining({ code: 'SQL_FAILED' }),
    );
    runInTransaction(db, [{ sql: "INSERT INTO notes (slug) VALUES ('after')" }]);
    expect(slugs()).toEqual(['after']);
  });
});
