import type { Database } from 'sql.js';
import type { SqlValue } from '../core/types.ts';
import { DatabaseError, messageOf } from './database-error.ts';
import type { Row, WriteStatement } from './worker-protocol.ts';

/**
 * Runs a read and returns its rows by column name; throws SQLite's error. The read runs with
 * `PRAGMA query_only` on, so a write slipped into it fails instead of changing this tab's copy
 * without the lock and without a save (a change later lost, or saved by an unrelated write).
 */
export function queryRows(db: Database, sql: string, params: SqlValue[] | undefined): Row[] {
  db.exec('PRAGMA query_only = ON');
  try {
    const statement = db.prepare(sql);
    try {
      if (params !== undefined) statement.bind(params);
      const rows: Row[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as Row);
      return rows;
    } finally {
      statement.free();
    }
  } catch (error) {
    if (/readonly/i.test(messageOf(error)))
      throw new DatabaseError(
        'SQL_FAILED',
        `A query only reads: use exec() or transaction() to change the database (${messageOf(error)}).`,
        { cause: error },
      );
    throw error;
  } finally {
    db.exec('PRAGMA query_only = OFF');
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
    for (const statement of statements) changes += runStatement(db, statement);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  const lastInsertRowid = Number(db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
  return { changes, lastInsertRowid };
}

/**
 * Runs one write and returns the rows it changed. Without parameters the whole text runs,
 * statement by statement; with them sql.js would bind and run only the first statement and
 * silently drop the rest, so a second statement is refused instead (and the caller's
 * transaction rolls back the first).
 */
function runStatement(db: Database, { sql, params }: WriteStatement): number {
  const withParams = params !== undefined && params.length > 0;
  let changes = 0;
  let seen = 0;
  // The iterator frees each statement when it moves on, and all of them when the loop exits.
  for (const statement of db.iterateStatements(sql)) {
    seen += 1;
    if (withParams) {
      if (seen > 1)
        throw new DatabaseError(
          'SQL_FAILED',
          `A write with parameters must be a single statement, but another follows the first: "${statement.getSQL().slice(0, 80)}". Pass each statement as its own entry.`,
        );
      statement.bind(params);
    }
    const before = totalChanges(db);
    while (statement.step()) {}
    // A read leaves SQLite's count of the last write's rows as it was: count it once only.
    if (totalChanges(db) !== before) changes += db.getRowsModified();
  }
  return changes;
}

function totalChanges(db: Database): number {
  return Number(db.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);
}
