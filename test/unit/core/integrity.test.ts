import { describe, expect, test } from 'vitest';
import { runMigrations } from '../../../src/index.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import { byteDifference, bytesOf, memoryDatabase, rows, scalar } from '../../helpers/sqljs.ts';

const CREATE_A = migration(
  '001_a.sql',
  `CREATE TABLE a (x INTEGER, y TEXT);
CREATE INDEX a_x ON a (x);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO a (x, y) SELECT i, printf('%0500d', i) FROM n;
`,
);

/** A tracked database at 001, its bytes, and a run of `sql` as 002 that must be refused. */
function refusedAfter(sql: string, options: { dryRun?: boolean } = {}) {
  const db = memoryDatabase();
  runMigrations(db, [CREATE_A]);
  const before = bytesOf(db);
  const error = catchMigrationError(() =>
    runMigrations(db, [CREATE_A, migration('002_bad.sql', sql)], options),
  );
  return { db, before, error };
}

describe('a migration that writes the schema directly', () => {
  test('is refused when it leaves a definition SQLite cannot parse, naming the file and why', () => {
    const { error } = refusedAfter(
      "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE a (x INTEGER' WHERE name='a';\n",
    );

    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.migrationName).toBe('002_bad.sql');
    expect(error.message).toMatch(/^002_bad\.sql: .*malformed database schema \(a\)/);
    expect(error.message).toContain('(the database is unchanged)');
  });

  test('leaves the database byte-identical and readable after that refusal', () => {
    const { db, before } = refusedAfter(
      "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE a (x INTEGER' WHERE name='a';\n",
    );

    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(scalar(db, 'SELECT count(*) FROM a')).toBe(200);
  });

  test("is refused when it deletes a table's schema row, orphaning its pages", () => {
    const { db, before, error } = refusedAfter(
      "PRAGMA writable_schema=ON;\nDELETE FROM sqlite_master WHERE name IN ('a', 'a_x');\nPRAGMA writable_schema=OFF;\n",
    );

    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/Page \d+: never used/);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(scalar(db, 'SELECT count(*) FROM a')).toBe(200);
  });

  test('is refused when it points an index at another column, which quick_check misses', () => {
    const { error } = refusedAfter(
      "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE INDEX a_x ON a (y)' WHERE name='a_x';\n",
    );

    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toMatch(/missing from index a_x|wrong # of entries in index a_x/);
  });

  test('is refused in a dry run too, leaving the database as it was', () => {
    const { db, before, error } = refusedAfter(
      "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE a (x INTEGER' WHERE name='a';\n",
      { dryRun: true },
    );

    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('commits when what it wrote is sound, and turns writing the schema off again', () => {
    const db = memoryDatabase();
    runMigrations(db, [CREATE_A]);

    runMigrations(db, [
      CREATE_A,
      migration(
        '002_default.sql',
        "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE a (x INTEGER, y TEXT DEFAULT ''none'')' WHERE name='a';\n",
      ),
    ]);

    db.run('INSERT INTO a (x) VALUES (0)');
    expect(scalar(db, 'SELECT y FROM a WHERE x = 0')).toBe('none');
    expect(scalar(db, 'PRAGMA writable_schema')).toBe(0);
  });

  test('leaves writing the schema off when it fails on a later statement', () => {
    const { db, error } = refusedAfter(
      'PRAGMA writable_schema=ON;\nINSERT INTO no_such_table VALUES (1);\n',
    );

    expect(error.code).toBe('SQL_FAILED');
    expect(scalar(db, 'PRAGMA writable_schema')).toBe(0);
    expect(rows(db, "SELECT name FROM sqlite_master WHERE name = 'a'")).toHaveLength(1);
  });
});
