import type { Database } from 'sql.js';
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

describe('the fingerprint reads what only the stored definition says', () => {
  test.each([
    [
      'a table CHECK',
      'CREATE TABLE t (a INTEGER, CHECK (a > 0));',
      'CREATE TABLE t (a INTEGER);',
      'check (a>0): only in the database',
    ],
    [
      "a column CHECK's expression",
      'CREATE TABLE t (a INTEGER CHECK (a > 0));',
      'CREATE TABLE t (a INTEGER CHECK (a >= 0));',
      'check (a>0): only in the database',
    ],
    [
      "a CHECK's name (SQLite reports it when the check fails)",
      'CREATE TABLE t (a INTEGER CONSTRAINT positive CHECK (a > 0));',
      'CREATE TABLE t (a INTEGER CHECK (a > 0));',
      'check positive (a>0): only in the database',
    ],
    [
      "a column's collation",
      'CREATE TABLE t (a TEXT COLLATE NOCASE);',
      'CREATE TABLE t (a TEXT);',
      'column a: collation nocase, expected binary',
    ],
    [
      "a generated column's expression",
      'CREATE TABLE t (a INTEGER, b INTEGER AS (a + 1));',
      'CREATE TABLE t (a INTEGER, b INTEGER AS (a + 2));',
      'column b: generated as (a+1) virtual, expected generated as (a+2) virtual',
    ],
    [
      'a stored generated column from a virtual one',
      'CREATE TABLE t (a INTEGER, b INTEGER AS (a + 1) STORED);',
      'CREATE TABLE t (a INTEGER, b INTEGER AS (a + 1));',
      'column b: generated as (a+1) stored, expected generated as (a+1) virtual',
    ],
    [
      'AUTOINCREMENT',
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);',
      'CREATE TABLE t (id INTEGER PRIMARY KEY);',
      'primary key: autoincrement, expected plain',
    ],
    [
      "the primary key's conflict clause",
      'CREATE TABLE t (id TEXT PRIMARY KEY ON CONFLICT REPLACE);',
      'CREATE TABLE t (id TEXT PRIMARY KEY);',
      'primary key: on conflict replace, expected plain',
    ],
    [
      "NOT NULL's conflict clause",
      'CREATE TABLE t (a TEXT NOT NULL ON CONFLICT IGNORE);',
      'CREATE TABLE t (a TEXT NOT NULL);',
      'column a: NOT NULL ON CONFLICT IGNORE, expected NOT NULL',
    ],
    [
      "a UNIQUE constraint's conflict clause",
      'CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE);',
      'CREATE TABLE t (a TEXT UNIQUE);',
      'unique constraint on a: missing',
    ],
    [
      'an INTEGER PRIMARY KEY DESC on the column, which is no rowid alias',
      'CREATE TABLE t (id INTEGER PRIMARY KEY DESC);',
      'CREATE TABLE t (id INTEGER, PRIMARY KEY (id DESC));',
      'primary key: id desc, expected plain',
    ],
    [
      "a key column's collation of its own",
      'CREATE TABLE t (a TEXT, PRIMARY KEY (a COLLATE NOCASE));',
      'CREATE TABLE t (a TEXT, PRIMARY KEY (a));',
      'primary key: a collate nocase, expected plain',
    ],
    [
      "a key column's own BINARY over a column of another collation",
      'CREATE TABLE t (a TEXT COLLATE NOCASE, PRIMARY KEY (a COLLATE BINARY));',
      'CREATE TABLE t (a TEXT COLLATE NOCASE, PRIMARY KEY (a));',
      'primary key: a collate binary, expected plain',
    ],
    ['STRICT', 'CREATE TABLE t (a TEXT) STRICT;', 'CREATE TABLE t (a TEXT);', 'STRICT differs'],
  ])('%s', (_, actual, expected, detail) => {
    expect(differences(actual, expected)).toContainEqual({
      kind: 'table',
      object: 't',
      table: 't',
      detail,
    });
  });

  test('a deferred foreign key from an immediate one', () => {
    const found = differences(
      `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id) DEFERRABLE INITIALLY DEFERRED);`,
      `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id));`,
    );
    expect(found.map((d) => d.detail)).toContain(
      'foreign key (author_id)->authors(id) on update no action on delete no action deferred: only in the database',
    );
  });

  test("an index column's own BINARY over a column of another collation", () => {
    expect(
      same(
        'CREATE TABLE t (a TEXT COLLATE NOCASE); CREATE INDEX i ON t(a COLLATE BINARY);',
        'CREATE TABLE t (a TEXT COLLATE NOCASE); CREATE INDEX i ON t(a);',
      ),
    ).toBe(false);
  });

  test("an index column by its table column's collation", () => {
    expect(
      same(
        'CREATE TABLE t (a TEXT COLLATE NOCASE); CREATE INDEX i ON t(a);',
        'CREATE TABLE t (a TEXT); CREATE INDEX i ON t(a);',
      ),
    ).toBe(false);
  });
});

