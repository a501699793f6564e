import { type Remote, releaseProxy, type TransferHandler, transferHandlers, wrap } from 'comlink';
import type { Migration, MigrationReport, RunOptions, SqlValue } from '../index.ts';
import {
  isSqljsMigrateError,
  MigrationError,
  type SerializedError,
  type SerializedMigrationError,
  splitMigrationFiles,
} from '../index.ts';
import { DatabaseError, type SerializedDatabaseError } from './database-error.ts';

/**
 * The page and its workers speak through Comlink; these are the shapes that cross, and the one
 * rule for errors: an error of this package thrown in a worker is thrown on the page as itself.
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

/**
 * An app's migrations as the runner takes them: from a Vite raw glob of the folder (file path →
 * SQL, `schema.sql` included) or from a list with the schema beside it. Throws `MigrationError`
 * for a bad file name.
 */
export function migrationSet(
  migrations: Record<string, string> | Migration[],
  schema: string | undefined,
): { migrations: Migration[]; schema: string | undefined } {
  if (Array.isArray(migrations)) return { migrations, schema };
  const split = splitMigrationFiles(migrations);
  return { migrations: split.migrations, schema: split.schema ?? schema };
}

/** A URL the page was given, made absolute against the page, as a worker needs it. */
export function absoluteUrl(url: string | URL | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url, location.href).href;
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

/** An error of this package as it crosses a worker: its `toJSON()` data, marked as ours. */
interface CrossingError {
  isError: 'sqljs-migrate';
  value: SerializedError;
}

/**
 * Makes errors of this package cross a Comlink boundary as themselves (Comlink alone keeps only
 * an error's name and message). Both sides call it before they talk; calling it again does
 * nothing.
 */
export function carryErrorsAcrossWorkers(): void {
  const builtIn = transferHandlers.get('throw') as TransferHandler<unknown, unknown>;
  if ((builtIn as { carriesOurErrors?: boolean }).carriesOurErrors) return;
  const handler: TransferHandler<{ value: unknown }, unknown> & { carriesOurErrors: true } = {
    carriesOurErrors: true,
    canHandle: (value): value is { value: unknown } => builtIn.canHandle(value),
    serialize(thrown) {
      if (isSqljsMigrateError(thrown.value) && thrown.value instanceof Error) {
        const crossing: CrossingError = { isError: 'sqljs-migrate', value: thrown.value.toJSON() };
        return [crossing, []];
      }
      return builtIn.serialize(thrown);
    },
    deserialize(data): never {
      const crossing = data as Partial<CrossingError>;
      if (crossing.isError === 'sqljs-migrate' && crossing.value !== undefined)
        throw reviveError(crossing.value);
      // Comlink's own handler throws what it is given: the thrown value of any other error.
      builtIn.deserialize(data);
      throw new Error('A thrown value crossed without being thrown.');
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}

/** An error of this package back from its `toJSON()` data. */
export function reviveError(data: SerializedError): Error {
  if (data.name === 'MigrationError')
    return MigrationError.fromJSON(data as SerializedMigrationError);
  const { code, message, cause } = data as SerializedDatabaseError;
  return new DatabaseError(code, message, { cause: cause ?? undefined });
}

/** A started worker, its API, and how it ends. */
export interface StartedWorker<Api> {
  /**
   * Calls the worker; rejects with `OPEN_FAILED` as soon as the worker fails to load its script or
   * dies with an error, so no call waits forever on a worker that is gone.
   */
  call<T>(work: (api: Remote<Api>) => Promise<T>): Promise<T>;
  /** Ends the worker; calls made afterwards reject. */
  stop(): void;
}

/** Starts a worker and watches it for the failures Comlink alone would wait on forever. */
export function startWorker<Api>(create: () => Worker, what: string): StartedWorker<Api> {
  const worker = create();
  const api = wrap<Api>(worker);
  let fail: (error: DatabaseError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    let failure: DatabaseError | undefined;
    fail = (error) => {
      failure ??= error;
      reject(failure);
    };
  });
  failed.catch(() => {});
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    const said = event instanceof ErrorEvent && event.message !== '' ? `: ${event.message}` : '';
    fail(
      new DatabaseError(
        'OPEN_FAILED',
        `${what} failed to start or stopped with an error${said} (its script, or a module it imports, could not be loaded or run).`,
      ),
    );
  });
  worker.addEventListener('messageerror', () =>
    fail(new DatabaseError('OPEN_FAILED', `${what} sent a message that could not be read.`)),
  );
  return {
    call: (work) => Promise.race([work(api), failed]),
    stop() {
      fail(new DatabaseError('CLOSED', `${what} was stopped.`));
      api[releaseProxy]();
      worker.terminate();
    },
  };
}
