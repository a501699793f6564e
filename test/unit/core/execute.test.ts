import { describe, expect, test } from 'vitest';
import { columnExists, runMigrations, tableExists } from '../../../src/index.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import { byteDifference, bytesOf, memoryDatabase, rows, scalar } from '../../helpers/sqljs.ts';

const CREATE_AUTHORS = migration(
  '001_authors_and_books.sql',
  `CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE
);
INSERT INTO authors (id, name) VALUES (1, 'Ada'), (2, 'Grace');
INSERT INTO books (id, title, author_id) VALUES (1, 'Notes', 1), (2, 'Compilers', 2), (3, 'More notes', 1);
`,
);

/** A tracked database with authors and books (foreign keys on), migrated by the runner. */
function libraryDatabase() {
  const db = memoryDatabase();
  db.run('PRAGMA foreign_keys = ON');
  runMigrations(db, [CREATE_AUTHORS]);
  return db;
}

function ledgerNames(db: ReturnType<typeof memoryDatabase>): string[] {
  return rows(db, 'SELECT migration_name FROM schema_migrations ORDER BY id').map((row) =>
    String(row.migration_name),
  );
}

describe('applying one migration', () => {
  test('runs every statement and records it', () => {
    const db = libraryDatabase();
    const report = runMigrations(db, [
      CREATE_AUTHORS,
      migration(
        '002_reviews.sql',
        'CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER);\nALTER TABLE books ADD COLUMN year INTEGER;\n',
      ),
    ]);
    expect(report.executed).toEqual(['002_reviews.sql']);
    expect(tableExists(db, 'reviews')).toBe(true);
    expect(columnExists(db, 'books', 'year')).toBe(true);
    expect(ledgerNames(db)).toEqual(['001_authors_and_books.sql', '002_reviews.sql']);
  });

  test('rolls back its earlier statements when a later one fails', () => {
    const db = libraryDatabase();
    catchMigrationError(() =>
      runMigrations(db, [
        CREATE_AUTHORS,
        migration(
          '002_reviews.sql',
          'CREATE TABLE reviews (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n',
        ),
      ]),
    );
    expect(tableExists(db, 'reviews')).toBe(false);
    expect(ledgerNames(db)).toEqual(['001_authors_and_books.sql']);
  });

  test('returns rows of a statement that yields some (a PRAGMA, a SELECT) without complaint', () => {
    const db = libraryDatabase();
    const report = runMigrations(db, [
      CREATE_AUTHORS,
      migration(
        '002_checks.sql',
        'SELECT * FROM books;\nPRAGMA table_info(books);\nCREATE TABLE c (x);\n',
      ),
    ]);
    expect(report.executed).toEqual(['002_checks.sql']);
    expect(tableExists(db, 'c')).toBe(true);
  });
});

