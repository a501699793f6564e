import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
// Served by Vite from this package, never from a CDN: the page works offline and the CSP stays 'self'.
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';

let loading: Promise<SqlJsStatic> | undefined;

/** Starts compiling SQLite's wasm once; later calls share the same promise. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: () => wasmUrl });
  return loading;
}

/** Opens a database from its file bytes (or an empty one), with foreign keys enforced. */
export function openImage(sql: SqlJsStatic, bytes: Uint8Array | undefined): Database {
  const db = new sql.Database(bytes);
  enforceForeignKeys(db);
  return db;
}

/**
 * Turns foreign key enforcement on. SQLite starts every connection with it off, and sql.js's
 * `export()` closes and reopens the connection, so this runs after every open and every export.
 */
export function enforceForeignKeys(db: Database): void {
  db.exec('PRAGMA foreign_keys = ON');
}

/** The file's bytes; re-enables foreign keys, which the reopen inside `export()` turned off. */
export function exportImage(db: Database): Uint8Array {
  const bytes = db.export();
  enforceForeignKeys(db);
  return bytes;
}

/** The database file's size, from SQLite's own page count (no export needed). */
export function fileSize(db: Database): number {
  const pages = db.exec('PRAGMA page_count')[0]?.values[0]?.[0];
  const pageSize = db.exec('PRAGMA page_size')[0]?.values[0]?.[0];
  return Number(pages ?? 0) * Number(pageSize ?? 0);
}
