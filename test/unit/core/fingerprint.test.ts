import { describe, expect, test } from 'vitest';
import { diffSchemas, fingerprintSchema, runMigrations, sameSchema } from '../../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { databaseFrom } from '../../helpers/sqljs.ts';

const fingerprintOf = (sql: string) => fingerprintSchema(databaseFrom(sql));
const same = (a: string, b: string) => sameSchema(fingerprintOf(a), fingerprintOf(b));
const differences = (actual: string, expected: string) =>
  diffSchemas(fingerprintOf(actual), fingerprintOf(expected));

const PARENT = 'CREATE TABLE authors (id INTEGER PRIMARY KEY);\n';

describe('the fingerprint ignores', () => {
  test.each([
    [
      'column order',
      'CREATE TABLE t (a INTEGER, b TEXT NOT NULL, c REAL DEFAULT 1);',
      'CREATE TABLE t (c REAL DEFAULT 1, a INTEGER, b TEXT NOT NULL);',
    ],
    [
      'a column added by ALTER TABLE instead of written out',
      'CREATE TABLE t (a INTEGER); ALTER TABLE t ADD COLUMN b TEXT;',
      'CREATE TABLE t (a INTEGER, b TEXT);',
    ],
    [
      'identifier quoting',
      'CREATE TABLE "t" ("a" INTEGER, [b] TEXT, `c` REAL); CREATE INDEX "i" ON "t"("a"); CREATE VIEW "v" AS SELECT "a" FROM "t";',
      'CREATE TABLE t (a INTEGER, b TEXT, c REAL); CREATE INDEX i ON t(a); CREATE VIEW v AS SELECT a FROM t;',
    ],
    [
      'whitespace and line breaks',
      'CREATE TABLE t (a INTEGER,\n\n    b TEXT   NOT   NULL);\nCREATE VIEW v AS\n  SELECT a ,  b\n  FROM t;',
      'CREATE TABLE t (a INTEGER, b TEXT NOT NULL); CREATE VIEW v AS SELECT a, b FROM t;',
    ],
    [
      'the case of keywords, names and types',
      'create table T (A integer not null default 0); create index I on T(A); create view V as select A from T;',
      'CREATE TABLE t (a INTEGER NOT NULL DEFAULT 0); CREATE INDEX i ON t(a); CREATE VIEW v AS SELECT a FROM t;',
    ],
    [
      'comments in definitions',
      'CREATE TABLE t (a INTEGER -- the key\n, b TEXT /* free text */); CREATE VIEW v AS SELECT a /* only a */ FROM t;',
      'CREATE TABLE t (a INTEGER, b TEXT); CREATE VIEW v AS SELECT a FROM t;',
    ],
    [
      'the parentheses around a default',
      'CREATE TABLE t (a INTEGER DEFAULT (0), b TEXT DEFAULT (CURRENT_TIMESTAMP));',
      'CREATE TABLE t (a INTEGER DEFAULT 0, b TEXT DEFAULT CURRENT_TIMESTAMP);',
    ],
    [
      'the order objects were created in',
      'CREATE TABLE b (x); CREATE TABLE a (y); CREATE INDEX ia ON a(y);',
      'CREATE TABLE a (y); CREATE INDEX ia ON a(y); CREATE TABLE b (x);',
    ],
    [
      'rows',
      'CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2);',
      'CREATE TABLE t (a INTEGER);',
    ],
    [
      'the ledger',
      'CREATE TABLE t (a INTEGER); CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, migration_name TEXT UNIQUE NOT NULL, applied_at TIMESTAMP);',
      'CREATE TABLE t (a INTEGER);',
    ],
    [
      "SQLite's internal tables (sqlite_sequence)",
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO t DEFAULT VALUES;',
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);',
    ],
    [
      'analysis tables (sqlite_stat1)',
      'CREATE TABLE t (a INTEGER); CREATE INDEX i ON t(a); INSERT INTO t VALUES (1); ANALYZE;',
      'CREATE TABLE t (a INTEGER); CREATE INDEX i ON t(a);',
    ],
    [
      "an FTS table's shadow tables (only the virtual table counts)",
      'CREATE VIRTUAL TABLE f USING fts4(body);',
      'CREATE VIRTUAL TABLE f USING fts4(body);',
    ],
  ])('%s', (_, a, b) => {
    expect(differences(a, b)).toEqual([]);
    expect(same(a, b)).toBe(true);
  });
});