describe('a file with its own BEGIN/COMMIT and PRAGMA foreign_keys', () => {
  const OWN_TRANSACTION = (body: string) =>
    migration(
      '002_own_transaction.sql',
      `PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
${body}
COMMIT;
PRAGMA foreign_keys=ON;
`,
    );

  test('runs, and is recorded with the ledger row in the same commit', () => {
    const db = libraryDatabase();
    const report = runMigrations(db, [
      CREATE_AUTHORS,
      OWN_TRANSACTION('CREATE TABLE shelves (id INTEGER PRIMARY KEY);'),
    ]);
    expect(report.executed).toEqual(['002_own_transaction.sql']);
    expect(tableExists(db, 'shelves')).toBe(true);
    expect(ledgerNames(db)).toContain('002_own_transaction.sql');
  });

  test('leaves the database unchanged when it fails after its BEGIN', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    const error = catchMigrationError(() =>
      runMigrations(db, [
        CREATE_AUTHORS,
        OWN_TRANSACTION(
          "CREATE TABLE shelves (id INTEGER PRIMARY KEY);\nINSERT INTO authors (id, name) VALUES (3, 'Edsger');\nINSERT INTO authors (id, name) VALUES (1, 'duplicate id');",
        ),
      ]),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('names the limit when SQLite runs out of memory, and what to do about it', () => {
    const db = libraryDatabase();
    // What SQLite says when its heap is full, which a backfill of a table of gigabytes meets.
    db.create_function('fill_memory', () => {
      throw new Error('out of memory');
    });
    const error = catchMigrationError(() =>
      runMigrations(db, [
        CREATE_AUTHORS,
        migration('002_backfill.sql', 'UPDATE books SET title = fill_memory();'),
      ]),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(error.message).toMatch(
      /^002_backfill\.sql line 1: out of memory \(SQLite’s memory ran out: sql\.js gives it at most 2 GiB;.*split it into migrations that each change less\)/,
    );
  });

  test('is atomic as a whole even with two BEGIN/COMMIT blocks: the second failing undoes the first', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() =>
      runMigrations(db, [
        CREATE_AUTHORS,
        migration(
          '002_two_blocks.sql',
          'BEGIN;\nCREATE TABLE shelves (id INTEGER);\nCOMMIT;\n\nBEGIN;\nINSERT INTO nope VALUES (1);\nCOMMIT;\n',
        ),
      ]),
    );
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('also with the lower-case, unspaced and BEGIN IMMEDIATE / END spellings', () => {
    const db = libraryDatabase();
    const report = runMigrations(db, [
      CREATE_AUTHORS,
      migration(
        '002_spellings.sql',
        'pragma foreign_keys = off;\nbegin immediate;\ncreate table a (x);\nend transaction;\npragma foreign_keys=1;\n',
      ),
    ]);
    expect(report.executed).toEqual(['002_spellings.sql']);
    expect(tableExists(db, 'a')).toBe(true);
  });
});

describe('a file with CRLF line endings', () => {
  test('runs, its own BEGIN/COMMIT and trigger bodies included', () => {
    const db = libraryDatabase();
    const sql =
      'BEGIN TRANSACTION;\nCREATE TABLE log (title TEXT);\nCREATE TRIGGER books_logged AFTER INSERT ON books\nBEGIN\n  INSERT INTO log VALUES (new.title);\nEND;\nCOMMIT;\n';
    runMigrations(db, [CREATE_AUTHORS, migration('002_log.sql', sql.replaceAll('\n', '\r\n'))]);
    db.run("INSERT INTO books (id, title, author_id) VALUES (5, 'Logged', 1)");
    expect(rows(db, 'SELECT title FROM log')).toEqual([{ title: 'Logged' }]);
  });
});

describe('trigger bodies', () => {
  test('are not taken for transactions: a BEGIN … END trigger is created whole and fires', () => {
    const db = libraryDatabase();
    runMigrations(db, [
      CREATE_AUTHORS,
      migration(
        '002_book_count.sql',
        `ALTER TABLE authors ADD COLUMN book_count INTEGER NOT NULL DEFAULT 0;
UPDATE authors SET book_count = (SELECT count(*) FROM books WHERE author_id = authors.id);
CREATE TRIGGER books_counted AFTER INSERT ON books
BEGIN
  UPDATE authors SET book_count = book_count + 1 WHERE id = new.author_id;
  SELECT 1;
END;
CREATE TABLE after_trigger (id INTEGER);
`,
      ),
    ]);
    db.run("INSERT INTO books (id, title, author_id) VALUES (4, 'Yet more', 1)");
    expect(scalar(db, 'SELECT book_count FROM authors WHERE id = 1')).toBe(3);
    expect(tableExists(db, 'after_trigger')).toBe(true);
  });
});

describe('statement separators', () => {
  test('--> statement-breakpoint comments are fine', () => {
    const db = memoryDatabase();
    runMigrations(db, [
      migration(
        '001_breakpoints.sql',
        'CREATE TABLE a (id INTEGER);\n--> statement-breakpoint\nCREATE TABLE b (id INTEGER);\n--> statement-breakpoint\n',
      ),
    ]);
    expect(tableExists(db, 'a')).toBe(true);
    expect(tableExists(db, 'b')).toBe(true);
  });

  test('an empty statement (;;) mid-file does not stop execution: the statements after it run', () => {
    const db = memoryDatabase();
    runMigrations(db, [
      migration(
        '001_empty_statements.sql',
        'CREATE TABLE a (id INTEGER);;\nCREATE TABLE b (id INTEGER);\n;\n-- a comment\n;;\nCREATE TABLE c (id INTEGER);',
      ),
    ]);
    expect(['a', 'b', 'c'].map((table) => tableExists(db, table))).toEqual([true, true, true]);
  });

  test('a last statement without a semicolon runs', () => {
    const db = memoryDatabase();
    runMigrations(db, [migration('001_no_semicolon.sql', 'CREATE TABLE a (id INTEGER)')]);
    expect(tableExists(db, 'a')).toBe(true);
  });

  test('a file of only comments runs and is recorded', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, [
      migration('001_nothing.sql', '-- nothing yet\n/* really */\n'),
    ]);
    expect(report.executed).toEqual(['001_nothing.sql']);
  });
});

describe('a sqlite3 shell dot-command', () => {
  const DOT = migration(
    '002_with_timeout.sql',
    '-- written for the sqlite3 shell\nCREATE TABLE a (id INTEGER);\n.timeout 30000\nCREATE TABLE b (id INTEGER);\n',
  );

  test('fails with DOT_COMMAND naming the file and the line', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [CREATE_AUTHORS, DOT]),
    );
    expect(error.code).toBe('DOT_COMMAND');
    expect(error.migrationName).toBe('002_with_timeout.sql');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^002_with_timeout\.sql line 3: .*\.timeout 30000/);
    expect(error.statement).toBe('.timeout 30000');
  });

  test('is recognised, with its line, right after an empty statement too', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration('002_dot_after_empty.sql', 'CREATE TABLE a (id INTEGER);\n;\n.timeout 30000\n'),
      ]),
    );
    expect(error.code).toBe('DOT_COMMAND');
    expect(error.line).toBe(3);
  });

  test('leaves the database unchanged', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, DOT]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a statement failing mid-file', () => {
  const FAILING = migration(
    '002_add_reviews.sql',
    `-- Reviews of books.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  book_id INTEGER NOT NULL REFERENCES books(id)
);

INSERT INTO reviews (id, book_id)
SELECT id, no_such_column FROM books;

CREATE INDEX idx_reviews_book_id ON reviews(book_id);
`,
  );

  const fail = (db = libraryDatabase()) =>
    catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, FAILING]));

  test('throws SQL_FAILED', () => {
    expect(fail().code).toBe('SQL_FAILED');
  });

  test('names the migration', () => {
    expect(fail().migrationName).toBe('002_add_reviews.sql');
  });

  test('gives the line the failing statement starts on', () => {
    expect(fail().line).toBe(7);
  });

  test('gives the failing statement', () => {
    expect(fail().statement).toMatch(
      /^INSERT INTO reviews \(id, book_id\)\s+SELECT id, no_such_column FROM books;?$/,
    );
  });

  test("carries SQLite's message as the cause", () => {
    const error = fail();
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toContain('no such column: no_such_column');
  });

  test('has a message that starts with the file name and line and says the database is unchanged', () => {
    expect(fail().message).toMatch(
      /^002_add_reviews\.sql line 7: .*no such column: no_such_column.*unchanged/,
    );
  });

  test('leaves the database byte-identical to before the run', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    fail(db);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('as the first migration of a fresh database, leaves it byte-identical (no ledger either)', () => {
    const db = memoryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [FAILING]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(tableExists(db, 'schema_migrations')).toBe(false);
  });

  test('as the second of two pending, keeps the first applied and leaves no trace of the second', () => {
    const db = memoryDatabase();
    db.run('PRAGMA foreign_keys = ON');
    const error = catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, FAILING]));
    expect(error.migrationName).toBe('002_add_reviews.sql');
    expect(ledgerNames(db)).toEqual(['001_authors_and_books.sql']);
    expect(tableExists(db, 'books')).toBe(true);
    expect(tableExists(db, 'reviews')).toBe(false);
    expect(scalar(db, 'SELECT count(*) FROM books')).toBe(3);
  });

  test('as the second of two pending, leaves the same bytes as running the first alone', () => {
    const alone = memoryDatabase();
    runMigrations(alone, [CREATE_AUTHORS]);
    const both = memoryDatabase();
    catchMigrationError(() => runMigrations(both, [CREATE_AUTHORS, FAILING]));
    // Only applied_at/duration of the first may differ; compare everything else.
    const strip = (db: ReturnType<typeof memoryDatabase>) => {
      db.run('UPDATE schema_migrations SET applied_at = NULL, duration_ms = NULL');
      return bytesOf(db);
    };
    expect(byteDifference(strip(both), strip(alone))).toBeNull();
  });

  test('reports the line correctly after CRLF line endings', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration(FAILING.name, FAILING.sql.replaceAll('\n', '\r\n')),
      ]),
    );
    expect(error.line).toBe(7);
  });

  test('reports the line correctly after a skipped empty statement', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration(
          '002_after_empty.sql',
          'CREATE TABLE a (x);;\n\n;\nINSERT INTO nope VALUES (1);\n',
        ),
      ]),
    );
    expect(error.line).toBe(4);
    expect(error.statement).toContain('INSERT INTO nope');
  });

  test('reports a constraint failing at run time with its line and statement', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration(
          '002_duplicate.sql',
          "INSERT INTO authors (id, name) VALUES (3, 'Edsger');\n\nINSERT INTO authors (id, name)\nVALUES (1, 'Ada again');\n",
        ),
      ]),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(error.line).toBe(3);
    expect(error.statement).toMatch(
      /^INSERT INTO authors \(id, name\)\nVALUES \(1, 'Ada again'\);?$/,
    );
    expect((error.cause as Error).message).toMatch(/UNIQUE constraint failed: authors\.id/);
  });

  test('reports a syntax error with its line', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration('002_typo.sql', 'CREATE TABLE a (x);\n\nCREAT TABLE b (y);\n'),
      ]),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(error.line).toBe(3);
    expect(error.statement).toContain('CREAT TABLE b');
  });
});

