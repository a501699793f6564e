import type { Migration, MigrationReport, RunOptions, SqlValue } from '../index.ts';

/**
 * What crosses between the page and the database worker (through Comlink): the requests, the
 * results and the events. Both sides import this file, and nothing else of each other.
 */

/** The run options that make sense across a worker boundary (no callbacks). */
export type WorkerRunOptions = Pick<
  RunOptions,
  'acceptChangedChecksums' | 'allowOutOfOrder' | 'checkDrift' | 'adoptFrom' | 'dropAdoptedLedger'
>;

/**
 * Just the run options out of a caller's options object: the rest (callbacks, workers) cannot
 * cross to a worker, and `postMessage` would refuse the whole request.
 */
export function workerRunOptions(options: WorkerRunOptions): WorkerRunOptions {
  return {
    acceptChangedChecksums: options.acceptChangedChecksums,
    allowOutOfOrder: options.allowOutOfOrder,
    checkDrift: options.checkDrift,
    adoptFrom: options.adoptFrom,
    dropAdoptedLedger: options.dropAdoptedLedger,
  };
}

/** What the page asks the database worker to open. */
export interface OpenRequest {
  name: string;
  migrations: Migration[];
  schema: string | undefined;
  runOptions: WorkerRunOptions;
  /** `memory` skips IndexedDB on purpose; `auto` uses it when the browser allows. */
  storage: 'auto' | 'memory';
  /** Where SQLite's wasm is; undefined for the copy shipped beside the worker. */
  wasmUrl: string | undefined;
}

/** Where the database stands, for a status line. */
export interface DatabaseInfo {
  /** `indexeddb` when changes survive a reload, `memory` when they do not. */
  storage: 'indexeddb' | 'memory';
  /** Why the database runs in memory, or why the last save failed; null when all is well. */
  storageProblem: string | null;
  /** Counts saves of the stored database by any tab; a larger one is newer. */
  generation: number;
  /** The database file's size in bytes. */
  sizeBytes: number;
  /** Set when this tab can no longer save (say why, and that a reload fixes it); else null. */
  staleReason: string | null;
}

/** What a save wrote to IndexedDB. */
export interface SaveSummary {
  /** Bytes of the file's chunks written: the chunks SQLite changed, or all of them. */
  bytesWritten: number;
  /** True when every chunk was written: a new file, or changes that could not be proven. */
  wholeFile: boolean;
}

/** Where an open's time went, in milliseconds, as the worker measured it. */
export interface LoadTimings {
  /** When the worker started, in milliseconds since the epoch (its `performance.timeOrigin`). */
  workerStartedAt: number;
  /** From the worker's start until the page's open request reached it (loading its script). */
  requestMs: number;
  /** Waiting for the cross-tab lock, from its request (the read runs meanwhile). */
  lockMs: number;
  /** Reading the stored file from IndexedDB, from the request. */
  readMs: number;
  /** Checking, under the lock, that no tab saved since the read (and reading again if one did). */
  verifyMs: number;
  /** Waiting for SQLite's wasm once the file was there (0 when it was ready first). */
  engineWaitMs: number;
  /** Opening the file in sql.js. */
  openMs: number;
  /** The migration run. */
  migrateMs: number;
  /** Saving, when the run changed something (0 otherwise). */
  saveMs: number;
  /** From the worker's start until the result. */
  totalMs: number;
}

/** What opening did: the migration report, the status, the timings, and any save it made. */
export interface OpenResult {
  report: MigrationReport;
  info: DatabaseInfo;
  timings: LoadTimings;
  /** What the save after a migrating run wrote; null when nothing was saved. */
  saved: SaveSummary | null;
}

/** One statement of a write, with its parameters. */
export interface WriteStatement {
  sql: string;
  params?: SqlValue[];
}

/** What a write did. */
export interface WriteResult {
  /** Rows changed by all its statements together. */
  changes: number;
  /** SQLite's `last_insert_rowid()` after the last statement. */
  lastInsertRowid: number;
  /** The generation the write was saved as. */
  generation: number;
  /** What its save wrote. */
  saved: SaveSummary;
}

/** A row of a query, by column name. */
export type Row = Record<string, SqlValue>;

/**
 * Told to the page: its data changed (by this tab or another), its status did, or the stored
 * database was replaced wholesale by another tab (an adopted upload, a restored backup) — then
 * this tab refuses writes, and the page should reload.
 */
export interface DatabaseEvent {
  kind: 'changed' | 'status' | 'replaced';
  /** For `changed`: `local` after this tab's write, `remote` after another tab's. */
  origin: 'local' | 'remote' | null;
  info: DatabaseInfo;
}

/** The database worker's API, as the page sees it through Comlink. Failures are thrown. */
export interface DatabaseWorkerApi {
  open(request: OpenRequest, onEvent: (event: DatabaseEvent) => void): Promise<OpenResult>;
  query(sql: string, params: SqlValue[] | undefined): Promise<Row[]>;
  write(statements: WriteStatement[]): Promise<WriteResult>;
  /** The live database's file, for a download. */
  exportImage(): Promise<Uint8Array>;
  close(): Promise<void>;
}
