import type { Database, Statement } from 'sql.js';
import type { SqlValue } from '../../index.ts';
import { DatabaseError, messageOf } from '../errors.ts';
import type { Row, RowMode, StatementResult, WriteStatement } from '../protocol.ts';

/**
 * Running an app's statements on this tab's copy: reads that cannot write, writes that are one
 * transaction, and which tables a write changed (for the live queries). Every statement an app
 * sends goes through here; none may end or nest the transaction it runs in.
 */

/** What SQLite says when `PRAGMA query_only` stops a statement that would write. */
const WRITE_REFUSED = /attempt to write a readonly database/i;

/**
 * Runs a read and returns its rows. The read runs with `PRAGMA query_only` on, so a write
 * slipped into it fails instead of changing this tab's copy without the lock and without a save
 * (a change later lost, or saved by an unrelated write). A read is one statement: text after it
 * is refused, not silently dropped.
 */
export function readRows(
  db: Database,
  sql: string,
  params: SqlValue[] | undefined,
  rowMode: RowMode = 'object',
): StatementResult {
  db.exec('PRAGMA query_only = ON');
  const statements = db.iterateStatements(sql);
  try {
    const first = statements.next();
    if (first.done)
      throw new DatabaseError('SQL_FAILED', 'A query needs a statement; this text holds none.');
    const statement = first.value;
    refuseTransactionControl(statement.getSQL());
    if (holdsStatement(statements.getRemainingSQL()))
      throw new DatabaseError(
        'SQL_FAILED',
        `A query runs one statement, but another follows the first: "${statements.getRemainingSQL().trim().slice(0, 80)}". Send each as its own query.`,
      );
    if (params !== undefined) statement.bind(params);
    return { ...rowsOf(statement, rowMode), changes: 0, lastInsertRowid: 0 };
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    const refused = WRITE_REFUSED.test(messageOf(error));
    throw new DatabaseError(
      'SQL_FAILED',
      refused
        ? `A query only reads: use exec() or transaction() to change the database (${messageOf(error)}).`
        : messageOf(error),
      { cause: error },
    );
  } finally {
    // Frees the statement and the text, whether or not it was read to its end (sql.js's iterator
    // has `return`, which its types leave out).
    (statements as unknown as { return(): void }).return();
    db.exec('PRAGMA query_only = OFF');
  }
}

/** True when `text` holds more than blanks, semicolons and comments: another statement. */
function holdsStatement(text: string): boolean {
  return !/^(?:\s|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/.test(text);
}

/** True for the failure of a read that turned out to write (see `readRows`). */
export function wroteInRead(error: unknown): boolean {
  return error instanceof DatabaseError && WRITE_REFUSED.test(messageOf(error.cause));
}

/**
 * Runs writes as one transaction: all of them, or (when one throws) none, with the failure as a
 * `SQL_FAILED` `DatabaseError`. Returns each statement's result, the rows they changed together,
 * and which tables they changed.
 */
export function runInTransaction(
  db: Database,
  statements: readonly WriteStatement[],
  rowMode: RowMode = 'object',
): { results: StatementResult[]; changes: number; changed: ChangedTables } {
  return recordChanges(db, () => {
    try {
      db.exec('BEGIN');
      const results = statements.map((statement) => runStatements(db, statement, rowMode));
      db.exec('COMMIT');
      return { results, changes: results.reduce((sum, result) => sum + result.changes, 0) };
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The failure ended the transaction itself (or BEGIN never ran): nothing to undo.
      }
      throw asSqlFailure(error);
    }
  });
}

/**
 * Runs one entry of a write inside a transaction the caller holds, and returns its rows (a
 * `RETURNING` clause's; the last statement's that returned any), the rows it changed and
 * SQLite's `last_insert_rowid()`. Without parameters the whole text runs, statement by
 * statement; with them sql.js would bind and run only the first statement and silently drop the
 * rest, so a second statement is refused instead. When it throws, what it ran before is still in
 * the caller's transaction: the caller undoes it (a rollback, or a savepoint of its own).
 */
