import { Worker } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import {
  isMigrationError,
  type Migration,
  MigrationError,
  type MigrationProgress,
  type MigrationReport,
  type RunOptions,
  runMigrations,
  type SerializedMigrationError,
  type SqlDatabase,
} from '../index.ts';
import {
  CliError,
  isCliError,
  messageOf,
  type SerializedCliError,
  unreadable,
} from './cli-error.ts';

/**
 * The migration itself, on the database's bytes in sql.js's memory: the file on disk is only
 * read before and replaced after, by the command, so nothing here can leave it half written.
 * With a time limit it runs in a worker thread, because sql.js has no way to interrupt a
 * statement (no progress handler, no `sqlite3_interrupt`): a worker can be ended mid-statement.
 */

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

/** Where progress and log lines go: stderr, so stdout stays one clean document. */
export type ProgressSink = (line: string) => void;

/** What a run in memory is given. */
export interface InMemoryRequest {
  /** The file the bytes came from, for messages. */
  path: string;
  /** The file's bytes; null for a file that does not exist yet. */
  bytes: Uint8Array | null;
  migrations: Migration[];
  schema: string | undefined;
  dryRun: boolean;
  /** Whose ledger to adopt (`RunOptions.adoptFrom`); undefined for any tool's. */
  adoptFrom?: RunOptions['adoptFrom'];
  /** Drop the adopted ledger's tables (`RunOptions.dropAdoptedLedger`). */
  dropAdoptedLedger?: boolean;
}

/** What a run in memory did. */
export interface InMemoryResult {
  report: MigrationReport;
  /** The migrated database to write in place of the file; null when there is nothing to write. */
  bytes: Uint8Array | null;
}

/** How many problems `quick_check` lists before it stops: enough to say what is wrong. */
const QUICK_CHECK_PROBLEMS = 5;

/** What the migration worker tells its parent. */
export type WorkerMessage =
  | { kind: 'started' }
  | { kind: 'progress'; line: string }
  | { kind: 'done'; result: InMemoryResult }
  | { kind: 'failed'; error: Record<string, unknown> };

/** Byte offsets 18 and 19 of the header: 2 and 2 mark a database in WAL mode. */
const WAL_HEADER_OFFSETS = [18, 19] as const;

let sqlJs: Promise<SqlJs> | undefined;

/** Loads sql.js once; in Node it finds its own .wasm file, so no `locateFile` is needed. */
export function loadSqlJs(): Promise<SqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * Opens the bytes, runs the migrations and, when the run changed something (or the file is new)
 * and is not a dry run, exports the result. Any error propagates with nothing exported.
 */
export async function migrateInMemory(
  request: InMemoryRequest,
  progress: ProgressSink,
): Promise<InMemoryResult> {
  const { path, bytes, dryRun } = request;
  const db = openFileInMemory(await loadSqlJs(), bytes, path);
  try {
    const report = readingDatabase(path, () =>
      runMigrations(db, request.migrations, {
        schema: request.schema,
        dryRun,
        checkDrift: request.schema !== undefined,
        adoptFrom: request.adoptFrom,
        dropAdoptedLedger: request.dropAdoptedLedger,
        // Progress only: the logger would repeat on stderr what the summary says (drift, plan).
        onProgress: (p) => reportProgress(p, progress),
      }),
    );
    // A missing file is created even when the run had nothing to write into it.
    const write = !dryRun && (report.changed || bytes === null);
    return { report, bytes: write ? keepJournalMode(db.export(), bytes) : null };
  } finally {
    db.close();
  }
}

/**
 * `migrateInMemory`, stopped when it has not finished `seconds` after its worker started (the
 * thread's own start-up is not the migration's time): the worker is ended, whatever SQLite is
 * doing, and nothing is returned to write. Without a limit it runs on this thread.
 */
export async function migrateWithin(
  seconds: number | null,
  request: InMemoryRequest,
  progress: ProgressSink,
): Promise<InMemoryResult> {
  if (seconds === null) return migrateInMemory(request, progress);
  const worker = startMigrationWorker(request);
  let running = 'opening the database';
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<InMemoryResult>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'started') {
          const stop = () => reject(timedOut(request.path, seconds, running));
          timer = setTimeout(stop, seconds * 1000);
        } else if (message.kind === 'progress') {
          running = message.line;
          progress(message.line);
        } else if (message.kind === 'done') resolve(message.result);
        else reject(reviveError(message.error));
      });
      worker.on('error', reject);
      worker.on('exit', () => reject(new Error('the migration worker ended without an answer')));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/**
 * The worker, from `migrate-worker.js` beside this file once compiled. Run from the TypeScript
 * source (the tests, `npm run cli`), the worker first registers tsx: Node cannot run TypeScript
 * itself, and a worker does not inherit the loader its parent was started with.
 */
function startMigrationWorker(request: InMemoryRequest): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(
    fromSource ? './migrate-worker.ts' : './migrate-worker.js',
    import.meta.url,
  );
  if (!fromSource) return new Worker(entry, { workerData: request });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData: request });
}