describe('a table rebuild under foreign keys (the 12-step procedure)', () => {
  // Rebuilds the parent table: with foreign keys on, DROP TABLE authors would cascade to books.
  const REBUILD = migration(
    '002_rebuild_authors.sql',
    `PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);
INSERT INTO new_authors (id, name) SELECT id, name FROM authors;
DROP TABLE authors;
ALTER TABLE new_authors RENAME TO authors;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
`,
  );

  test('keeps the child rows that a cascade would have deleted', () => {
    const db = libraryDatabase();
    runMigrations(db, [CREATE_AUTHORS, REBUILD]);
    expect(scalar(db, 'SELECT count(*) FROM books')).toBe(3);
    expect(columnExists(db, 'authors', 'born')).toBe(true);
  });

  test('leaves foreign keys on after the run', () => {
    const db = libraryDatabase();
    runMigrations(db, [CREATE_AUTHORS, REBUILD]);
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });

  test('leaves foreign keys on after the run even when they were off before it', () => {
    const db = libraryDatabase();
    db.run('PRAGMA foreign_keys = OFF');
    runMigrations(db, [CREATE_AUTHORS, REBUILD]);
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });

  test('leaves foreign keys on after a run that had nothing to do', () => {
    const db = libraryDatabase();
    db.run('PRAGMA foreign_keys = OFF'); // as a database reopened from bytes has them
    const report = runMigrations(db, [CREATE_AUTHORS]);
    expect(report.upToDate).toBe(true);
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });

  test('leaves foreign keys on after a failed run', () => {
    const db = libraryDatabase();
    catchMigrationError(() =>
      runMigrations(db, [CREATE_AUTHORS, migration('002_bad.sql', 'INSERT INTO nope VALUES (1);')]),
    );
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });

  test('keeps the foreign key pointing at the rebuilt table', () => {
    const db = libraryDatabase();
    runMigrations(db, [CREATE_AUTHORS, REBUILD]);
    expect(rows(db, 'SELECT "table", "on_delete" FROM pragma_foreign_key_list(\'books\')')).toEqual(
      [{ table: 'authors', on_delete: 'CASCADE' }],
    );
    expect(rows(db, 'PRAGMA foreign_key_check')).toEqual([]);
  });
});