export function runStatements(
  db: Database,
  { sql, params }: WriteStatement,
  rowMode: RowMode = 'object',
): StatementResult {
  const withParams = params !== undefined && params.length > 0;
  let changes = 0;
  let seen = 0;
  let last: Pick<StatementResult, 'columns' | 'rows'> = { columns: [], rows: [] };
  try {
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
      const returned = rowsOf(statement, rowMode);
      if (returned.columns.length > 0) last = returned;
      // A read leaves SQLite's count of the last write's rows as it was: count it once only.
      if (totalChanges(db) !== before) changes += db.getRowsModified();
    }
  } catch (error) {
    throw asSqlFailure(error);
  }
  return { ...last, changes, lastInsertRowid: lastInsertRowidOf(db) };
}

/** Which tables a write changed: their names, or `all` when that cannot be told (a schema change). */
export type ChangedTables = ReadonlySet<string> | 'all';

/**
 * Runs `write` and says which tables it changed, from SQLite's update hook. The hook does not
 * hear every change (rows of a WITHOUT ROWID table, a `DELETE` without `WHERE` that empties a
 * table at once), so when SQLite counts more changed rows than the hook heard, or the schema
 * changed, every table counts as changed.
 */
export function recordChanges<T>(db: Database, write: () => T): T & { changed: ChangedTables } {
  const recording = startRecording(db);
  let result: T;
  try {
    result = write();
  } catch (error) {
    recording.stop();
    throw error;
  }
  return { ...result, changed: recording.stop() };
}

/**
 * Starts hearing which tables `db`'s writes change (see `recordChanges`), for writes that span
 * several calls, as an interactive transaction's do; `stop()` says what they changed (and says
 * the same again when called again).
 */
export function startRecording(db: Database): { stop(): ChangedTables; unsure(): void } {
  const recorder = recorderOf(db);
  const heard = new Set<string>();
  let rows = 0;
  recorder.listener = (table) => {
    heard.add(table.toLowerCase());
    rows += 1;
  };
  const changesBefore = totalChanges(db);
  const schemaBefore = schemaVersion(db);
  let changed: ChangedTables | undefined;
  let sure = true;
  return {
    /** Something went by that the count cannot square with what was heard (a failed statement). */
    unsure() {
      sure = false;
    },
    stop() {
      if (changed !== undefined) return changed;
      recorder.listener = undefined;
      const unheard = totalChanges(db) - changesBefore > rows;
      changed = !sure || unheard || schemaVersion(db) !== schemaBefore ? 'all' : heard;
      return changed;
    },
  };
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
      `"${statementSql.trim().slice(0, 40)}": each exec(), transaction() and query() already runs as one transaction of its own, and an interactive transaction nests with tx.transaction(); leave BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE out.`,
    );
}

/** A statement's first word, past comments and blanks, names a transaction's start or end. */
const TRANSACTION_CONTROL =
  /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/** Steps `statement` to its end and collects its rows. */
function rowsOf(statement: Statement, rowMode: RowMode): Pick<StatementResult, 'columns' | 'rows'> {
  const rows: (Row | SqlValue[])[] = [];
  while (statement.step())
    rows.push(
      rowMode === 'array' ? (statement.get() as SqlValue[]) : (statement.getAsObject() as Row),
    );
  return { columns: statement.getColumnNames(), rows: rows as Row[] | SqlValue[][] };
}

/** A failure from SQLite as the `SQL_FAILED` error it is; one of ours passes as it is. */
export function asSqlFailure(error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error;
  return new DatabaseError('SQL_FAILED', messageOf(error), { cause: error });
}

function totalChanges(db: Database): number {
  return Number(db.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);
}

export function lastInsertRowidOf(db: Database): number {
  return Number(db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
}

function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA schema_version')[0]?.values[0]?.[0] ?? 0);
}

/** sql.js's update hook, installed once per database and listened to while a write runs. */
interface ChangeRecorder {
  listener: ((table: string) => void) | undefined;
}

const recorders = new WeakMap<Database, ChangeRecorder>();

function recorderOf(db: Database): ChangeRecorder {
  let recorder = recorders.get(db);
  if (recorder === undefined) {
    const installed: ChangeRecorder = { listener: undefined };
    (db as Database & { updateHook(hook: UpdateHook | null): Database }).updateHook(
      (_operation, _database, table) => installed.listener?.(table),
    );
    recorders.set(db, installed);
    recorder = installed;
  }
  return recorder;
}

type UpdateHook = (
  operation: 'insert' | 'update' | 'delete',
  database: string,
  table: string,
  rowid: number,
) => void;
