import { MigrationError, messageOf } from './errors.ts';
import { lineAt, skipTrivia } from './sql-text.ts';
import type { SqlDatabase, SqlStatement, StatementIterator } from './types.ts';

/**
 * Runs a migration's SQL statement by statement, split by SQLite's own parser so trigger bodies
 * (`CREATE TRIGGER … BEGIN … END`) stay whole. The caller owns the transaction, so a file's own
 * `BEGIN`/`COMMIT` and `PRAGMA foreign_keys` lines are skipped rather than obeyed: the runner
 * already does both, around the whole migration. `ROLLBACK` (it would end that transaction) and
 * `ATTACH`/`DETACH` (an attached file has nowhere to live) are refused. A failure names the file,
 * the line and the statement.
 */
export function executeScript(db: SqlDatabase, sql: string, fileName: string): void {
  let offset = 0;
  // The iterator ends when SQLite finds no further statement. Should it ever end with text left
  // over, the loop carries on from there, so no statement can be skipped silently.
  while (true) {
    offset = skipEmptyStatements(sql, offset);
    if (offset >= sql.length) return;
    offset = executeFrom(db, sql, offset, fileName);
  }
}

/** Runs statements from `start` until the iterator stops; returns where it stopped. */
function executeFrom(db: SqlDatabase, sql: string, start: number, fileName: string): number {
  const text = sql.slice(start);
  const iterator = db.iterateStatements(text);
  let consumed = 0;
  while (true) {
    const statementStart = start + skipEmptyStatements(text, consumed);
    let next: IteratorResult<SqlStatement>;
    try {
      next = iterator.next();
    } catch (error) {
      throw statementError(sql, statementStart, fileName, error);
    }
    if (next.done) return start + consumed;
    const statement = next.value;
    const statementSql = statement.getSQL();
    consumed = consumedAfter(text, consumed, statementSql, iterator);
    try {
      runStatement(statement, statementSql, sql, statementStart, fileName);
    } catch (error) {
      statement.free();
      throw error instanceof MigrationError
        ? error
        : statementError(sql, statementStart, fileName, error, statementSql);
    }
  }
}

/**
 * Where the text the iterator has consumed ends, once it has handed over a statement. SQLite
 * keeps a statement's text from where the one before it ended, so adding its length is exact
 * and costs only that statement, where asking the iterator (`getRemainingSQL`) decodes the whole
 * rest of the file each time, which made a long file quadratic. Should the statement's text not
 * be the file's at that point (text that does not survive the trip to UTF-8 and back, such as a
 * lone surrogate), the iterator is asked after all.
 */
function consumedAfter(
  text: string,
  consumed: number,
  statementSql: string,
  iterator: StatementIterator,
): number {
  return text.startsWith(statementSql, consumed)
    ? consumed + statementSql.length
    : text.length - iterator.getRemainingSQL().length;
}

function runStatement(
  statement: SqlStatement,
  statementSql: string,
  sql: string,
  start: number,
  fileName: string,
): void {
  const kind = classify(statementSql);
  if (kind === 'transaction' || kind === 'foreign-keys-pragma') return;
  if (kind === 'rollback') {
    throw new MigrationError(
      'TRANSACTION_CONTROL',
      `${fileName} line ${lineAt(sql, start)}: ROLLBACK would undo the runner's own transaction; remove it (a failing statement already rolls the whole migration back)`,
      { migrationName: fileName, line: lineAt(sql, start), statement: statementSql },
    );
  }
  if (kind === 'attach') {
    throw new MigrationError(
      'ATTACH_DATABASE',
      `${fileName} line ${lineAt(sql, start)}: ATTACH and DETACH have nowhere to keep another database file: sql.js holds it in memory only, so what the migration wrote there would be lost while the ledger recorded it as run; do that work in the main database, or outside the migrations`,
      { migrationName: fileName, line: lineAt(sql, start), statement: statementSql },
    );
  }
  while (statement.step()) {
    // Rows a statement returns (a PRAGMA, a SELECT) are not needed; stepping runs it to the end.
  }
}

type StatementKind = 'transaction' | 'rollback' | 'foreign-keys-pragma' | 'attach' | 'other';

function classify(statementSql: string): StatementKind {
  const text = statementSql
    .slice(skipTrivia(statementSql, 0))
    .replace(/;\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  if (/^(BEGIN( DEFERRED| IMMEDIATE| EXCLUSIVE)?|COMMIT|END)( TRANSACTION( \S+)?)?$/.test(text))
    return 'transaction';
  if (/^ROLLBACK( TRANSACTION( \S+)?)?$/.test(text)) return 'rollback';
  if (/^PRAGMA (MAIN\.)?FOREIGN_KEYS ?(= ?\S+|\(\S+\))$/.test(text)) return 'foreign-keys-pragma';
  if (/^(ATTACH|DETACH)\b/.test(text)) return 'attach';
  return 'other';
}

/** Skips whitespace, comments and stray semicolons. */
function skipEmptyStatements(sql: string, from: number): number {
  let i = skipTrivia(sql, from);
  while (sql[i] === ';') i = skipTrivia(sql, i + 1);
  return i;
}

function statementError(
  sql: string,
  start: number,
  fileName: string,
  error: unknown,
  statementSql?: string,
): MigrationError {
  const line = lineAt(sql, start);
  const reason = messageOf(error);
  if (/^\.[A-Za-z]/.test(sql.slice(start))) {
    const command = sql.slice(start).split('\n')[0]?.trim() ?? '';
    return new MigrationError(
      'DOT_COMMAND',
      `${fileName} line ${line}: "${command}" is a sqlite3 shell command, not SQL; remove it`,
      { migrationName: fileName, line, statement: command, cause: error },
    );
  }
  return new MigrationError('SQL_FAILED', `${fileName} line ${line}: ${reason}${limitOf(reason)}`, {
    migrationName: fileName,
    line,
    statement: (statementSql ?? statementTextAt(sql, start)).trim(),
    cause: error,
  });
}

/**
 * What limit SQLite's own message points at, in words, when it is one a migration of a large
 * database can meet; else nothing.
 */
function limitOf(reason: string): string {
  return reason === 'out of memory'
    ? ' (SQLite’s memory ran out: sql.js gives it at most 2 GiB; in the browser a migration keeps there, until it commits, the original of every page it changes, so a backfill or a rebuild of a table that large does not fit in one migration: split it into migrations that each change less)'
    : '';
}

/** A statement SQLite could not even parse: its text up to the first `;` is enough to find it. */
function statementTextAt(sql: string, start: number): string {
  const end = sql.indexOf(';', start);
  return sql.slice(start, end === -1 ? sql.length : end + 1);
}
