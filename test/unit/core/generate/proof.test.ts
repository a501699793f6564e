import { describe, expect, test } from 'vitest';
import { proveMigration } from '../../../../src/core/generate/proof.ts';
import { copiedColumns } from '../../../../src/core/generate/rebuild.ts';
import { readSchema } from '../../../../src/core/generate/schema-model.ts';
import { catchMigrationError } from '../../../helpers/migration-error.ts';
import { databaseFrom, memoryDatabase } from '../../../helpers/sqljs.ts';

const BEFORE = `CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), body TEXT);
`;
const AFTER = BEFORE.replace('body TEXT)', 'body TEXT, title TEXT)');

/** Proves `sql` as the migration from BEFORE to AFTER, every table keeping its rows. */
function prove(sql: string) {
  const before = readSchema(databaseFrom(BEFORE));
  const after = readSchema(databaseFrom(AFTER));
  const destinations = new Map(
    ['authors', 'notes'].map((table) => [
      table,
      {
        table,
        copied: copiedColumns(
          before.tables.get(table)?.sql as string,
          after.tables.get(table)?.sql as string,
        ),
      },
    ]),
  );
  return proveMigration({
    sql,
    name: '002_next.sql',
    before,
    after,
    destinations,
    renames: [],
    createDatabase: memoryDatabase,
    labels: { from: 'the schema the migrations build', to: 'schema.sql' },
  });
}

const failure = (sql: string) => catchMigrationError(() => prove(sql));

const ADD_TITLE = 'ALTER TABLE notes ADD COLUMN title TEXT;\n';
const PREFIX = '002_next.sql: on a copy of the schema the migrations build with 6 generated rows, ';

describe('the proof of a migration', () => {
  test('passes the right migration, saying what it ran on', () => {
    expect(prove(ADD_TITLE)).toEqual({ tables: 2, rows: 6, warnings: [] });
  });

  test.each([
    [
      'a migration that does not reach the schema',
      'ALTER TABLE notes ADD COLUMN subtitle TEXT;',
      'the result differs from schema.sql: table notes: column title: missing; table notes: column subtitle: only in the database',
    ],
    [
      'a statement that fails on the rows',
      `${ADD_TITLE}UPDATE notes SET body = NULL;\nCREATE UNIQUE INDEX one_author ON notes(author_id IS NULL);`,
      "line 3 fails: UNIQUE constraint failed: index 'one_author'",
    ],
    [
      'lost rows',
      `${ADD_TITLE}DELETE FROM notes WHERE id > 1000;`,
      'table notes holds 1 of its 3 rows',
    ],
    [
      'changed values',
      `${ADD_TITLE}UPDATE notes SET body = 'x';`,
      'table notes holds [1000,1000,"x"] where the copy should give [1000,1000,"1002"]',
    ],
    [
      'rows left breaking a foreign key',
      `${ADD_TITLE}UPDATE notes SET author_id = 5;`,
      'it leaves 3 more row(s) that break a foreign key (in notes, referring to missing authors rows)',
    ],
    [
      'an AUTOINCREMENT counter set back',
      `${ADD_TITLE}UPDATE sqlite_sequence SET seq = 0;`,
      'the AUTOINCREMENT counter of authors falls from 4000 to 0, so ids it gave out would be given again',
    ],
  ])('fails %s, saying what and nothing else', (_, sql, what) => {
    const error = failure(sql);
    expect(error.code).toBe('PROOF_FAILED');
    expect(error.message).toBe(
      `${PREFIX}${what}; write this change by hand, or report the case (nothing was written)`,
    );
  });

  test('names the differences it found as differences', () => {
    expect(failure('SELECT 1;').differences).toEqual([
      {
        kind: 'table',
        object: 'notes',
        table: 'notes',
        detail: 'column title: missing',
      },
    ]);
  });
});

test('a scratch with its schema reads back as the model it was built from', () => {
  const db = memoryDatabase();
  db.exec(BEFORE);
  expect([...readSchema(db).tables.keys()]).toEqual(['authors', 'notes']);
});
