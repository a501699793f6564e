import { proxy, type Remote } from 'comlink';
import type { Migration, MigrationReport, SqlValue } from '../../index.ts';
import { carryErrorsAcrossWorkers } from '../crossing-errors.ts';
import { DatabaseError, type OpenStep } from '../errors.ts';
import {
  type DatabaseEvent,
  type DatabaseInfo,
  type DatabaseWorkerApi,
  databaseWorkerName,
  type ExecuteResult,
  type LoadTimings,
  type OpenProgress,
  type Row,
  type RowMode,
  type SaveSummary,
  type WorkerRunOptions,
  type WriteResult,
  type WriteStatement,
  workerRunOptions,
} from '../protocol.ts';
import { type LiveQueryOptions, startLiveQuery } from './live-query.ts';
import { describeBudget, timeBudget, withinBudget } from './time-budget.ts';
import { runTransaction, type Transaction, type TransactionOptions } from './transaction.ts';
import { absoluteUrl, migrationSet, startWorker, type WorkerKind } from './worker-client.ts';

/** The database worker, and the errors its calls reject with when it is gone. */
const DATABASE_WORKER: WorkerKind = {
  what: 'The database worker',
  failed: (message, cause) => new DatabaseError('OPEN_FAILED', message, { cause }),
  stopped: (message) => new DatabaseError('CLOSED', message),
};

/** How long `close()` lets the worker finish a write in hand before ending it. */
const CLOSE_WAIT_MS = 5_000;

/**
 * How long opening may take unless `timeoutMs` says otherwise: far beyond what loading and
 * migrating a large database needs, so it stops only a migration that never ends.
 */
export const DEFAULT_OPEN_TIMEOUT_MS = 5 * 60 * 1000;

/** What `openDatabase` needs: a name and the app's migrations. */
export interface OpenDatabaseOptions extends WorkerRunOptions {
  /** Names the stored database (and its lock and channel); one per app. */
  name: string;
  /**
   * The migrations: either a Vite raw glob of the folder (file path → SQL, `schema.sql`
   * included), or migrations already split out.
   */
  migrations: Record<string, string> | Migration[];
  /** The full current schema, when `migrations` is a list; a glob brings its own `schema.sql`. */
  schema?: string | undefined;
  /** `memory` keeps nothing on purpose; `auto` (the default) uses IndexedDB when it can. */
  storage?: 'auto' | 'memory' | undefined;
  /**
   * Opening that takes longer is stopped: its worker is ended wherever it is (which lets the
   * other tabs go on) and the open rejects with `OPEN_TIMED_OUT`; a migration runs on the tab's
   * copy, so the stored database is untouched. Waiting for another tab counts. Default
   * `DEFAULT_OPEN_TIMEOUT_MS`; `Infinity` for no limit.
   */
  timeoutMs?: number | undefined;
  /** Aborting it stops the open the same way (`OPEN_CANCELLED`). */
  signal?: AbortSignal | undefined;
  /** Hears where the open is as it moves on: waiting for another tab, migrating, saving. */
  onProgress?: ((progress: OpenProgress) => void) | undefined;
  /** Where SQLite's wasm is served, for apps that host it themselves; by default the copy shipped beside the worker. */
  wasmUrl?: string | URL | undefined;
  /**
   * Starts the database worker; by default the one shipped beside this file. It is handed the
   * options to start it with: passed on (`new Worker(url, options)`), its name tells the worker
   * what to open, so the worker begins reading before the page's request reaches it.
   */
  createWorker?: ((options: WorkerOptions) => Worker) | undefined;
}

