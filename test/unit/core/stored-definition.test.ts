import { describe, expect, test } from 'vitest';
import { readIndexDefinition, readTableDefinition } from '../../../src/core/stored-definition.ts';

/** A column as the reader gives it, with nothing set but what `column` says. */
const column = (fields: Record<string, unknown>) => ({
  type: '',
  notNull: false,
  notNullOnConflict: null,
  default: null,
  collation: null,
  generated: null,
  ...fields,
});

describe('readTableDefinition', () => {
  test('reads each column: its name unquoted, its type, NOT NULL, DEFAULT, COLLATE, generated', () => {
    const table = readTableDefinition(
      `CREATE TABLE "notes" ("body" text not null ON CONFLICT ABORT, title VARCHAR ( 255 ) DEFAULT 'x', rating unsigned  big int DEFAULT -1, slug TEXT COLLATE NOCASE, kind DEFAULT draft, total AS (rating * 2) STORED, [group] INTEGER GENERATED ALWAYS AS ( rating+1 ))`,
    );
    expect(table.columns).toEqual([
      column({
        name: 'body',
        source: '"body" text not null ON CONFLICT ABORT',
        type: 'TEXT',
        notNull: true,
        notNullOnConflict: 'abort',
      }),
      column({
        name: 'title',
        source: "title VARCHAR ( 255 ) DEFAULT 'x'",
        type: 'VARCHAR(255)',
        default: "'x'",
      }),
      column({
        name: 'rating',
        source: 'rating unsigned  big int DEFAULT -1',
        type: 'UNSIGNED BIG INT',
        default: '-1',
      }),
      column({
        name: 'slug',
        source: 'slug TEXT COLLATE NOCASE',
        type: 'TEXT',
        collation: 'NOCASE',
      }),
      // A bare word as a default is a string to SQLite.
      column({ name: 'kind', source: 'kind DEFAULT draft', default: "'draft'" }),
      column({
        name: 'total',
        source: 'total AS (rating * 2) STORED',
        generated: { expression: 'rating*2', stored: true },
      }),
      column({
        name: 'group',
        source: '[group] INTEGER GENERATED ALWAYS AS ( rating+1 )',
        type: 'INTEGER',
        generated: { expression: 'rating+1', stored: false },
      }),
    ]);
    expect(table.unread).toEqual([]);
  });

  test('takes a quoted keyword for a column, not for a constraint', () => {
    const table = readTableDefinition('CREATE TABLE t ("primary" TEXT, "check" INTEGER NOT NULL)');
    expect(table.columns.map((c) => [c.name, c.type, c.notNull])).toEqual([
      ['primary', 'TEXT', false],
      ['check', 'INTEGER', true],
    ]);
    expect(table.primaryKey).toBeNull();
    expect(table.checks).toEqual([]);
  });

  test('lists the constraints written on columns with the table’s own', () => {
    const table = readTableDefinition(
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, slug TEXT UNIQUE ON CONFLICT IGNORE, n CHECK (n > 0), owner REFERENCES users)',
    );
    expect(table.primaryKey).toEqual({
      columns: [{ name: 'id', collation: null, descending: false }],
      onConflict: null,
      autoincrement: true,
      onColumn: true,
    });
    expect(table.unique).toEqual([
      {
        columns: [{ name: 'slug', collation: null, descending: false }],
        onConflict: 'ignore',
        autoincrement: false,
        onColumn: true,
      },
    ]);
    expect(table.checks).toEqual([{ name: null, expression: 'n>0' }]);
    expect(table.foreignKeys).toEqual([
      {
        columns: ['owner'],
        parent: 'users',
        parentColumns: [],
        onDelete: 'no action',
        onUpdate: 'no action',
        deferred: false,
      },
    ]);
  });

  test('reads table constraints: keys with their collations and order, CHECK, FOREIGN KEY, options', () => {
    const table = readTableDefinition(
      `CREATE TABLE t (a, b, c TEXT, CONSTRAINT pk PRIMARY KEY (a DESC, b COLLATE nocase) ON CONFLICT REPLACE, UNIQUE (c), CONSTRAINT positive CHECK (a > 0), FOREIGN KEY (b, c) REFERENCES p (x, y) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, FOREIGN KEY (a) REFERENCES main.q MATCH FULL) WITHOUT ROWID, STRICT`,
    );
    expect(table.primaryKey).toEqual({
      columns: [
        { name: 'a', collation: null, descending: true },
        { name: 'b', collation: 'nocase', descending: false },
      ],
      onConflict: 'replace',
      autoincrement: false,
      onColumn: false,
    });
    expect(table.unique.map((key) => key.columns.map((c) => c.name))).toEqual([['c']]);
    expect(table.checks).toEqual([{ name: 'positive', expression: 'a>0' }]);
    expect(table.foreignKeys).toEqual([
      {
        columns: ['b', 'c'],
        parent: 'p',
        parentColumns: ['x', 'y'],
        onDelete: 'cascade',
        onUpdate: 'set null',
        deferred: true,
      },
      // The schema is no part of the parent's name, and SQLite ignores MATCH.
      {
        columns: ['a'],
        parent: 'q',
        parentColumns: [],
        onDelete: 'no action',
        onUpdate: 'no action',
        deferred: false,
      },
    ]);
    expect([table.withoutRowid, table.strict]).toEqual([true, true]);
    expect(table.unread).toEqual([]);
  });

  test('keeps what it does not understand in unread, so nothing it skips goes unseen', () => {
    const table = readTableDefinition('CREATE TABLE t (b TEXT CONSTRAINT x FOO BAR)');
    expect(table.columns[0]?.type).toBe('TEXT');
    expect(table.unread).toEqual(['foo bar']);
  });
});

describe('readIndexDefinition', () => {
  test('reads a partial unique index: its table, terms with collation and order, and WHERE', () => {
    expect(
      readIndexDefinition(
        'CREATE UNIQUE INDEX i ON t (a COLLATE NOCASE DESC, "b") WHERE a IS NOT NULL AND (b > 0)',
      ),
    ).toEqual({
      table: 't',
      unique: true,
      columns: [
        { expression: 'a', name: 'a', collation: 'NOCASE', descending: true },
        { expression: 'b', name: 'b', collation: null, descending: false },
      ],
      where: 'a is not null and(b>0)',
      unread: [],
    });
  });

  test('reads an expression index: terms that are no lone name have no name', () => {
    expect(
      readIndexDefinition(
        'CREATE INDEX main.idx ON "My Table" (lower(name), a + b DESC, (c COLLATE rtrim), (d) COLLATE nocase)',
      ),
    ).toEqual({
      table: 'My Table',
      unique: false,
      columns: [
        { expression: 'lower(name)', name: null, collation: null, descending: false },
        { expression: 'a+b', name: null, collation: null, descending: true },
        // Parentheses group without meaning: `(c COLLATE rtrim)` and `(d) COLLATE nocase` are columns.
        { expression: 'c', name: 'c', collation: 'rtrim', descending: false },
        { expression: 'd', name: 'd', collation: 'nocase', descending: false },
      ],
      where: null,
      unread: [],
    });
  });

  test('keeps an index it cannot read in unread', () => {
    expect(readIndexDefinition('CREATE INDEX i ON t').unread).toEqual(['create index i on t']);
  });
});