describe('the fingerprint distinguishes', () => {
  test.each([
    [
      'a column type',
      'CREATE TABLE t (a TEXT);',
      'CREATE TABLE t (a INTEGER);',
      'column a: type TEXT, expected INTEGER',
    ],
    [
      'NOT NULL',
      'CREATE TABLE t (a TEXT);',
      'CREATE TABLE t (a TEXT NOT NULL);',
      'column a: nullable, expected NOT NULL',
    ],
    [
      'a default value',
      "CREATE TABLE t (a TEXT DEFAULT 'x');",
      "CREATE TABLE t (a TEXT DEFAULT 'y');",
      "column a: default 'x', expected 'y'",
    ],
    [
      'a default and none',
      'CREATE TABLE t (a TEXT);',
      "CREATE TABLE t (a TEXT DEFAULT '');",
      "column a: default (none), expected ''",
    ],
    [
      'the primary key',
      'CREATE TABLE t (a INTEGER, b INTEGER);',
      'CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER);',
      'column a: primary key position 0, expected 1',
    ],
    [
      'a missing column',
      'CREATE TABLE t (a INTEGER);',
      'CREATE TABLE t (a INTEGER, b TEXT);',
      'column b: missing',
    ],
    [
      'an extra column',
      'CREATE TABLE t (a INTEGER, b TEXT);',
      'CREATE TABLE t (a INTEGER);',
      'column b: only in the database',
    ],
  ])('%s', (_, actual, expected, detail) => {
    expect(differences(actual, expected)).toEqual([
      { kind: 'table', object: 't', table: 't', detail },
    ]);
  });

  test('a UNIQUE column constraint', () => {
    const found = differences('CREATE TABLE t (a TEXT);', 'CREATE TABLE t (a TEXT UNIQUE);');
    expect(found).toEqual([
      { kind: 'table', object: 't', table: 't', detail: 'unique constraint on a: missing' },
    ]);
  });

  test('a unique index from a plain one', () => {
    const found = differences(
      'CREATE TABLE t (a TEXT); CREATE INDEX i ON t(a);',
      'CREATE TABLE t (a TEXT); CREATE UNIQUE INDEX i ON t(a);',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'index', object: 'i', table: 't' });
    expect(found[0]?.detail).toContain('expected unique');
  });

  test('the clause of a partial index', () => {
    const found = differences(
      'CREATE TABLE t (a TEXT, gone TEXT); CREATE INDEX i ON t(a) WHERE gone IS NULL;',
      'CREATE TABLE t (a TEXT, gone TEXT); CREATE INDEX i ON t(a) WHERE gone IS NOT NULL;',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.detail).toContain('where gone is not null');
  });

  test('a partial index from a full one', () => {
    expect(
      same(
        'CREATE TABLE t (a TEXT, gone TEXT); CREATE INDEX i ON t(a) WHERE gone IS NULL;',
        'CREATE TABLE t (a TEXT, gone TEXT); CREATE INDEX i ON t(a);',
      ),
    ).toBe(false);
  });

  test('the columns of an index and their order', () => {
    expect(
      same(
        'CREATE TABLE t (a, b); CREATE INDEX i ON t(a, b);',
        'CREATE TABLE t (a, b); CREATE INDEX i ON t(b, a);',
      ),
    ).toBe(false);
  });

  test('a descending index column', () => {
    expect(
      same(
        'CREATE TABLE t (a); CREATE INDEX i ON t(a DESC);',
        'CREATE TABLE t (a); CREATE INDEX i ON t(a);',
      ),
    ).toBe(false);
  });

  test('a foreign key and none', () => {
    const found = differences(
      `${PARENT}CREATE TABLE books (author_id INTEGER);`,
      `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id));`,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'table', object: 'books' });
    expect(found[0]?.detail).toMatch(/^foreign key \(author_id\)->authors\(id\).*: missing$/);
  });

  test.each([
    ['ON DELETE CASCADE and SET NULL', 'ON DELETE CASCADE', 'ON DELETE SET NULL'],
    ['ON DELETE CASCADE and none', 'ON DELETE CASCADE', ''],
    ['ON UPDATE CASCADE and RESTRICT', 'ON UPDATE CASCADE', 'ON UPDATE RESTRICT'],
  ])('foreign key actions: %s', (_, one, other) => {
    expect(
      same(
        `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id) ${one});`,
        `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id) ${other});`,
      ),
    ).toBe(false);
  });

  test('trigger bodies', () => {
    const table = 'CREATE TABLE t (a INTEGER, n INTEGER);\n';
    const found = differences(
      `${table}CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 1; END;`,
      `${table}CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 2; END;`,
    );
    expect(found).toEqual([
      { kind: 'trigger', object: 'tr', table: 't', detail: 'has a different definition' },
    ]);
  });

  test('trigger events', () => {
    const table = 'CREATE TABLE t (a INTEGER, n INTEGER);\n';
    expect(
      same(
        `${table}CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;`,
        `${table}CREATE TRIGGER tr AFTER DELETE ON t BEGIN SELECT 1; END;`,
      ),
    ).toBe(false);
  });

  test('views', () => {
    const table = 'CREATE TABLE t (a INTEGER, b INTEGER);\n';
    expect(
      differences(
        `${table}CREATE VIEW v AS SELECT a FROM t;`,
        `${table}CREATE VIEW v AS SELECT a, b FROM t;`,
      ),
    ).toEqual([{ kind: 'view', object: 'v', table: 'v', detail: 'has a different definition' }]);
  });

  test('a view and a missing one', () => {
    expect(
      differences('CREATE TABLE t (a);', 'CREATE TABLE t (a); CREATE VIEW v AS SELECT a FROM t;'),
    ).toEqual([{ kind: 'view', object: 'v', table: 'v', detail: 'missing from the database' }]);
  });

  test('string literals by their case', () => {
    const table = 'CREATE TABLE t (a TEXT);\n';
    expect(
      same(
        `${table}CREATE VIEW v AS SELECT a FROM t WHERE a = 'Yes';`,
        `${table}CREATE VIEW v AS SELECT a FROM t WHERE a = 'yes';`,
      ),
    ).toBe(false);
  });

  test('whitespace inside a string literal (it is data, not layout)', () => {
    expect(
      same("CREATE TABLE t (a TEXT DEFAULT 'a  b');", "CREATE TABLE t (a TEXT DEFAULT 'a b');"),
    ).toBe(false);
  });

  test('spacing after a comma inside a string literal in a view', () => {
    const table = 'CREATE TABLE t (a TEXT);\n';
    expect(
      same(
        `${table}CREATE VIEW v AS SELECT a FROM t WHERE a = 'x, y';`,
        `${table}CREATE VIEW v AS SELECT a FROM t WHERE a = 'x,y';`,
      ),
    ).toBe(false);
  });

  test('virtual table definitions', () => {
    expect(
      differences(
        'CREATE VIRTUAL TABLE f USING fts4(body);',
        'CREATE VIRTUAL TABLE f USING fts4(body, title);',
      ),
    ).toEqual([expect.objectContaining({ kind: 'virtual table', object: 'f', table: 'f' })]);
  });

  test('a table and a missing one, naming the table', () => {
    expect(differences('CREATE TABLE a (x);', 'CREATE TABLE a (x); CREATE TABLE b (y);')).toEqual([
      { kind: 'table', object: 'b', table: 'b', detail: 'missing from the database' },
    ]);
  });

  test('WITHOUT ROWID', () => {
    expect(
      same(
        'CREATE TABLE t (a TEXT PRIMARY KEY) WITHOUT ROWID;',
        'CREATE TABLE t (a TEXT PRIMARY KEY);',
      ),
    ).toBe(false);
  });
});

describe('the demo', () => {
  test("running every migration gives schema.sql's fingerprint", () => {
    const migrated = databaseFrom('');
    runMigrations(migrated, DEMO_MIGRATIONS);
    expect(diffSchemas(fingerprintSchema(migrated), fingerprintOf(DEMO_SCHEMA))).toEqual([]);
  });

  test('the fingerprint is plain, JSON-stable data', () => {
    const fingerprint = fingerprintOf(DEMO_SCHEMA);
    expect(JSON.parse(JSON.stringify(fingerprint))).toEqual({ ...fingerprint });
    expect(Object.keys(fingerprint.tables)).toEqual([...Object.keys(fingerprint.tables)].sort());
  });
});
