import { MigrationError, type SerializedMigrationError } from '../core/errors.ts';
import type { Migration, MigrationReport, RunOptions, SqlValue } from '../core/types.ts';
import { DatabaseError, type SerializedDatabaseError } from './database-error.ts';

/**
 * The page and its database worker speak through Comlink; these are the shapes that cross.
 * Errors cross as plain data because Comlink keeps only an error's name and message.
 */

/** The run options that make sense across a worker boundary (no callbacks). */
export type WorkerRunOptions = Pick<
  RunOptions,
  'acceptChangedChecksums' | 'allowOutOfOrder' | 'checkDrift'
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
  };
}

/** What the page asks the worker to open. */
export interface OpenRequest {
  name: string;
  migrations: Migration[];
  schema: string | undefined;
  runOptions: WorkerRunOptions;
  /** `memory` skips IndexedDB on purpose; `auto` uses it when the browser allows. */
  storage: 'auto' | 'memory';
}

/** Where the database stands, for a status line. */
export interface DatabaseInfo {
  /** `indexeddb` when changes survive a reload, `memory` when they do not. */
  storage: 'indexeddb' | 'memory';
  /** Why the database runs in memory, or why the last save failed; null when all is well. */
  storageProblem: string | null;
  /** Counts saves of the stored image by any tab; a larger one is newer. */
  generation: number;
  /** The database file's size in bytes. */
  sizeBytes: number;
  /** Set when a newer version of the app changed the database: writes are refused until a reload. */
  staleReason: string | null;
}

/** A failure while opening, as plain data. */
export type SerializedOpenError = SerializedMigrationError | SerializedDatabaseError;

/** Where an open's time went, in milliseconds, as the worker measured it. */
export interface LoadTimings {
  /** When the worker started, in milliseconds since the epoch (its `performance.timeOrigin`). */
  workerStartedAt: number;
  /** Waiting for the cross-tab lock, from its request (the read runs meanwhile). */
  lockMs: number;
  /** Reading the stored image from IndexedDB, from the request. */
  readMs: number;
  /** Checking, under the lock, that no tab saved since the read (and reading again if one did). */
  verifyMs: number;
  /** Waiting for SQLite's wasm once the image was there (0 when it was ready first). */
  engineWaitMs: number;
  /** Opening the image in sql.js, foreign keys on. */
  openMs: number;
  /** The migration run. */
  migrateMs: number;
  /** Saving, when the run changed something (0 otherwise). */
  saveMs: number;
  /** From the worker's start until the result. */
  totalMs: number;
}

export type OpenResult =
  | { ok: true; report: MigrationReport; info: DatabaseInfo; timings: LoadTimings }
  | { ok: false; error: SerializedOpenError };

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
}

/** A row of a query, by column name. */
export type Row = Record<string, SqlValue>;

/** The result of a call that may fail without a migration being involved. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedDatabaseError };

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

/** The worker's API, as the page sees it through Comlink. */
export interface DatabaseWorkerApi {
  open(request: OpenRequest, onEvent: (event: DatabaseEvent) => void): Promise<OpenResult>;
  query(sql: string, params: SqlValue[] | undefined): Promise<Outcome<Row[]>>;
  write(statements: WriteStatement[]): Promise<Outcome<WriteResult>>;
  /** The live database's file, for a download. */
  exportImage(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Turns an error that crossed the worker boundary as data back into its class. */
export function reviveError(error: SerializedOpenError): MigrationError | DatabaseError {
  if (error.name === 'DatabaseError')
    return new DatabaseError(error.code, error.message, { cause: error.cause ?? undefined });
  return MigrationError.fromJSON(error);
}
