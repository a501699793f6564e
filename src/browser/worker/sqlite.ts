import initSqlJs, { type SqlJsStatic } from 'sql.js';
// The engine's wasm, served beside this code: never from a CDN, so a page works offline and its
// Content-Security-Policy stays 'self'. (The package's build turns this into a plain relative URL.)
import bundledWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';

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