describe('a migration that leaves a dangling foreign key', () => {
  const DANGLING = migration(
    '002_orphan_book.sql',
    "INSERT INTO books (id, title, author_id) VALUES (9, 'Orphan', 999);\n",
  );

  test('fails with FOREIGN_KEY_VIOLATION naming it', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [CREATE_AUTHORS, DANGLING]),
    );
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
    expect(error.migrationName).toBe('002_orphan_book.sql');
    expect(error.message).toMatch(/^002_orphan_book\.sql: .*books/);
  });

  test('leaves the database unchanged', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, DANGLING]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('rows that broke a foreign key before the run', () => {
  // An app that ran with foreign keys off (SQLite's default) can leave orphans behind.
  function withOrphan() {
    const db = libraryDatabase();
    db.run('PRAGMA foreign_keys = OFF');
    db.run("INSERT INTO books (id, title, author_id) VALUES (8, 'Orphan from before', 404)");
    db.run('PRAGMA foreign_keys = ON');
    return db;
  }
  const UNRELATED = migration('002_shelves.sql', 'CREATE TABLE shelves (id INTEGER PRIMARY KEY);');

  test('are not blamed on a migration that adds no violation of its own', () => {
    const report = runMigrations(withOrphan(), [CREATE_AUTHORS, UNRELATED]);
    expect(report.executed).toEqual(['002_shelves.sql']);
  });

  test('do not hide a violation the migration itself adds', () => {
    const error = catchMigrationError(() =>
      runMigrations(withOrphan(), [
        CREATE_AUTHORS,
        migration(
          '002_more_orphans.sql',
          "INSERT INTO books (id, title, author_id) VALUES (9, 'New orphan', 999);",
        ),
      ]),
    );
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
  });

  test('do not hide a new orphan in the same table when the migration fixes the old one', () => {
    const error = catchMigrationError(() =>
      runMigrations(withOrphan(), [
        CREATE_AUTHORS,
        migration(
          '002_swap_orphans.sql',
          "DELETE FROM books WHERE id = 8;\nINSERT INTO books (id, title, author_id) VALUES (9, 'New orphan', 999);",
        ),
      ]),
    );
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
    expect(error.reason).toBe(
      "002_swap_orphans.sql: leaves 1 more row(s) that break a foreign key (in books, referring to missing authors rows); fix the migration's data step",
    );
  });

  test('are not blamed on a rebuild of their table that renumbers every row and adds a column', () => {
    const report = runMigrations(withOrphan(), [
      CREATE_AUTHORS,
      migration(
        '002_rebuild_books.sql',
        `CREATE TABLE new_books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE, isbn TEXT);
INSERT INTO new_books (title, author_id) SELECT title, author_id FROM books ORDER BY id DESC;
DROP TABLE books;
ALTER TABLE new_books RENAME TO books;
`,
      ),
    ]);
    expect(report.executed).toEqual(['002_rebuild_books.sql']);
  });
});