describe('the fingerprint reads definitions as SQLite does, and so ignores', () => {
  test.each([
    [
      'the spelling of a CHECK',
      'CREATE TABLE t (a INTEGER, CHECK (A>0 AND a != 3));',
      'create table t (a integer, check ((a > 0 and a!=3)));',
    ],
    [
      'whether a CHECK is written on its column or on the table',
      'CREATE TABLE t (a INTEGER CHECK (a > 0));',
      'CREATE TABLE t (a INTEGER, CHECK (a > 0));',
    ],
    [
      'COLLATE BINARY, the default',
      'CREATE TABLE t (a TEXT COLLATE BINARY);',
      'CREATE TABLE t (a TEXT);',
    ],
    [
      'the case of a collation',
      'CREATE TABLE t (a TEXT COLLATE nocase);',
      'CREATE TABLE t (a TEXT COLLATE NOCASE);',
    ],
    [
      'ON CONFLICT ABORT, the default',
      'CREATE TABLE t (a TEXT NOT NULL ON CONFLICT ABORT UNIQUE ON CONFLICT ABORT);',
      'CREATE TABLE t (a TEXT NOT NULL UNIQUE);',
    ],
    [
      'the names of constraints SQLite never reports',
      'CREATE TABLE t (a TEXT CONSTRAINT k PRIMARY KEY CONSTRAINT n NOT NULL CONSTRAINT u UNIQUE);',
      'CREATE TABLE t (a TEXT PRIMARY KEY NOT NULL UNIQUE);',
    ],
    [
      'GENERATED ALWAYS and VIRTUAL, which are the defaults',
      'CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL);',
      'CREATE TABLE t (a INTEGER, b INTEGER AS (a*2));',
    ],
    [
      'a foreign key that is deferrable but not initially deferred, and MATCH',
      `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id) MATCH FULL DEFERRABLE INITIALLY IMMEDIATE);`,
      `${PARENT}CREATE TABLE books (author_id INTEGER REFERENCES authors(id));`,
    ],
    [
      'a one-column key written on the column or on the table',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE);',
      'CREATE TABLE t (id INTEGER, a TEXT, PRIMARY KEY (id), UNIQUE (a));',
    ],
    [
      'a UNIQUE that repeats the primary key, which SQLite drops',
      'CREATE TABLE t (a TEXT PRIMARY KEY UNIQUE);',
      'CREATE TABLE t (a TEXT PRIMARY KEY);',
    ],
    [
      "NOT NULL on a WITHOUT ROWID table's key, which it has anyway",
      'CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;',
      'CREATE TABLE t (a TEXT PRIMARY KEY) WITHOUT ROWID;',
    ],
    [
      "NOT NULL on a STRICT table's key, which it has anyway",
      'CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY) STRICT;',
      'CREATE TABLE t (a TEXT PRIMARY KEY) STRICT;',
    ],
    [
      'the spacing of a type',
      'CREATE TABLE t (a VARCHAR ( 255 ));',
      'CREATE TABLE t (a VARCHAR(255));',
    ],
    [
      'a bare name as a default, which SQLite takes for a string',
      'CREATE TABLE t (a TEXT DEFAULT draft);',
      "CREATE TABLE t (a TEXT DEFAULT 'draft');",
    ],
    [
      'the order of table options',
      'CREATE TABLE t (a TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;',
      'CREATE TABLE t (a TEXT PRIMARY KEY) WITHOUT ROWID, STRICT;',
    ],
    [
      'a table name holding parentheses and a column named like a keyword',
      'CREATE TABLE "t(1)" ("key" TEXT, [check(] INTEGER CHECK ("check(" > 0));',
      'CREATE TABLE [t(1)] (key TEXT, "check(" INTEGER CHECK ([check(] > 0));',
    ],
  ])('%s', (_, a, b) => {
    expect(differences(a, b)).toEqual([]);
  });
});

describe("the fingerprint's cost", () => {
  /** A schema of `count` tables, each with an index, and views SQLite cannot compile alone. */
  function wideDatabase(count: number) {
    const statements: string[] = [];
    for (let i = 0; i < count; i++)
      statements.push(
        `CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, CHECK (name <> '')) STRICT;`,
        `CREATE INDEX t${i}_name ON t${i}(lower(name));`,
        // \`app_slug\` is a function only the app registers, so this view is never compiled.
        `CREATE VIEW v${i} AS SELECT app_slug(name) AS slug FROM t${i};`,
      );
    return databaseFrom(statements.join('\n'));
  }

  /** How many statements SQLite is asked to prepare while `work` runs on `db`. */
  function statementsPrepared(db: Database, work: (db: Database) => void): number {
    let prepared = 0;
    const counting = new Proxy(db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (['prepare', 'exec', 'run', 'iterateStatements'].includes(String(property)))
            prepared++;
          return value.apply(target, args);
        };
      },
    });
    work(counting);
    return prepared;
  }

  test('is one query, however many tables and views SQLite cannot compile alone', () => {
    const one = statementsPrepared(wideDatabase(1), fingerprintSchema);
    const forty = statementsPrepared(wideDatabase(40), fingerprintSchema);
    expect({ one, forty }).toEqual({ one: 1, forty: 1 });
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
