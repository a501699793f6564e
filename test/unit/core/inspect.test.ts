import { describe, expect, test } from 'vitest';
import { columnExists, indexExists, tableExists } from '../../../src/index.ts';
import { DEMO_MIGRATIONS } from '../../helpers/demo-migrations.ts';
import { databaseFrom } from '../../helpers/sqljs.ts';

// The seed's helpers, on the demo's first schema (auth_state before 001 adds code_verifier).
const db = databaseFrom((DEMO_MIGRATIONS[0] as { sql: string }).sql);

describe('tableExists', () => {
  test('is true for a table that exists', () => {
    expect(tableExists(db, 'auth_state')).toBe(true);
  });

  test('is false for a table that does not exist', () => {
    expect(tableExists(db, 'users')).toBe(false);
  });

  test('ignores the case of the name, as SQLite does', () => {
    expect(tableExists(db, 'AUTH_STATE')).toBe(true);
  });

  test('is false for an index of that name', () => {
    expect(tableExists(db, 'idx_notes_published')).toBe(false);
  });

  test('is false on an empty database', () => {
    expect(tableExists(databaseFrom(''), 'notes')).toBe(false);
  });
});

describe('columnExists', () => {
  test('is true for a column the table has', () => {
    expect(columnExists(db, 'auth_state', 'redirect_uri')).toBe(true);
  });

  test('is false for a column the table lacks', () => {
    expect(columnExists(db, 'auth_state', 'code_verifier')).toBe(false);
  });

  test('is false when the table itself is missing', () => {
    expect(columnExists(db, 'no_such_table', 'id')).toBe(false);
  });

  test('ignores the case of the column name', () => {
    expect(columnExists(db, 'notes', 'FILE_PATH')).toBe(true);
  });
});

describe('indexExists', () => {
  test('is true for an index that exists', () => {
    expect(indexExists(db, 'idx_notes_file_path')).toBe(true);
  });

  test('is false for an index that does not exist', () => {
    expect(indexExists(db, 'idx_tokens_active')).toBe(false);
  });

  test('is false for a table of that name', () => {
    expect(indexExists(db, 'notes')).toBe(false);
  });
});