describe('rows that broke a foreign key before the run, in a WITHOUT ROWID table', () => {
  // Such rows have no rowid to tell them apart, so "the same violation as before" needs care.
  const TAGGED = migration(
    '001_tagged.sql',
    `CREATE TABLE tags (id INTEGER PRIMARY KEY);
CREATE TABLE note_tags (note_id INTEGER, tag_id INTEGER REFERENCES tags(id), PRIMARY KEY (note_id, tag_id)) WITHOUT ROWID;
INSERT INTO tags (id) VALUES (1);
`,
  );
  function withOrphan() {
    const db = memoryDatabase();
    runMigrations(db, [TAGGED]);
    db.run('PRAGMA foreign_keys = OFF');
    db.run('INSERT INTO note_tags VALUES (1, 404)');
    db.run('PRAGMA foreign_keys = ON');
    return db;
  }

  test('are not blamed on a migration that adds none', () => {
    const report = runMigrations(withOrphan(), [
      TAGGED,
      migration('002_more_tags.sql', 'INSERT INTO tags (id) VALUES (2);'),
    ]);
    expect(report.executed).toEqual(['002_more_tags.sql']);
  });

  test('do not hide a new orphan the migration adds to the same table', () => {
    const error = catchMigrationError(() =>
      runMigrations(withOrphan(), [
        TAGGED,
        migration('002_new_orphan.sql', 'INSERT INTO note_tags VALUES (2, 999);'),
      ]),
    );
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
  });

  test('do not hide a new orphan in the same table when the migration fixes the old one', () => {
    const error = catchMigrationError(() =>
      runMigrations(withOrphan(), [
        TAGGED,
        migration(
          '002_swap_orphans.sql',
          'DELETE FROM note_tags WHERE tag_id = 404;\nINSERT INTO note_tags VALUES (2, 999);',
        ),
      ]),
    );
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
  });

  test('are not blamed on a rebuild of their table', () => {
    const report = runMigrations(withOrphan(), [
      TAGGED,
      migration(
        '002_rebuild_note_tags.sql',
        `CREATE TABLE new_note_tags (note_id INTEGER, tag_id INTEGER REFERENCES tags(id), added TEXT, PRIMARY KEY (note_id, tag_id)) WITHOUT ROWID;
INSERT INTO new_note_tags (note_id, tag_id) SELECT note_id, tag_id FROM note_tags;
DROP TABLE note_tags;
ALTER TABLE new_note_tags RENAME TO note_tags;
`,
      ),
    ]);
    expect(report.executed).toEqual(['002_rebuild_note_tags.sql']);
  });
});

