import { describe, expect, test } from 'vitest';
import { SCHEMA_FILE_NAME, sortMigrations, splitMigrationFiles } from '../../../src/index.ts';
import { DEMO_FILES, DEMO_NAMES } from '../../helpers/demo-migrations.ts';
import { catchMigrationError } from '../../helpers/migration-error.ts';

const names = (files: Record<string, string>) =>
  splitMigrationFiles(files).migrations.map((migration) => migration.name);

describe('splitMigrationFiles', () => {
  test('returns no migrations and no schema for an empty folder', () => {
    expect(splitMigrationFiles({})).toEqual({ migrations: [], schema: undefined });
  });

  test('returns every migration of a folder of many', () => {
    const files = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [
        `${String(i + 1).padStart(3, '0')}_step_${i + 1}.sql`,
        `CREATE TABLE t${i + 1} (id INTEGER);`,
      ]),
    );
    expect(splitMigrationFiles(files).migrations).toHaveLength(25);
  });

  test('sorts migrations into run order whatever order the files come in', () => {
    expect(names({ '003_c.sql': '', '001_a.sql': '', '002_b.sql': '' })).toEqual([
      '001_a.sql',
      '002_b.sql',
      '003_c.sql',
    ]);
  });

  test('runs 9 before 10 when the numbers are not zero-padded', () => {
    expect(names({ '10_ten.sql': '', '9_nine.sql': '', '1_one.sql': '' })).toEqual([
      '1_one.sql',
      '9_nine.sql',
      '10_ten.sql',
    ]);
  });

  test('keeps each migration paired with its own SQL', () => {
    const { migrations } = splitMigrationFiles({ '002_b.sql': 'B', '001_a.sql': 'A' });
    expect(migrations).toEqual([
      { name: '001_a.sql', sql: 'A' },
      { name: '002_b.sql', sql: 'B' },
    ]);
  });

  test('picks schema.sql out as the schema, not a migration', () => {
    const result = splitMigrationFiles({ '001_a.sql': 'A', [SCHEMA_FILE_NAME]: 'SCHEMA' });
    expect(result.schema).toBe('SCHEMA');
    expect(result.migrations.map((m) => m.name)).toEqual(['001_a.sql']);
  });

  test('names each migration by the base name of its path, as a Vite glob gives them', () => {
    const result = splitMigrationFiles({
      '/src/../migrations/002_b.sql': 'B',
      './migrations/001_a.sql': 'A',
      '../migrations/schema.sql': 'SCHEMA',
    });
    expect(result.migrations.map((m) => m.name)).toEqual(['001_a.sql', '002_b.sql']);
    expect(result.schema).toBe('SCHEMA');
  });

  test('reads the demo folder as 000..008 and its schema', () => {
    const result = splitMigrationFiles({ ...DEMO_FILES });
    expect(result.migrations.map((m) => m.name)).toEqual(DEMO_NAMES);
    expect(DEMO_NAMES[0]).toBe('000_initial_schema.sql');
    expect(DEMO_NAMES).toHaveLength(9);
    expect(result.schema).toContain('CREATE TABLE notes');
  });

  test.each([
    ['add_column.sql', 'no number'],
    ['001-add-column.sql', 'a dash instead of an underscore'],
    ['001_add_column.SQL', 'an upper-case extension'],
    ['001_add_column.txt', 'another extension'],
    ['001_.sql', 'no description'],
    ['001_add column.sql', 'a space in the description'],
    ['v001_add_column.sql', 'a letter before the number'],
    ['README.md', 'not a migration at all'],
  ])('refuses %s (%s) with BAD_NAME naming the file', (name) => {
    const error = catchMigrationError(() => splitMigrationFiles({ [name]: 'SELECT 1;' }));
    expect(error.code).toBe('BAD_NAME');
    expect(error.migrationName).toBe(name);
    expect(error.message.startsWith(name)).toBe(true);
  });

  test('refuses two files with one number with DUPLICATE_NUMBER naming both', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '002_a.sql': '', '002_b.sql': '', '001_c.sql': '' }),
    );
    expect(error.code).toBe('DUPLICATE_NUMBER');
    expect(error.message).toContain('002_a.sql');
    expect(error.message).toContain('002_b.sql');
  });

  test('takes 1 and 001 for the same number', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '1_first.sql': '', '001_again.sql': '' }),
    );
    expect(error.code).toBe('DUPLICATE_NUMBER');
  });
});

describe('sortMigrations', () => {
  test('does not reorder the array it is given', () => {
    const given = [
      { name: '002_b.sql', sql: '' },
      { name: '001_a.sql', sql: '' },
    ];
    sortMigrations(given);
    expect(given.map((m) => m.name)).toEqual(['002_b.sql', '001_a.sql']);
  });
});
