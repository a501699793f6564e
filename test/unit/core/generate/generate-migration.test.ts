import type { Database } from 'sql.js';
import { describe, expect, test } from 'vitest';
import {
  describeDifference,
  diffSchemas,
  fingerprintSchema,
  type GenerateMigrationOptions,
  generateMigration,
  runMigrations,
} from '../../../../src/index.ts';
import { catchMigrationError } from '../../../helpers/migration-error.ts';
import { memoryDatabase, rows, scalar } from '../../../helpers/sqljs.ts';

const options: GenerateMigrationOptions = { createDatabase: memoryDatabase, name: '002_next.sql' };

/**
 * A database built by `from` with `data` written into it, foreign keys on as an app holds it,
 * then migrated by the runner with `from` as its first migration and the written one second.
 */
function migrated(from: string, data: string, sql: string): Database {
  const db = memoryDatabase();
  db.exec(from);
  db.exec(data);
  db.run('PRAGMA foreign_keys = ON');
  runMigrations(
    db,
    [
      { name: '001_from.sql', sql: from },
      { name: '002_next.sql', sql },
    ],
    { createDatabase: memoryDatabase },
  );
  return db;
}

/** How `db`'s schema differs from the one `sql` builds, in words; empty when it is the same. */
function differencesFrom(db: Database, sql: string): string[] {
  const expected = memoryDatabase();
  expected.exec(sql);
  return diffSchemas(fingerprintSchema(db), fingerprintSchema(expected)).map(describeDifference);
}

const AUTHORS = `CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE, title TEXT);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE, body TEXT);
`;
const AUTHOR_ROWS = `INSERT INTO authors VALUES (1, 'Ada'), (2, 'Grace');
INSERT INTO posts VALUES (10, 1, 'First'), (11, 2, 'Second');
INSERT INTO comments VALUES (100, 10, 'Nice'), (101, 11, 'Agreed');
`;

describe('a rebuilt parent table', () => {
  // authors gains a CHECK, which ALTER TABLE cannot add: authors is rebuilt under its children.
  const to = AUTHORS.replace('name TEXT NOT NULL)', "name TEXT NOT NULL CHECK (name <> ''))");

  test('is rebuilt in the order SQLite prescribes: the new table is created, then renamed', () => {
    const { sql } = generateMigration(AUTHORS, to, options);
    const order = [
      'CREATE TABLE "new_authors"',
      'INSERT INTO "new_authors"',
      'DROP TABLE "authors"',
      'ALTER TABLE "new_authors" RENAME TO "authors"',
    ];
    expect(order.map((statement) => sql.indexOf(statement))).toEqual(
      [...order.map((statement) => sql.indexOf(statement))].sort((a, b) => a - b),
    );
    expect(sql).not.toMatch(/ALTER TABLE "authors" RENAME/);
  });

  test("keeps its children's rows and their foreign keys, run with foreign keys on", () => {
    const { sql } = generateMigration(AUTHORS, to, options);

    const db = migrated(AUTHORS, AUTHOR_ROWS, sql);

    expect(differencesFrom(db, to)).toEqual([]);
    expect(rows(db, 'SELECT id, author_id FROM posts ORDER BY id')).toEqual([
      { id: 10, author_id: 1 },
      { id: 11, author_id: 2 },
    ]);
    expect(scalar(db, 'SELECT count(*) FROM comments')).toBe(2);
    expect(rows(db, 'SELECT "table" FROM pragma_foreign_key_list(\'posts\')')).toEqual([
      { table: 'authors' },
    ]);
    // The keys still work: deleting an author cascades as it did.
    db.run('DELETE FROM authors WHERE id = 1');
    expect(scalar(db, 'SELECT count(*) FROM posts')).toBe(1);
    expect(scalar(db, 'SELECT count(*) FROM comments')).toBe(1);
  });

  test('keeps the children run by hand too, in a connection with foreign keys on', () => {
    const { sql } = generateMigration(AUTHORS, to, options);
    const db = memoryDatabase();
    db.exec(AUTHORS);
    db.exec(AUTHOR_ROWS);
    db.run('PRAGMA foreign_keys = ON');

    db.exec(sql);

    expect(scalar(db, 'SELECT count(*) FROM posts')).toBe(2);
    expect(scalar(db, 'SELECT count(*) FROM comments')).toBe(2);
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });
});