describe('ROLLBACK in a migration', () => {
  const WITH_ROLLBACK = migration(
    '002_with_rollback.sql',
    'BEGIN;\nCREATE TABLE a (id INTEGER);\nROLLBACK;\n',
  );

  test('fails with TRANSACTION_CONTROL naming the file and line', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [CREATE_AUTHORS, WITH_ROLLBACK]),
    );
    expect(error.code).toBe('TRANSACTION_CONTROL');
    expect(error.migrationName).toBe('002_with_rollback.sql');
    expect(error.line).toBe(3);
    expect(error.message.startsWith('002_with_rollback.sql line 3')).toBe(true);
  });

  test('leaves the database unchanged', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, WITH_ROLLBACK]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('ATTACH and DETACH in a migration', () => {
  const WITH_ATTACH = migration(
    '002_archive.sql',
    "CREATE TABLE kept (id INTEGER);\nATTACH DATABASE 'archive.db' AS archive;\nCREATE TABLE archive.books AS SELECT * FROM books;\n",
  );

  test('refuses ATTACH with ATTACH_DATABASE, naming the file and line', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [CREATE_AUTHORS, WITH_ATTACH]),
    );
    expect(error.code).toBe('ATTACH_DATABASE');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^002_archive\.sql line 2: ATTACH .*nowhere/);
  });

  test('leaves the database unchanged and nothing attached', () => {
    const db = libraryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [CREATE_AUTHORS, WITH_ATTACH]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(rows(db, 'PRAGMA database_list').map((row) => row.name)).toEqual(['main']);
  });

  test('refuses DETACH the same way', () => {
    const error = catchMigrationError(() =>
      runMigrations(libraryDatabase(), [
        CREATE_AUTHORS,
        migration('002_detach.sql', 'SELECT 1;\n  detach   archive;\n'),
      ]),
    );
    expect(error.code).toBe('ATTACH_DATABASE');
    expect(error.line).toBe(2);
  });
});

