import initSqlJs from 'sql.js';
import { isMigrationError, MigrationError, type SqlDatabase } from '../index.ts';
import { isCliError, messageOf, unreadable } from './cli-error.ts';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

let sqlJs: Promise<SqlJs> | undefined;

/** Loads sql.js once; in Node it finds its own .wasm file, so no `locateFile` is needed. */
export function loadSqlJs(): Promise<SqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * Opens a database from a file's bytes (or an empty one) in memory, with foreign keys enforced
 * as the app would have them. A file whose header looks right but which sql.js cannot open or
 * whose schema cannot be read is unreadable input, reported before any migration runs.
 */
export function openDatabase(sql: SqlJs, bytes: Uint8Array | null, path: string): SqlDatabase {
  let db: SqlDatabase | undefined;
  try {
    // sql.js may keep the array it is given as its in-memory file and write into it; hand it a
    // copy so the bytes read from disk stay the reference for "did the file change meanwhile".
    db = new sql.Database(bytes === null ? null : new Uint8Array(bytes));
    db.exec('SELECT name FROM sqlite_master LIMIT 1');
    return enableForeignKeys(db);
  } catch (error) {
    db?.close();
    throw unreadable(path, `cannot be opened as a SQLite database: ${messageOf(error)}`, error);
  }
}

/**
 * Runs `work` over the user's database. A `MigrationError` is told of the file, which is never
 * written after a failure; any error that is neither a `MigrationError` nor a `CliError` becomes
 * an `UNREADABLE_INPUT` one naming the file: the core reports every
 * migration failure as a `MigrationError`, so a raw SQLite error escaping it (a
 * `schema_migrations` view, a ledger with a NOT NULL column of its own) means the database has a
 * shape this runner does not support, which is bad input (exit 2), not a failed migration.
 */
export function readingDatabase<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    // The run failed, so the file is never written: whatever committed in memory is not in it.
    if (error instanceof MigrationError) throw error.unchangedIn(path);
    if (isMigrationError(error) || isCliError(error)) throw error;
    throw unreadable(
      path,
      `cannot be read as a database this runner supports: ${messageOf(error)} (nothing was changed)`,
      error,
    );
  }
}

/** A fresh in-memory database with foreign keys on, for `verifyMigrations`. */
export function createEmptyDatabase(sql: SqlJs): SqlDatabase {
  return enableForeignKeys(new sql.Database());
}

// SQLite starts every connection with foreign keys off; sql.js also turns them off again after
// `export()`, so the core may set them too, but a database handed over must start right.
function enableForeignKeys<T extends { exec(sql: string): unknown }>(db: T): T {
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}
