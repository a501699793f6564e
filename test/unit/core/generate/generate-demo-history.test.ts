import type { Database } from 'sql.js';
import { describe, expect, test } from 'vitest';
import {
  describeDifference,
  diffSchemas,
  fingerprintSchema,
  generateMigration,
  runMigrations,
} from '../../../../src/index.ts';
import { DEMO_VERSION_COUNT, demoDatabaseAt } from '../../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../../helpers/demo-migrations.ts';
import { catchMigrationError } from '../../../helpers/migration-error.ts';
import { databaseFrom, memoryDatabase, rows } from '../../../helpers/sqljs.ts';

/**
 * The demo's own steps that drop data on purpose, and what the writer says each loses: 002
 * replaces plain-text tokens with hashes, 003 drops notes.file_path, 004 moves sessions from
 * the `me` URL to a user id.
 */
const LOSSES: Record<number, string[]> = {
  3: [
    'column tokens.token is dropped with its values',
    'the rows of tokens are dropped: its new column token_hash is NOT NULL without a default, so no row has a value for it',
  ],
  4: ['column notes.file_path is dropped with its values'],
  5: [
    'column sessions.me is dropped with its values',
    'the rows of sessions are dropped: its new column user_id is NOT NULL without a default, so no row has a value for it',
  ],
};

/** The tables whose rows those steps drop: a new NOT NULL column no old row has a value for. */
const ROWS_DROPPED: Record<number, string> = { 3: 'tokens', 5: 'sessions' };

/** The schema at version k: the first k migrations' SQL (data statements do nothing on it). */
const schemaAt = (version: number) =>
  DEMO_MIGRATIONS.slice(0, version)
    .map((migration) => migration.sql)
    .join('\n');

const versions = Array.from({ length: DEMO_VERSION_COUNT }, (_, k) => k + 1);

describe("migrations written between the demo's consecutive versions", () => {
  test.each(versions)('reach version %i from the one before, keeping the rows', (version) => {
    const history = DEMO_MIGRATIONS.slice(0, version - 1);
    const next = DEMO_MIGRATIONS[version - 1]?.name as string;
    const options = { createDatabase: memoryDatabase, name: next };
    const losses = LOSSES[version] ?? [];

    if (losses.length > 0) {
      const refused = catchMigrationError(() =>
        generateMigration(history, schemaAt(version), options),
      );
      expect(refused.code).toBe('DATA_LOSS');
      for (const loss of losses) expect(refused.message).toContain(loss);
    }

    const written = generateMigration(history, schemaAt(version), {
      ...options,
      allowDataLoss: losses.length > 0,
    });
    // A database at the version before, with the rows an app of that version wrote.
    const db = version === 1 ? memoryDatabase() : demoDatabaseAt(version - 1);
    const before = version === 1 ? new Map<string, TableRows>() : tableRows(db);
    runMigrations(db, [...history, { name: next, sql: written.sql }], {
      createDatabase: memoryDatabase,
    });

    const expected = fingerprintSchema(databaseFrom(schemaAt(version)));
    expect(diffSchemas(fingerprintSchema(db), expected).map(describeDifference)).toEqual([]);
    for (const [table, { columns, data }] of before) {
      if (
        table === ROWS_DROPPED[version] ||
        !(table in expected.tables || table in expected.virtualTables)
      )
        continue;
      const kept = columns.filter((column) => columnExists(db, table, column));
      expect(select(db, table, kept), `${table} at version ${version}`).toEqual(
        data.map((row) => Object.fromEntries(kept.map((column) => [column, row[column]]))),
      );
    }
  });

  test('have nothing to write once the history is whole: it builds schema.sql', () => {
    const written = generateMigration(DEMO_MIGRATIONS, DEMO_SCHEMA, {
      createDatabase: memoryDatabase,
    });
    expect(written.sql).toBe('');
  });
});

/** A table's columns and rows (by rowid). */
interface TableRows {
  columns: string[];
  data: Record<string, unknown>[];
}

/** Every app table's columns and rows, before the migration. */
function tableRows(db: Database): Map<string, TableRows> {
  const tables = rows(
    db,
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'notes\\_fts\\_%' ESCAPE '\\'",
  ).map((row) => String(row.name));
  return new Map(
    tables.map((table) => {
      const columns = rows(db, `SELECT name FROM pragma_table_info('${table}')`).map((row) =>
        String(row.name),
      );
      return [table, { columns, data: select(db, table, columns) }];
    }),
  );
}

function select(db: Database, table: string, columns: string[]): Record<string, unknown>[] {
  return rows(
    db,
    `SELECT ${['rowid', ...columns].map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY rowid`,
  ).map(({ rowid: _, ...row }) => row);
}

function columnExists(db: Database, table: string, column: string): boolean {
  return (
    rows(db, `SELECT 1 FROM pragma_table_info('${table}') WHERE name = '${column}'`).length > 0
  );
}
