import { createRequire } from 'node:module';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';

/**
 * Where sql.js's wasm is, as the browser layer's workers are told it (`wasmUrl`): in Node, sql.js
 * reads it from a path.
 */
export const WASM_PATH = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');

/**
 * sql.js, loaded once per test file: compiling the wasm module is the slowest step of a test, so
 * every database in a file shares one instance.
 */
export const SQL: SqlJsStatic = await initSqlJs();

/** An in-memory database, empty or opened from a file's bytes. */
export function memoryDatabase(bytes?: Uint8Array): Database {
  return new SQL.Database(bytes);
}

/** A database built by running `sql` (whole script, sql.js's own `exec`) on an empty one. */
export function databaseFrom(sql: string): Database {
  const db = memoryDatabase();
  db.exec(sql);
  return db;
}

/** Rows of a query as objects keyed by column name. */
export function rows(db: Database, sql: string): Record<string, unknown>[] {
  const [result] = db.exec(sql);
  if (!result) return [];
  return result.values.map((values) =>
    Object.fromEntries(result.columns.map((column, i) => [column, values[i]])),
  );
}

/** The single value of a query returning one row of one column. */
export function scalar(db: Database, sql: string): unknown {
  return db.exec(sql)[0]?.values[0]?.[0];
}

/**
 * The database's bytes. `export()` closes and reopens the connection, which turns foreign keys
 * off, so they are turned back on to leave the connection as a migrated app would hold it.
 */
export function bytesOf(db: Database): Uint8Array {
  const bytes = db.export();
  db.run('PRAGMA foreign_keys = ON');
  return bytes;
}

/** Names of the app's tables (not SQLite's, not FTS shadow tables), sorted. */
export function tableNames(db: Database): string[] {
  return rows(
    db,
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  ).map((row) => String(row.name));
}

/**
 * Where two database images differ, in words (`null` when they are identical). Comparing with
 * `toEqual` walks a Uint8Array element by element and takes most of a second per image.
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  if (Buffer.compare(actual, expected) === 0) return null;
  if (actual.length !== expected.length)
    return `${actual.length} bytes, expected ${expected.length}`;
  const at = actual.findIndex((byte, i) => byte !== expected[i]);
  return `byte ${at} (page ${Math.floor(at / 4096) + 1}) is ${actual[at]}, expected ${expected[at]}`;
}