describe('a dropped parent table', () => {
  test('takes no row of its children with it, when dropping it is allowed', () => {
    const to = `CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE, body TEXT);
`;
    const { sql, warnings } = generateMigration(AUTHORS, to, { ...options, allowDataLoss: true });

    const db = migrated(AUTHORS, AUTHOR_ROWS, sql);

    expect(differencesFrom(db, to)).toEqual([]);
    expect(scalar(db, 'SELECT count(*) FROM posts')).toBe(2);
    expect(scalar(db, 'SELECT count(*) FROM comments')).toBe(2);
    expect(sql).toContain(
      '-- Tables that go, with their rows (data loss, allowed).\nDROP TABLE "authors";',
    );
    expect(warnings).toContain('data loss, allowed: table authors is dropped with its rows');
  });

  test('is refused without leave to lose data, naming it', () => {
    const error = catchMigrationError(() =>
      generateMigration(AUTHORS, 'CREATE TABLE posts (id INTEGER PRIMARY KEY);', options),
    );
    expect(error.code).toBe('DATA_LOSS');
    expect(error.message).toContain(
      '002_next.sql: reaching schema.sql loses data: table authors is dropped with its rows; column posts.author_id is dropped with its values; column posts.title is dropped with its values; table comments is dropped with its rows.',
    );
    expect(error.message).toMatch(/\(nothing was written\)$/);
  });
});

describe("a rebuilt table's dependents", () => {
  const from = `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, published INTEGER NOT NULL DEFAULT 0);
CREATE INDEX notes_published ON notes(published) WHERE published = 1;
CREATE UNIQUE INDEX notes_body ON notes(lower(body));
CREATE TABLE log (note_id INTEGER, what TEXT);
CREATE TRIGGER notes_logged AFTER INSERT ON notes BEGIN INSERT INTO log VALUES (new.id, 'insert'); END;
CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER);
CREATE TRIGGER tags_checked BEFORE INSERT ON tags BEGIN SELECT RAISE(ABORT, 'no such note') WHERE NOT EXISTS (SELECT 1 FROM notes WHERE id = new.note_id); END;
CREATE VIEW published AS SELECT id, body FROM notes WHERE published = 1;
CREATE VIEW published_count AS SELECT count(*) AS n FROM published;
`;
  // body gets a collation: notes is rebuilt.
  const to = from.replace('body TEXT NOT NULL,', 'body TEXT NOT NULL COLLATE NOCASE,');

  test('are all there again, and work', () => {
    const { sql } = generateMigration(from, to, options);

    const db = migrated(from, "INSERT INTO notes VALUES (1, 'Hello', 1), (2, 'Draft', 0);", sql);

    expect(differencesFrom(db, to)).toEqual([]);
    expect(scalar(db, 'SELECT n FROM published_count')).toBe(1);
    db.run("INSERT INTO notes (body) VALUES ('Third')");
    expect(rows(db, 'SELECT note_id, what FROM log ORDER BY rowid')).toEqual([
      { note_id: 1, what: 'insert' },
      { note_id: 2, what: 'insert' },
      { note_id: 3, what: 'insert' },
    ]);
    expect(() => db.run('INSERT INTO tags (note_id) VALUES (99)')).toThrow('no such note');
    expect(() => db.run("INSERT INTO notes (body) VALUES ('hello')")).toThrow('UNIQUE');
  });

  test('are dropped before the rebuild and created after it, views in the order they read each other', () => {
    const { sql } = generateMigration(from, to, options);
    const at = (text: string) => {
      const position = sql.indexOf(text);
      expect(position, text).toBeGreaterThan(-1);
      return position;
    };
    const rebuild = at('DROP TABLE "notes"');
    for (const dropped of [
      'DROP TRIGGER "notes_logged"',
      'DROP TRIGGER "tags_checked"',
      'DROP VIEW "published"',
      'DROP VIEW "published_count"',
    ])
      expect(at(dropped)).toBeLessThan(rebuild);
    expect(at('DROP VIEW "published_count"')).toBeLessThan(at('DROP VIEW "published"'));
    for (const created of [
      'CREATE INDEX notes_published',
      'CREATE UNIQUE INDEX notes_body',
      'CREATE TRIGGER notes_logged',
      'CREATE TRIGGER tags_checked',
    ])
      expect(at(created)).toBeGreaterThan(rebuild);
    expect(at('CREATE VIEW published AS')).toBeLessThan(at('CREATE VIEW published_count'));
    expect(sql).not.toContain('DROP TABLE "log"');
  });
});

