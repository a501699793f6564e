import type {
  Migration,
  MigrationProgress,
  MigrationReport,
  RunOptions,
  SerializedError,
  SqlValue,
} from '../index.ts';

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

/** Which stored database a database worker opens, and how: what its name says. */
export interface WorkerOpening {
  name: string;
  /** `memory` skips IndexedDB on purpose; `auto` uses it when the browser allows. */
  storage: 'auto' | 'memory';
  /** Where SQLite's wasm is; undefined for the copy shipped beside the worker. */
  wasmUrl: string | undefined;
}

/**
 * The name a database worker is started under (`new Worker(url, { name })`): it says what the
 * worker opens, so the worker starts reading the stored database and compiling SQLite as soon as
 * its script runs, before the page's open request reaches it.
 */
export function databaseWorkerName({ name, storage, wasmUrl }: WorkerOpening): string {
  const says = new URLSearchParams({ database: name, storage });
  if (wasmUrl !== undefined) says.set('wasm', wasmUrl);
  return `sqljs-migrate?${says}`;
}

/** What a database worker's name says it opens; undefined for a name not made by `databaseWorkerName`. */
export function openingOf(workerName: string): WorkerOpening | undefined {
  if (!workerName.startsWith('sqljs-migrate?')) return undefined;
  const says = new URLSearchParams(workerName.slice('sqljs-migrate?'.length));
  const name = says.get('database');
  const storage = says.get('storage');
  if (name === null || (storage !== 'auto' && storage !== 'memory')) return undefined;
  return { name, storage, wasmUrl: says.get('wasm') ?? undefined };
}

/** What the page asks the database worker to open. */
export interface OpenRequest extends WorkerOpening {
  migrations: Migration[];
  schema: string | undefined;
  runOptions: WorkerRunOptions;
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
  /**
   * From the worker's start until it began the load (reading, the lock, SQLite): its script
   * loaded and run, when its name says what it opens; else until the open request.
   */
  startMs: number;
  /** From the worker's start until the page's open request reached it. */
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
  /** From the stored file's read (checked under the lock) until the result: what the load still had to do. */
  afterReadMs: number;
  /** From the worker's start until the result. */
  totalMs: number;
}

/** Where an open is, as it moves on; told to `openDatabase`'s `onProgress`. */
export type OpenProgress =
  /**
   * The stored database is read, but another tab holds it (opening, migrating or writing it):
   * this tab waits for its turn.
   */
  | { step: 'waiting' }
  /** A migration runs: the core's progress (migration `index` of `total`, its `name`). */
  | { step: 'migrating'; migration: MigrationProgress }
  /** The migrated database is being saved. */
  | { step: 'saving' };

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
  params?: SqlValue[] | undefined;
}

/** How a statement's rows come back: objects by column name, or arrays in column order. */
export type RowMode = 'object' | 'array';

/** What one statement did: its rows (a read's, or a write's `RETURNING` rows) and its changes. */
export interface StatementResult {
  /** The rows' column names, in order; empty for a statement that returns no rows. */
  columns: string[];
  /** The rows: objects by column name, or arrays in column order (`rowMode: 'array'`). */
  rows: Row[] | SqlValue[][];
  /** Rows the statement inserted, updated or deleted (0 for a read). */
  changes: number;
  /** SQLite's `last_insert_rowid()` after the statement (0 for a read). */
  lastInsertRowid: number;
}

/** What a write did. */
export interface WriteResult {
  /** Rows changed by all its statements together. */
  changes: number;
  /** SQLite's `last_insert_rowid()` after the last statement. */
  lastInsertRowid: number;
  /** The rows the last statement returned (its `RETURNING` clause's), by column name. */
  rows: Row[];
  /** Each statement's result, in order. */
  results: StatementResult[];
  /** The generation the write was saved as. */
  generation: number;
  /** What its save wrote. */
  saved: SaveSummary;
}

/** What `execute` did: one statement's result, and the save a write made (null for a read). */
export interface ExecuteResult extends StatementResult {
  saved: SaveSummary | null;
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

/** What a live query is told: its rows, each time they differ, or the error that ended it. */
export interface LiveQueryListener {
  rows(rows: Row[] | SqlValue[][]): void;
  /** The read failed and was dropped; the error as its `toJSON()` data (revived on the page). */
  failed(error: SerializedError): void;
}

/**
 * The database worker's API, as the page sees it through Comlink. Failures are thrown. An
 * interactive transaction is a number the worker hands out at `begin` and forgets at `commit`,
 * `rollback`, or when its time budget runs out.
 */
export interface DatabaseWorkerApi {
  /** Opens the database; `onProgress` hears where the open is (waiting, migrating, saving). */
  open(
    request: OpenRequest,
    onEvent: (event: DatabaseEvent) => void,
    onProgress?: (progress: OpenProgress) => void,
  ): Promise<OpenResult>;
  /** Runs a read. */
  query(sql: string, params: SqlValue[] | undefined, rowMode: RowMode): Promise<StatementResult>;
  /** Runs writes as one transaction, under the lock, and saves them. */
  write(statements: WriteStatement[]): Promise<WriteResult>;
  /** Runs one statement: at once when it reads, as a write (lock, save) when SQLite says it writes. */
  execute(statement: WriteStatement, rowMode: RowMode): Promise<ExecuteResult>;
  /** Opens an interactive transaction: takes this tab's turn and the lock, catches up, begins. */
  begin(timeoutMs: number): Promise<number>;
  /** Runs statements inside transaction `id`: one read (`read`), or any text (`write`). */
  inTransaction(
    id: number,
    statement: WriteStatement,
    rowMode: RowMode,
    access: 'read' | 'write',
  ): Promise<StatementResult>;
  /** Opens a savepoint inside transaction `id` and returns its name. */
  savepoint(id: number): Promise<string>;
  /** Keeps what was done since savepoint `name` and lets it go. */
  release(id: number, name: string): Promise<void>;
  /** Undoes what was done since savepoint `name` and lets it go. */
  rollbackTo(id: number, name: string): Promise<void>;
  /** Commits transaction `id` and saves it, in one save. */
  commit(id: number): Promise<WriteResult>;
  /** Rolls transaction `id` back; nothing is stored. */
  rollback(id: number): Promise<void>;
  /** Runs a read now and again after every change that can affect it; returns its number. */
  live(statement: WriteStatement, rowMode: RowMode, listener: LiveQueryListener): Promise<number>;
  /** Stops live query `id`. */
  stopLive(id: number): Promise<void>;
  /** The live database's file, for a download. */
  exportImage(): Promise<Uint8Array>;
  close(): Promise<void>;
}