function timedOut(path: string, seconds: number, running: string): CliError {
  return new CliError(
    'TIMED_OUT',
    `${path}: stopped after ${seconds} s (--timeout) while ${running}; ${path} is unchanged. A statement that never ends (a trigger that sets itself off again, a recursive query with no limit) is the usual cause: find it, or allow more time with --timeout`,
    { file: path },
  );
}

/** An error the worker sent as plain data (`serializeError`), as the error it was. */
function reviveError(data: Record<string, unknown>): Error {
  if (data.name === 'MigrationError')
    return MigrationError.fromJSON(data as unknown as SerializedMigrationError);
  if (data.name === 'CliError') {
    const { code, message, file, cause } = data as unknown as SerializedCliError;
    return new CliError(code, message, { file: file ?? undefined, cause: cause ?? undefined });
  }
  return new Error(String(data.message));
}

/**
 * Opens a database from a file's bytes (or an empty one) in memory, with foreign keys enforced
 * as the app would have them. A file whose header looks right but which sql.js cannot open or
 * whose schema cannot be read is unreadable input, reported before any migration runs; so is a
 * file that fails `PRAGMA quick_check`, which the page refuses as damaged too.
 */
export function openFileInMemory(sql: SqlJs, bytes: Uint8Array | null, path: string): SqlDatabase {
  let db: SqlDatabase | undefined;
  try {
    // sql.js may keep the array it is given as its in-memory file and write into it; hand it a
    // copy so the bytes read from disk stay the reference for "did the file change meanwhile".
    db = new sql.Database(bytes === null ? null : new Uint8Array(bytes));
    db.exec('SELECT name FROM sqlite_master LIMIT 1');
  } catch (error) {
    db?.close();
    throw unreadable(path, `cannot be opened as a SQLite database: ${messageOf(error)}`, error);
  }
  if (bytes !== null) assertWhole(db, path);
  return enableForeignKeys(db);
}

/**
 * `PRAGMA quick_check`: every page, cell and record well formed, as the page checks an upload.
 * A migration would otherwise run on a damaged file, and may even succeed, writing the damage
 * back under a new ledger row.
 */
function assertWhole(db: SqlDatabase, path: string): void {
  let said: string;
  try {
    const problems = (db.exec(`PRAGMA quick_check(${QUICK_CHECK_PROBLEMS})`)[0]?.values ?? []).map(
      (row) => String(row[0]),
    );
    if (problems.length === 1 && problems[0] === 'ok') return;
    said = problems.join('; ');
  } catch (error) {
    said = messageOf(error);
  }
  db.close();
  throw unreadable(path, `damaged: SQLite's quick_check says ${said} (nothing was changed)`);
}

/** A fresh in-memory database with foreign keys on, for `verifyMigrations`. */
export function createEmptyDatabase(sql: SqlJs): SqlDatabase {
  return enableForeignKeys(new sql.Database());
}

/**
 * Runs `work` over the user's database. A `MigrationError` is told of the file, which is never
 * written after a failure; any error that is neither a `MigrationError` nor a `CliError` becomes
 * an `UNREADABLE_INPUT` one naming the file: the core reports every
 * migration failure as a `MigrationError`, so a raw SQLite error escaping it (a ledger with a
 * NOT NULL column of its own) means the database has a shape this runner does not support,
 * which is bad input (exit 2), not a failed migration.
 */
function readingDatabase<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    // The run failed, so the file is never written: whatever committed in memory is not in it.
    if (error instanceof MigrationError) throw error.unchangedIn(path);
    if (isMigrationError(error) || isCliError(error)) throw error;
    throw unreadable(
      path,
      `cannot be read as a database this runner supports: ${messageOf(error)} (nothing was changed)`,
      error,
    );
  }
}

/** One line as each step starts, so a long migration shows which one is running. */
function reportProgress(progress: MigrationProgress, sink: ProgressSink): void {
  if (progress.event !== 'start') return;
  if (progress.phase === 'schema') {
    sink(`creating the schema from ${progress.name ?? 'the schema'}`);
  } else if (progress.phase === 'migration') {
    sink(`running ${progress.name ?? ''} (${progress.index}/${progress.total})`);
  }
}

/**
 * sql.js exports every database in rollback-journal mode. A WAL database keeps its mode, which
 * SQLite stores only in these two header bytes, so the app that chose WAL finds it unchanged.
 */
function keepJournalMode(exported: Uint8Array, original: Uint8Array | null): Uint8Array {
  const wasWal = original !== null && WAL_HEADER_OFFSETS.every((i) => original[i] === 2);
  if (wasWal) for (const i of WAL_HEADER_OFFSETS) exported[i] = 2;
  return exported;
}

// SQLite starts every connection with foreign keys off; sql.js also turns them off again after
// `export()`, so the core may set them too, but a database handed over must start right.
function enableForeignKeys<T extends { exec(sql: string): unknown }>(db: T): T {
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}