describe('a column that holds data', () => {
  const from = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, file_path TEXT);';
  const to = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);';

  test('is never dropped silently', () => {
    const error = catchMigrationError(() => generateMigration(from, to, options));
    expect(error.code).toBe('DATA_LOSS');
    expect(error.message).toContain('column notes.file_path is dropped with its values');
  });

  test('is dropped with a comment when that is allowed, the other columns kept', () => {
    const { sql, warnings } = generateMigration(from, to, { ...options, allowDataLoss: true });
    expect(sql).toContain('-- Rebuild notes: column file_path: dropped.');
    expect(warnings).toEqual([
      'data loss, allowed: column notes.file_path is dropped with its values',
    ]);

    const db = migrated(from, "INSERT INTO notes VALUES (1, 'kept', 'gone');", sql);

    expect(rows(db, 'SELECT * FROM notes')).toEqual([{ id: 1, body: 'kept' }]);
  });

  test('is not data when it is generated: dropping it needs no leave', () => {
    const withGenerated =
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, size INTEGER AS (length(body)));';
    const { sql } = generateMigration(withGenerated, to, options);
    expect(sql).toContain('-- Rebuild notes: column size: dropped.');
  });

  test('renamed when a rename says so, with its values', () => {
    const renamed = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, path TEXT);';
    const { sql } = generateMigration(from, renamed, {
      ...options,
      renames: ['notes.file_path=path'],
    });
    expect(sql).toBe(
      '-- Renames, as asked: SQLite rewrites the keys, indexes, triggers and views that name them.\nALTER TABLE "notes" RENAME COLUMN "file_path" TO "path";\n',
    );

    const db = migrated(from, "INSERT INTO notes VALUES (1, 'b', 'p');", sql);

    expect(rows(db, 'SELECT * FROM notes')).toEqual([{ id: 1, body: 'b', path: 'p' }]);
  });

  test('is dropped and another created, not renamed, when no rename says so', () => {
    const renamed = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, path TEXT);';
    expect(catchMigrationError(() => generateMigration(from, renamed, options)).code).toBe(
      'DATA_LOSS',
    );
  });
});

describe('a new column that is NOT NULL without a default', () => {
  const from = 'CREATE TABLE sessions (id INTEGER PRIMARY KEY, me TEXT);';
  const to = 'CREATE TABLE sessions (id INTEGER PRIMARY KEY, me TEXT, user_id INTEGER NOT NULL);';

  test('is refused: no row has a value for it', () => {
    const error = catchMigrationError(() => generateMigration(from, to, options));
    expect(error.code).toBe('DATA_LOSS');
    expect(error.message).toContain(
      'the rows of sessions are dropped: its new column user_id is NOT NULL without a default, so no row has a value for it',
    );
  });

  test('drops the rows, saying so, when that is allowed', () => {
    const { sql } = generateMigration(from, to, { ...options, allowDataLoss: true });
    expect(sql).toContain(
      '-- 2. No row is copied (data loss, allowed): the new one has a NOT NULL column no row has a value for.',
    );
    const db = migrated(from, "INSERT INTO sessions VALUES (1, 'me');", sql);
    expect(scalar(db, 'SELECT count(*) FROM sessions')).toBe(0);
  });
});

