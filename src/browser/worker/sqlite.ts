import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
// The engine's wasm, served beside this code: never from a CDN, so a page works offline and its
// Content-Security-Policy stays 'self'. (The package's build turns this into a plain relative URL.)
import bundledWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlValue } from '../../index.ts';
import { DatabaseError, messageOf } from '../errors.ts';
import type { Row, WriteStatement } from '../protocol.ts';

/**
 * The pragmas every connection to the live file starts with: foreign keys enforced (SQLite starts
 * with them off), and the rollback journal and temporary data in SQLite's own memory rather than
 * as more files beside the database in sql.js's file system.
 */
export const CONNECTION_SETTINGS =
  'PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY';

const loading = new Map<string, Promise<SqlJsStatic>>();

/**
 * Starts compiling SQLite's wasm, from `wasmUrl` or the copy shipped beside this code; later
 * calls for the same URL share the same promise.
 */
export function loadSqlJs(wasmUrl: string = bundledWasmUrl): Promise<SqlJsStatic> {
  let engine = loading.get(wasmUrl);
  if (engine === undefined) {
    engine = initSqlJs({ locateFile: () => wasmUrl });
    loading.set(wasmUrl, engine);
    engine.catch(() => loading.delete(wasmUrl));
  }
  return engine;
}

/**
 * Runs a read and returns its rows by column name. The read runs with `PRAGMA query_only` on, so
 * a write slipped into it fails instead of changing this tab's copy without the lock and without
 * a save (a change later lost, or saved by an unrelated write).
 */
export function queryRows(db: Database, sql: string, params: SqlValue[] | undefined): Row[] {
  db.exec('PRAGMA query_only = ON');
  try {
    const statement = db.prepare(sql);
    try {
      refuseTransactionControl(statement.getSQL());
      if (params !== undefined) statement.bind(params);
      const rows: Row[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as Row);
      return rows;
    } finally {
      statement.free();
    }
  } catch (error) {
    const readOnly = /readonly/i.test(messageOf(error));
    throw new DatabaseError(
      'SQL_FAILED',
      readOnly
        ? `A query only reads: use exec() or transaction() to change the database (${messageOf(error)}).`
        : messageOf(error),
      { cause: error },
    );
  } finally {
    db.exec('PRAGMA query_only = OFF');
  }
}

/**
 * Runs writes as one transaction: all of them, or (when one throws) none, with the failure as a
 * `SQL_FAILED` `DatabaseError`. Returns the rows they changed together and SQLite's
 * `last_insert_rowid()` after the last one.
 */
export function runInTransaction(
  db: Database,
  statements: WriteStatement[],
): { changes: number; lastInsertRowid: number } {
  let changes = 0;
  try {
    db.exec('BEGIN');
    for (const statement of statements) changes += runStatement(db, statement);
    db.exec('COMMIT');
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // The failure ended the transaction itself (or BEGIN never ran): nothing to undo.
    }
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError('SQL_FAILED', messageOf(error), { cause: error });
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
    refuseTransactionControl(statement.getSQL());
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

/**
 * Refuses a statement that would end or nest the transaction this library runs a write in (or
 * leave one open after a read): a write committed that way would skip its save, and a read
 * leaving a transaction open would block every later write.
 */
function refuseTransactionControl(statementSql: string): void {
  if (TRANSACTION_CONTROL.test(statementSql))
    throw new DatabaseError(
      'SQL_FAILED',
      `"${statementSql.trim().slice(0, 40)}": each exec(), transaction() and query() already runs as one transaction of its own; leave BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE out (use transaction() for several statements at once).`,
    );
}

/** A statement's first word, past comments and blanks, names a transaction's start or end. */
const TRANSACTION_CONTROL =
  /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

function totalChanges(db: Database): number {
  return Number(db.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);
}