describe('a database inside an open transaction', () => {
  test('is refused with IN_TRANSACTION', () => {
    const db = libraryDatabase();
    db.run('BEGIN');
    const error = catchMigrationError(() =>
      runMigrations(db, [CREATE_AUTHORS, migration('002_a.sql', 'CREATE TABLE a (x);')]),
    );
    expect(error.code).toBe('IN_TRANSACTION');
  });

  test("is left in the caller's transaction, with nothing of the run in it", () => {
    const db = libraryDatabase();
    db.run('BEGIN');
    db.run("INSERT INTO authors (id, name) VALUES (7, 'uncommitted')");
    catchMigrationError(() =>
      runMigrations(db, [CREATE_AUTHORS, migration('002_a.sql', 'CREATE TABLE a (x);')]),
    );
    expect(tableExists(db, 'a')).toBe(false);
    expect(scalar(db, 'SELECT count(*) FROM authors WHERE id = 7')).toBe(1);
    db.run('ROLLBACK');
    expect(scalar(db, 'SELECT count(*) FROM authors WHERE id = 7')).toBe(0);
  });
});

describe('a long migration file', () => {
  const CREATE_ITEMS = migration(
    '001_items.sql',
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
  );
  /** Seed data as such files are written: an INSERT a line, comments, non-ASCII text, blanks. */
  const seedLines = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      i % 100 === 0
        ? `-- block ${i / 100}: café ☕ 𝄞\n\nINSERT INTO items (id, name) VALUES (${i + 1}, 'crème 𝄞 ${i + 1}');`
        : `INSERT INTO items (id, name) VALUES (${i + 1}, 'item ${i + 1}');`,
    );

  test('runs every one of 20,000 statements', () => {
    const db = memoryDatabase();
    runMigrations(db, [CREATE_ITEMS, migration('002_seed.sql', seedLines(20_000).join('\n'))]);
    expect(scalar(db, 'SELECT count(*) FROM items')).toBe(20_000);
    expect(scalar(db, 'SELECT name FROM items WHERE id = 20000')).toBe('item 20000');
  });

  test('names the exact line of a statement failing near the end of 20,000', () => {
    const db = memoryDatabase();
    const lines = seedLines(20_000).join('\n').split('\n');
    const failingLine = lines.length - 2;
    lines[failingLine - 1] = 'INSERT INTO itemz (id, name) VALUES (0, 0);';

    const error = catchMigrationError(() =>
      runMigrations(db, [CREATE_ITEMS, migration('002_seed.sql', lines.join('\n'))]),
    );

    expect(error.line).toBe(failingLine);
    expect(error.message).toContain(`002_seed.sql line ${failingLine}: no such table: itemz`);
    expect(scalar(db, 'SELECT count(*) FROM items')).toBe(0);
  });

  test('keeps the line exact after text that UTF-8 cannot carry, a lone surrogate', () => {
    const db = memoryDatabase();
    const sql = [
      `INSERT INTO items (id, name) VALUES (1, '${'\uD800'.repeat(40)}');`,
      'INSERT INTO items (id, name)',
      "  VALUES (2, 'two');",
      'INSERT INTO itemz (id, name)',
      "  VALUES (3, 'three');",
    ].join('\n');

    const error = catchMigrationError(() =>
      runMigrations(db, [CREATE_ITEMS, migration('002_seed.sql', sql)]),
    );

    expect(error.line).toBe(4);
  });
});