describe('ADD COLUMN', () => {
  const from = `CREATE TABLE parents (id INTEGER PRIMARY KEY);
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
`;
  // What SQLite lets ADD COLUMN add to a table that has rows, and what it does not.
  test.each([
    ['a plain column', 'extra TEXT', true],
    ['NOT NULL with a default', 'extra INTEGER NOT NULL DEFAULT 0', true],
    ['a negative default', 'extra INTEGER DEFAULT -1', true],
    ['a string default in parentheses', "extra TEXT DEFAULT ('x')", true],
    ['a CHECK', 'extra INTEGER CHECK (extra > 0)', true],
    ['a collation', 'extra TEXT COLLATE NOCASE', true],
    ['a foreign key without a default', 'extra INTEGER REFERENCES parents(id)', true],
    ['a VIRTUAL generated column', 'extra INTEGER AS (length(body))', true],
    ['a default of the current time', 'extra TEXT DEFAULT CURRENT_TIMESTAMP', false],
    ['an expression default', 'extra INTEGER DEFAULT (1 + 1)', false],
    ['UNIQUE', 'extra TEXT UNIQUE', false],
    ['a STORED generated column', 'extra INTEGER AS (length(body)) STORED', false],
    ['a foreign key with a default', 'extra INTEGER DEFAULT 1 REFERENCES parents(id)', false],
    ['a CHECK written on the table', 'extra INTEGER, CHECK (extra > 0)', false],
  ])('adds %s by ADD COLUMN: %s', (_, column, addable) => {
    const to = from.replace('body TEXT)', `body TEXT, ${column})`);
    const { sql } = generateMigration(from, to, options);
    expect(sql.includes('ADD COLUMN') ? 'ADD COLUMN' : 'rebuild').toBe(
      addable ? 'ADD COLUMN' : 'rebuild',
    );
    if (addable) expect(sql).toBe(`-- New columns.\nALTER TABLE "notes" ADD COLUMN ${column};\n`);
    const db = migrated(
      from,
      "INSERT INTO parents VALUES (1); INSERT INTO notes VALUES (1, 'b');",
      sql,
    );
    expect(differencesFrom(db, to)).toEqual([]);
  });

  test('is no way to add a column to the primary key', () => {
    const keyed = from.replace(
      'notes (id INTEGER PRIMARY KEY, body TEXT)',
      'notes (id INTEGER, body TEXT)',
    );
    const to = from.replace(
      'notes (id INTEGER PRIMARY KEY, body TEXT)',
      'notes (id INTEGER, body TEXT, extra INTEGER, PRIMARY KEY (extra))',
    );
    expect(generateMigration(keyed, to, options).sql).toContain('-- Rebuild notes');
  });
});

describe('renames', () => {
  const from = `CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id));
CREATE VIEW names AS SELECT name FROM authors;
`;
  const to = `CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES writers(id));
CREATE VIEW names AS SELECT name FROM writers;
`;

  test('rename a table only when asked, and its references follow it', () => {
    const { sql } = generateMigration(from, to, { ...options, renames: ['authors=writers'] });
    expect(sql).toBe(
      '-- Renames, as asked: SQLite rewrites the keys, indexes, triggers and views that name them.\nALTER TABLE "authors" RENAME TO "writers";\n',
    );
    const db = migrated(
      from,
      "INSERT INTO authors VALUES (1, 'Ada'); INSERT INTO posts VALUES (1, 1);",
      sql,
    );
    expect(differencesFrom(db, to)).toEqual([]);
    expect(rows(db, 'SELECT * FROM names')).toEqual([{ name: 'Ada' }]);
  });

  test('are never guessed: without one the table is dropped and another created', () => {
    const error = catchMigrationError(() => generateMigration(from, to, options));
    expect(error.message).toContain('table authors is dropped with its rows');
  });

  test.each([
    [
      'no = in it',
      'authors',
      'rename authors: write a rename as old_table=new_table or table.old_column=new_column',
    ],
    [
      'a table the old schema lacks',
      'editors=writers',
      'rename editors=writers: the schema to start from has no table editors',
    ],
    [
      'a table the new schema lacks',
      'authors=editors',
      'rename authors=editors: schema.sql has no table editors',
    ],
    [
      'a table the new schema still has',
      'posts=writers',
      'rename posts=writers: schema.sql still has a table posts, so it was not renamed',
    ],
    [
      'a column the table lacks',
      'posts.title=name',
      "rename posts.title=name: the schema to start from's table posts has no column title",
    ],
    [
      'a table renamed twice',
      'authors=writers authors=writers',
      'rename authors=writers: table authors is renamed twice',
    ],
  ])('are refused for %s, naming what is wrong', (_, specs, message) => {
    const error = catchMigrationError(() =>
      generateMigration(from, to, { ...options, renames: specs.split(' ') }),
    );
    expect(error.code).toBe('BAD_RENAME');
    expect(error.message).toBe(`${message} (nothing was written)`);
  });

  test("may name a column by its table's new name", () => {
    const moved = to.replaceAll('name', 'full_name').replace('VIEW full_names', 'VIEW names');
    const { sql } = generateMigration(from, moved, {
      ...options,
      renames: ['authors=writers', 'writers.name=full_name'],
    });
    expect(sql).toContain('ALTER TABLE "writers" RENAME COLUMN "name" TO "full_name"');
  });
});

