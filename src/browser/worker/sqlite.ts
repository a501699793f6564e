import initSqlJs, { type SqlJsStatic } from 'sql.js';
// The engine's wasm, served beside this code: never from a CDN, so a page works offline and its
// Content-Security-Policy stays 'self'. (The package's build turns this into a plain relative URL.)
import bundledWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { messageOf } from '../errors.ts';

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
    engine = initSqlJs({ locateFile: () => wasmUrl }).catch((error: unknown) => {
      throw whyEngineFailed(error);
    });
    loading.set(wasmUrl, engine);
    engine.catch(() => loading.delete(wasmUrl));
  }
  return engine;
}

/** An empty wasm module: its magic number and version, nothing else. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Why SQLite's wasm did not load, in words that say what to do when the browser would compile no
 * wasm at all here: WebAssembly turned off, or a Content-Security-Policy without
 * `'wasm-unsafe-eval'`. A worker's policy is the one sent with its script, so the page sees no
 * violation of it; an empty module that cannot be compiled tells the two apart from a wasm file
 * that failed to load.
 */
export function whyEngineFailed(error: unknown): Error {
  const said = messageOf(error);
  if (typeof WebAssembly !== 'object')
    return new Error(
      `this browser runs no WebAssembly here (it may be turned off, as a locked-down mode does), so SQLite cannot run (${said})`,
      { cause: error },
    );
  try {
    new WebAssembly.Module(EMPTY_MODULE);
  } catch {
    return new Error(
      `the Content-Security-Policy of the worker's script does not allow WebAssembly to compile: add 'wasm-unsafe-eval' to its script-src (${said})`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(said);
}