/** A migrated, persisted database, shared safely with the app's other tabs. */
export interface MigratedDatabase {
  readonly name: string;
  /** What the migration run on open did and found. */
  readonly report: MigrationReport;
  /** Where the open's time went (lock, IndexedDB read, engine, migration, save). */
  readonly timings: LoadTimings;
  /** What the save after a migrating open wrote; null when the open saved nothing. */
  readonly saved: SaveSummary | null;
  /** Storage, size, generation and staleness, as of the last event. */
  info(): DatabaseInfo;
  /**
   * Runs a read and returns its rows by column name. While an interactive transaction of this
   * tab is open, it waits for it to end, so it never sees uncommitted rows.
   */
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /**
   * Runs a write under the cross-tab lock and saves it: every statement of its text, or exactly
   * one when it has parameters. Its `rows` are a `RETURNING` clause's.
   */
  exec(sql: string, params?: SqlValue[]): Promise<WriteResult>;
  /**
   * Runs one statement, a read or a write as SQLite decides: a read at once (as `query`), a write
   * under the lock with a save (as `exec`); rows as objects or (`rowMode: 'array'`) arrays. For
   * query builders, which do not say which they send.
   */
  execute(sql: string, params?: SqlValue[], rowMode?: RowMode): Promise<ExecuteResult>;
  /** Runs several writes as one transaction under the cross-tab lock and saves them once. */
  transaction(statements: WriteStatement[]): Promise<WriteResult>;
  /**
   * Runs `work` as one interactive transaction: from its start to its end it holds this tab's
   * turn and the cross-tab lock and sees its own writes; it commits with one save when `work`
   * resolves, and rolls back, storing nothing, when `work` throws (which rethrows). Inside
   * `work`, run statements on `tx`: a call on the database itself waits for the transaction to
   * end. A statement that fails rejects with SQLite's message and leaves the transaction open:
   * `work` may catch it and go on. Past `timeoutMs` the transaction is rolled back
   * (`TRANSACTION_TIMED_OUT`).
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Keeps a read live: `onRows` hears its rows now, and again after every committed change that
   * can affect them (this tab's or another tab's) whenever they differ. Returns how to stop it.
   */
  live<T = Row>(
    sql: string,
    params: SqlValue[] | undefined,
    options: LiveQueryOptions<T>,
  ): () => void;
  /** Calls `listener` after every change (this tab's or another's) and status change. */
  subscribe(listener: (event: DatabaseEvent) => void): () => void;
  /** The current database file, e.g. for a download. */
  exportImage(): Promise<Uint8Array>;
  /** Stops the worker; an interactive transaction still open is rolled back. The handle refuses calls afterwards. */
  close(): Promise<void>;
}