describe('rowids', () => {
  // Rows 1 and 3 of 4 deleted, so a copy that numbered rows afresh would give other rowids.
  const from = `CREATE TABLE notes (body TEXT);
CREATE VIRTUAL TABLE notes_search USING fts4(body);
`;
  const data = `INSERT INTO notes VALUES ('a'), ('b'), ('c'), ('d');
DELETE FROM notes WHERE rowid IN (1, 3);
INSERT INTO notes_search (docid, body) SELECT rowid, body FROM notes;
`;

  test('stay what they were through a rebuild, so what refers to them still finds them', () => {
    const to = from.replace('body TEXT)', "body TEXT CHECK (body <> ''))");
    const { sql } = generateMigration(from, to, options);

    const db = migrated(from, data, sql);

    expect(rows(db, 'SELECT rowid, body FROM notes ORDER BY rowid')).toEqual([
      { rowid: 2, body: 'b' },
      { rowid: 4, body: 'd' },
    ]);
    expect(
      rows(
        db,
        "SELECT notes.body FROM notes_search JOIN notes ON notes.rowid = notes_search.docid WHERE notes_search MATCH 'd'",
      ),
    ).toEqual([{ body: 'd' }]);
  });

  test('fill a new INTEGER PRIMARY KEY', () => {
    const to = from.replace('(body TEXT)', '(id INTEGER PRIMARY KEY, body TEXT)');
    const { sql } = generateMigration(from, to, options);

    const db = migrated(from, data, sql);

    expect(rows(db, 'SELECT id, body FROM notes ORDER BY id')).toEqual([
      { id: 2, body: 'b' },
      { id: 4, body: 'd' },
    ]);
  });
});

describe('AUTOINCREMENT', () => {
  test("goes along with a rebuilt table's rows, so no id is given out twice", () => {
    const from = 'CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);';
    const to = 'CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);';
    const { sql } = generateMigration(from, to, options);
    const db = migrated(
      from,
      "INSERT INTO notes (body) VALUES ('a'), ('b'), ('c'); DELETE FROM notes WHERE id = 3;",
      sql,
    );
    db.run("INSERT INTO notes (body) VALUES ('d')");
    expect(scalar(db, "SELECT id FROM notes WHERE body = 'd'")).toBe(4);
  });
});

describe('virtual tables', () => {
  const from =
    'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nCREATE VIRTUAL TABLE search USING fts4(body);\n';

  test('are created when new', () => {
    const { sql } = generateMigration(
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
      from,
      options,
    );
    expect(sql).toBe('-- New tables.\nCREATE VIRTUAL TABLE search USING fts4(body);\n');
  });

  test('are dropped and created again only with leave to lose data, with the reason', () => {
    const to = from.replace('fts4(body)', 'fts4(body, title)');
    const error = catchMigrationError(() => generateMigration(from, to, options));
    expect(error.code).toBe('DATA_LOSS');
    expect(error.message).toContain(
      'virtual table search is dropped with its rows, to be created again as a virtual table of another definition',
    );

    const { sql } = generateMigration(from, to, { ...options, allowDataLoss: true });
    expect(sql).toContain('DROP TABLE "search";');
    expect(sql).toContain('CREATE VIRTUAL TABLE search USING fts4(body, title);');
  });

  test('are renamed with their rows when a rename says so', () => {
    const to = from.replace('search', 'finder');
    const { sql } = generateMigration(from, to, { ...options, renames: ['search=finder'] });

    const db = migrated(from, "INSERT INTO search (docid, body) VALUES (7, 'hello');", sql);

    expect(rows(db, "SELECT docid FROM finder WHERE finder MATCH 'hello'")).toEqual([{ docid: 7 }]);
  });

  test('have columns SQLite cannot rename: refused, saying what SQLite said', () => {
    const to = from.replace('fts4(body)', 'fts4(text)');
    const error = catchMigrationError(() =>
      generateMigration(from, to, { ...options, renames: ['search.body=text'] }),
    );
    expect(error.code).toBe('CANNOT_GENERATE');
    expect(error.message).toMatch(
      /^002_next\.sql: cannot be written, SQLite refuses ALTER TABLE "search" RENAME COLUMN "body" TO "text": .+; rename it by hand in a migration of its own \(nothing was written\)$/,
    );
  });
});

