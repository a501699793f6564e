import type { Database } from 'sql.js';
import type { SqlValue } from '../core/types.ts';
import type { Row, WriteStatement } from './worker-protocol.ts';

/** Runs a read and returns its rows by column name; throws SQLite's error. */
export function queryRows(db: Database, sql: string, params: SqlValue[] | undefined): Row[] {
  const statement = db.prepare(sql);
  try {
    if (params !== undefined) statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject() as Row);
    return rows;
  } finally {
    statement.free();
  }
}

/**
 * Runs writes as one transaction: all of them, or (when one throws) none. Returns the rows they
 * changed together and SQLite's `last_insert_rowid()` after the last one.
 */
export function runInTransaction(
  db: Database,
  statements: WriteStatement[],
): { changes: number; lastInsertRowid: number } {
  let changes = 0;
  db.exec('BEGIN');
  try {
    for (const statement of statements) {
      db.run(statement.sql, statement.params ?? []);
      changes += db.getRowsModified();
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  const lastInsertRowid = Number(db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
  return { changes, lastInsertRowid };
}
