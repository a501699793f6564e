import { describe, expect, it } from 'vitest';
import {
  fingerprintSchema,
  isMigrationError,
  runMigrations,
  sameSchema,
} from '../../../src/index.ts';
import { databaseFrom, memoryDatabase, scalar } from '../../helpers/sqljs.ts';

const fingerprintOf = (sql: string) => fingerprintSchema(databaseFrom(sql));

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isMigrationError(error)) return error;
    throw error;
  }
  throw new Error('expected a MigrationError');
}

describe('the fingerprint', () => {
  it('tells a partial index written with a parenthesised WHERE from a full one', () => {
    expect(
      sameSchema(
        fingerprintOf('CREATE TABLE t (x); CREATE INDEX i ON t(x) WHERE (x IS NULL);'),
        fingerprintOf('CREATE TABLE t (x); CREATE INDEX i ON t(x);'),
      ),
    ).toBe(false);
  });

  it('takes a WHERE clause with and without wrapping parentheses for the same', () => {
    expect(
      sameSchema(
        fingerprintOf('CREATE TABLE t (x); CREATE INDEX i ON t(x) WHERE (x IS NULL);'),
        fingerprintOf('CREATE TABLE t (x); CREATE INDEX i ON t(x) WHERE x IS NULL;'),
      ),
    ).toBe(true);
  });

  it('takes a trigger with and without FOR EACH ROW for the same', () => {
    const table = 'CREATE TABLE t (x); CREATE TABLE log (x);';
    expect(
      sameSchema(
        fingerprintOf(
          `${table} CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW BEGIN INSERT INTO log VALUES (new.x); END;`,
        ),
        fingerprintOf(
          `${table} CREATE TRIGGER g AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); END;`,
        ),
      ),
    ).toBe(true);
  });
});

describe('execution', () => {
  it('skips a named BEGIN TRANSACTION … COMMIT TRANSACTION pair in a file', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, [
      {
        name: '001_named.sql',
        sql: 'BEGIN TRANSACTION setup;\nCREATE TABLE a (x);\nCOMMIT TRANSACTION setup;\n',
      },
    ]);
    expect(report.executed).toEqual(['001_named.sql']);
    expect(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'a'")).toBe(1);
  });

  it('does not blame orphans that a table rebuild renumbers on the rebuild', () => {
    const base = {
      name: '001_base.sql',
      sql: `CREATE TABLE p (id INTEGER PRIMARY KEY);
            CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));`,
    };
    const db = memoryDatabase();
    runMigrations(db, [base]);
    // Orphans an app left while it kept foreign keys off, as SQLite does by default.
    db.exec(`PRAGMA foreign_keys = OFF;
             INSERT INTO p VALUES (1);
             INSERT INTO c (id, p_id) VALUES (10, 404), (11, 405);`);
    const rebuild = {
      name: '002_rebuild_c.sql',
      sql: `CREATE TABLE c_new (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id), note TEXT);
            INSERT INTO c_new (p_id) VALUES (1);
            INSERT INTO c_new (p_id) SELECT p_id FROM c;
            DROP TABLE c;
            ALTER TABLE c_new RENAME TO c;`,
    };
    const report = runMigrations(db, [base, rebuild]);
    expect(report.executed).toEqual(['002_rebuild_c.sql']);
    expect(scalar(db, 'SELECT count(*) FROM c')).toBe(3);
  });
});

describe('the ledger', () => {
  it('refuses a schema_migrations without applied_at as another tool’s, with a code', () => {
    const db = databaseFrom(
      'CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, migration_name TEXT UNIQUE NOT NULL);',
    );
    expect(errorOf(() => runMigrations(db, [])).code).toBe('UNRECOGNIZED_SCHEMA');
  });
});

describe('a failure after earlier migrations of the same run', () => {
  it('says the earlier ones stay applied instead of claiming the database is unchanged', () => {
    const db = memoryDatabase();
    const error = errorOf(() =>
      runMigrations(db, [
        { name: '001_a.sql', sql: 'CREATE TABLE a (x);' },
        { name: '002_b.sql', sql: 'INSERT INTO nope VALUES (1);' },
      ]),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(error.message).toBe(
      '002_b.sql line 1: no such table: nope (this migration was rolled back; the 1 before it in this run stay applied: 001_a.sql)',
    );
    expect(
      scalar(db, "SELECT count(*) FROM schema_migrations WHERE migration_name = '001_a.sql'"),
    ).toBe(1);
  });
});