describe('what the writer is given', () => {
  test('agrees already: nothing to write', () => {
    expect(generateMigration(AUTHORS, AUTHORS.replaceAll('\n', '\n\n'), options)).toEqual({
      sql: '',
      warnings: [],
      changes: [],
      proof: null,
    });
  });

  test('a schema that does not run: refused, naming its line', () => {
    const error = catchMigrationError(() =>
      generateMigration(AUTHORS, `${AUTHORS}CREATE TABLE broken (;\n`, options),
    );
    expect(error.code).toBe('CANNOT_GENERATE');
    expect(error.message).toMatch(
      /^002_next\.sql: cannot be written, schema\.sql does not run on an empty database: schema\.sql line 4: /,
    );
  });

  test('a history that does not replay: refused, naming the migration', () => {
    const history = [
      { name: '001_a.sql', sql: 'CREATE TABLE a (x);' },
      { name: '002_b.sql', sql: 'ALTER TABLE missing ADD COLUMN y;' },
    ];
    const error = catchMigrationError(() =>
      generateMigration(history, 'CREATE TABLE a (x);', options),
    );
    expect(error.code).toBe('CANNOT_GENERATE');
    expect(error.message).toContain(
      'the migrations do not replay on an empty database: 002_b.sql line 1: no such table: missing',
    );
  });

  test('a foreign key SQLite cannot check: refused, saying why', () => {
    const to = 'CREATE TABLE p (a TEXT);\nCREATE TABLE c (x REFERENCES p(a));\n';
    const error = catchMigrationError(() =>
      generateMigration('CREATE TABLE p (a TEXT);', to, options),
    );
    expect(error.code).toBe('CANNOT_GENERATE');
    expect(error.message).toContain(
      'schema.sql has a foreign key SQLite cannot check (foreign key mismatch - "c" referencing "p")',
    );
  });
});

describe("drizzle-kit's breakpoints", () => {
  const from = 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n';
  const to =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n" +
    'CREATE TABLE tags (id INTEGER PRIMARY KEY);\nCREATE INDEX tags_id ON tags (id);\n';
  /** How many statements SQLite finds in each piece drizzle's migrator runs, run in turn on `from`. */
  const statementsPerPiece = (sql: string) => {
    const db = memoryDatabase();
    db.exec(from);
    return sql.split('--> statement-breakpoint').map((piece) => {
      let count = 0;
      for (const statement of db.iterateStatements(piece)) {
        statement.run();
        statement.free();
        count++;
      }
      return count;
    });
  };

  test('separate every statement, so drizzle’s migrator runs them all', () => {
    const { sql } = generateMigration(from, to, { ...options, breakpoints: true });
    const counts = statementsPerPiece(sql);
    expect(counts.length).toBeGreaterThan(5);
    expect(counts.every((count) => count === 1)).toBe(true);
  });

  test('leave out BEGIN and COMMIT, since drizzle’s migrator runs in a transaction of its own', () => {
    const framed = generateMigration(from, to, options).sql;
    const { sql } = generateMigration(from, to, { ...options, breakpoints: true });
    expect(framed).toMatch(/^BEGIN;$/m);
    expect(sql).not.toMatch(/^(BEGIN|COMMIT);$/m);
    expect(sql.replaceAll('\n--> statement-breakpoint', '')).toBe(
      framed.replace('BEGIN;\n', '').replace('COMMIT;\n', ''),
    );
  });
});
