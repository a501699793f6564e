import initSqlJs from 'sql.js';
import type { SqlDatabase } from '../index.ts';
import { CliError } from './cli-error.ts';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

let sqlJs: Promise<SqlJs> | undefined;

/** Loads sql.js once; in Node it finds its own .wasm file, so no `locateFile` is needed. */
export function loadSqlJs(): Promise<SqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * Opens a database from a file's bytes (or an empty one) in memory, with foreign keys enforced
 * as the app would have them. A file whose header looks right but whose schema cannot be read
 * is unreadable input, reported before any migration runs.
 */
export function openDatabase(sql: SqlJs, bytes: Uint8Array | null, path: string): SqlDatabase {
  // sql.js may keep the array it is given as its in-memory file and write into it; hand it a copy
  // so the bytes read from disk stay the reference for "did the file change meanwhile".
  const db = new sql.Database(bytes === null ? null : new Uint8Array(bytes));
  try {
    db.exec('SELECT name FROM sqlite_master LIMIT 1');
  } catch (error) {
    db.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      'UNREADABLE_INPUT',
      `${path}: cannot be opened as a SQLite database: ${reason}`,
      {
        file: path,
        cause: error,
      },
    );
  }
  enableForeignKeys(db);
  return db;
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
