import { proxy, type Remote, releaseProxy, wrap } from 'comlink';
import type { Migration, MigrationReport, SqlValue } from '../core/types.ts';
import { lockName } from './cross-tab-lock.ts';
import { DatabaseError, messageOf } from './database-error.ts';
import { migrationSet } from './migration-set.ts';
import type {
  DatabaseEvent,
  DatabaseInfo,
  DatabaseWorkerApi,
  LoadTimings,
  Outcome,
  Row,
  WorkerRunOptions,
  WriteResult,
  WriteStatement,
} from './worker-protocol.ts';
import { reviveError, workerRunOptions } from './worker-protocol.ts';

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
  schema?: string;
  /** `memory` keeps nothing on purpose; `auto` (the default) uses IndexedDB when it can. */
  storage?: 'auto' | 'memory';
  /** Starts the database worker; the default is the one bundled beside this file. */
  createWorker?: () => Worker;
}

/** A migrated, persisted database, shared safely with the app's other tabs. */
export interface MigratedDatabase {
  readonly name: string;
  /** What the migration run on open did and found. */
  readonly report: MigrationReport;
  /** Where the open's time went (lock, IndexedDB read, engine, migration, save). */
  readonly timings: LoadTimings;
  /** Storage, size, generation and staleness, as of the last event. */
  info(): DatabaseInfo;
  /** Runs a read and returns its rows by column name. */
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs one write under the cross-tab lock and saves it. */
  exec(sql: string, params?: SqlValue[]): Promise<WriteResult>;
  /** Runs several writes as one transaction under the cross-tab lock and saves them. */
  transaction(statements: WriteStatement[]): Promise<WriteResult>;
  /** Calls `listener` after every change (this tab's or another's) and status change. */
  subscribe(listener: (event: DatabaseEvent) => void): () => void;
  /** The current database file, e.g. for a download. */
  exportImage(): Promise<Uint8Array>;
  /** Stops the worker; the handle refuses calls afterwards. */
  close(): Promise<void>;
}

/**
 * Opens the app's database in a worker: loads it from IndexedDB (or creates it), migrates it
 * under a cross-tab lock, saves it only if the run changed something, and keeps it in step
 * with the app's other tabs. Rejects with `MigrationError` when the migrations refuse or fail —
 * the stored database is then untouched — and with `DatabaseError` when it cannot load at all.
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
  // The worker first: it starts reading the stored image while the files are sorted out here.
  const worker = options.createWorker?.() ?? startBundledWorker(options.name);
  const api = wrap<DatabaseWorkerApi>(worker);
  let migrations: Migration[];
  let schema: string | undefined;
  try {
    ({ migrations, schema } = migrationSet(options.migrations, options.schema));
  } catch (error) {
    stop(api, worker);
    throw error;
  }
  const listeners = new Set<(event: DatabaseEvent) => void>();
  let info: DatabaseInfo | undefined;
  const onEvent = (event: DatabaseEvent) => {
    info = event.info;
    for (const listener of listeners) listener(event);
  };
  let result: Awaited<ReturnType<DatabaseWorkerApi['open']>>;
  try {
    result = await api.open(
      {
        name: options.name,
        migrations,
        schema,
        runOptions: workerRunOptions(options),
        storage: options.storage ?? 'auto',
      },
      proxy(onEvent),
    );
  } catch (error) {
    stop(api, worker);
    throw new DatabaseError('OPEN_FAILED', `The database worker failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (!result.ok) {
    stop(api, worker);
    throw reviveError(result.error);
  }
  info = result.info;
  const report = result.report;
  let closed = false;
  const live = () => {
    if (closed) throw new DatabaseError('CLOSED', `The database ${options.name} is closed.`);
    return api;
  };

  return {
    name: options.name,
    report,
    timings: result.timings,
    info: () => info as DatabaseInfo,
    async query<T extends Row = Row>(sql: string, params?: SqlValue[]) {
      return unwrap(await live().query(sql, params)) as T[];
    },
    async exec(sql, params) {
      return unwrap(await live().write([{ sql, params: params ?? [] }]));
    },
    async transaction(statements) {
      return unwrap(await live().write(statements));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async exportImage() {
      return live().exportImage();
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await api.close().catch(() => {});
      stop(api, worker);
    },
  };
}

function startBundledWorker(name: string): Worker {
  // Written out in full so Vite sees it and bundles the worker with its imports. The name tells
  // the worker which database to start loading before the page's first message arrives.
  return new Worker(new URL('./database-worker.ts', import.meta.url), {
    type: 'module',
    name: lockName(name),
  });
}

function stop(api: Remote<DatabaseWorkerApi>, worker: Worker): void {
  api[releaseProxy]();
  worker.terminate();
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new DatabaseError(outcome.error.code, outcome.error.message);
}