/**
 * Opens the app's database in a worker: loads it from IndexedDB (or creates it), migrates it
 * under a cross-tab lock, saves it only if the run changed something, and keeps it in step
 * with the app's other tabs. Rejects with `MigrationError` when the migrations refuse or fail —
 * the stored database is then untouched — with `StorageError` (`DAMAGED`, `READ_FAILED`,
 * `CONVERSION_FAILED`) when what is stored cannot be read or converted, with `DatabaseError`
 * (`OPEN_FAILED`) when the worker or the engine cannot load, and (`OPEN_TIMED_OUT`,
 * `OPEN_CANCELLED`) when opening outlives `timeoutMs` or `signal` aborts: its worker is then
 * ended, which lets the other tabs go on.
 *
 * @example
 * const db = await openDatabase({
 *   name: 'notes',
 *   migrations: import.meta.glob('./migrations/*.sql', { query: '?raw', import: 'default', eager: true }),
 * });
 * console.log(db.report.executed);
 * await db.exec('INSERT INTO notes (slug, content) VALUES (?, ?)', ['hello', 'Hello']);
 * const notes = await db.query('SELECT * FROM notes');
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<MigratedDatabase> {
  carryErrorsAcrossWorkers();
  const { migrations, schema } = migrationSet(options.migrations, options.schema);
  const storage = options.storage ?? 'auto';
  const wasmUrl = absoluteUrl(options.wasmUrl);
  const workerName = databaseWorkerName({ name: options.name, storage, wasmUrl });
  const worker = startWorker<DatabaseWorkerApi>(
    () =>
      options.createWorker?.({ type: 'module', name: workerName }) ??
      // The options are written out here: bundlers read the worker's type from this very call.
      new Worker(new URL('../worker/database-worker.js', import.meta.url), {
        type: 'module',
        name: workerName,
      }),
    DATABASE_WORKER,
  );
  const listeners = new Set<(event: DatabaseEvent) => void>();
  let info: DatabaseInfo | undefined;
  const onEvent = (event: DatabaseEvent) => {
    info = event.info;
    for (const listener of listeners) listener(event);
  };
  let progress: OpenProgress | undefined;
  let settled = false;
  const onProgress = (next: OpenProgress) => {
    // Told on a channel of its own, progress can trail the open's result: once that is in, it is news of nothing.
    if (settled) return;
    progress = next;
    options.onProgress?.(next);
  };
  const timeoutMs = timeBudget(options.timeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS, 'timeoutMs');
  const opened = await withinBudget(
    worker.call((api) =>
      api.open(
        {
          name: options.name,
          migrations,
          schema,
          runOptions: workerRunOptions(options),
          storage,
          wasmUrl,
        },
        proxy(onEvent),
        proxy(onProgress),
      ),
    ),
    {
      timeoutMs,
      signal: options.signal,
      timedOut: () => openStopped(options.name, progress, timeoutMs),
      cancelled: () => openStopped(options.name, progress, undefined),
    },
  )
    .catch((error: unknown) => {
      worker.stop();
      throw error;
    })
    .finally(() => {
      settled = true;
    });
  info = opened.info;
  let closed = false;
  const live = <T>(work: (api: Remote<DatabaseWorkerApi>) => Promise<T>): Promise<T> =>
    closed
      ? Promise.reject(new DatabaseError('CLOSED', `The database ${options.name} is closed.`))
      : worker.call(work);
  return {
    name: options.name,
    report: opened.report,
    timings: opened.timings,
    saved: opened.saved,
    info: () => info as DatabaseInfo,
    query: async <T extends Row = Row>(sql: string, params?: SqlValue[]) =>
      (await live((api) => api.query(sql, params, 'object'))).rows as T[],
    exec: (sql, params) => live((api) => api.write([{ sql, params: params ?? [] }])),
    execute: (sql, params, rowMode = 'object') =>
      live((api) => api.execute({ sql, params }, rowMode)),
    transaction: (<T>(
      work: WriteStatement[] | ((tx: Transaction) => Promise<T>),
      transactionOptions?: TransactionOptions,
    ) =>
      Array.isArray(work)
        ? live((api) => api.write(work))
        : runTransaction(live, work, transactionOptions)) as MigratedDatabase['transaction'],
    live: (sql, params, liveOptions) => startLiveQuery(live, sql, params, liveOptions),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exportImage: () => live((api) => api.exportImage()),
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      // The worker finishes the write in hand first, but a write waiting on another tab's lock
      // could wait for ever: after a while the worker is ended anyway, which lets its lock go.
      await Promise.race([
        worker.call((api) => api.close()).catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS)),
      ]);
      worker.stop();
    },
  };
}

/**
 * The error of an open stopped where `progress` last said it was: past its time budget
 * (`timeoutMs`), or by its signal (undefined).
 */
function openStopped(
  name: string,
  progress: OpenProgress | undefined,
  timeoutMs: number | undefined,
): DatabaseError {
  const step: OpenStep = progress?.step ?? 'reading';
  const migration = progress?.step === 'migrating' ? progress.migration : undefined;
  const migrationName =
    migration?.phase === 'migration' && migration.event === 'start'
      ? (migration.name ?? undefined)
      : undefined;
  const where = {
    reading: 'while it read the stored database and loaded SQLite',
    waiting:
      'while it waited for another tab, which held the database (that tab may be running a migration that never ends, until its own time budget stops it)',
    migrating:
      migrationName === undefined
        ? 'while it checked the stored database against the migrations'
        : `while it ran ${migrationName}, which may never end (a trigger it fires can loop for ever)`,
    saving: 'while it saved the migrated database',
  }[step];
  const outcome =
    step === 'saving'
      ? 'a save lands whole or not at all, so the stored database is either as it was or fully migrated: reload to see which.'
      : 'the stored database is unchanged.';
  const facts = { step, migrationName, timeoutMs };
  return timeoutMs === undefined
    ? new DatabaseError('OPEN_CANCELLED', `Opening ${name} was stopped ${where}; ${outcome}`, facts)
    : new DatabaseError(
        'OPEN_TIMED_OUT',
        `Opening ${name} took longer than ${describeBudget(timeoutMs)}, so it was stopped ${where}; ${outcome}`,
        facts,
      );
}
