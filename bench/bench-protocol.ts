import type { SaveSummary } from '../src/browser.ts';

/** The stored database every bench page uses. */
export const BENCH_DATABASE = 'bench';

/** A 1 MB database seeded like the 50 MB one, for the write that is compared with it. */
export const SMALL_BENCH_DATABASE = 'bench-1mb';

/** A copy of the 50 MB database that the migrating load migrates, fresh for every round. */
export const MIGRATE_DATABASE = 'bench-migrate';

/** The chunk sizes the chunk part stores the 50 MB database in, in KiB. */
export const CHUNK_KIBS = [16, 32, 60, 64, 128, 256, 1024];

/**
 * What the chunk part's files hold: the seeded notes (text, which IndexedDB compresses), or
 * random attachments (bytes nothing compresses, as photos or encrypted fields are).
 */
export type ChunkContent = 'notes' | 'random';

/** The copy of a 50 MB database holding `content`, stored in chunks of `kib` KiB. */
export function chunkDatabase(kib: number, content: ChunkContent = 'notes'): string {
  return content === 'notes' ? `bench-chunks-${kib}` : `bench-chunks-${kib}-${content}`;
}

/**
 * Where the floor reads the same file from: one IndexedDB value holding the whole file, the
 * least a load can read (the library's store holds it as chunks), under the database's name.
 */
export const FLOOR_STORE = { database: 'bench-floor', store: 'images' };

/** The sizes part's databases, in MiB: each a notes database of that size. */
export const SIZES_MIB = [50, 200, 500];

/** The sizes part's database of `mib` MiB. */
export function sizeDatabase(mib: number): string {
  return `bench-${mib}mib`;
}

/** The IndexedDB database (and wa-sqlite VFS name) the peer keeps its copy of the 50 MB file in. */
export const WA_SQLITE_DATABASE = 'bench-wa-sqlite';

/** The first query a page of the notes app runs: the newest notes. */
export const PEER_FIRST_QUERY = 'SELECT id, slug FROM notes ORDER BY id DESC LIMIT 20';

/**
 * The one-row write both sides time: a new tag (a row of the same 50 MB database that both can
 * write; wa-sqlite is built without FTS4, whose triggers a new note fires).
 */
export const PEER_WRITE = 'INSERT INTO tags (name) VALUES (?)';

/** What one bench page measured; the runner reads it from `window.benchResult`. */
export interface BenchResult {
  mode: string;
  /** From the page script's first line to the moment the database could be queried. */
  readyMs: number;
  /** The database file's size as the page saw it. */
  sizeBytes: number;
  /** Only for the library: true when the run found nothing to do. */
  upToDate?: boolean;
  /** Only for the library: how long `runMigrations` took inside the load. */
  runMs?: number;
  /** Only for `write` and `chunks`: the one-note inserts, each timed and counted. */
  writes?: WriteSeries[];
  /** Only for `migrate`: the migrations the load ran and what its save wrote. */
  executed?: string[];
  saved?: SaveSummary | null;
  /** Where the load's time went, by phase (ms); `workerBootMs` is page start → worker start. */
  phases?: Phases;
  /** Only for `queries`: what the query layer's rounds measured. */
  queries?: QueryBenchResult;
  error?: string;
}

/** One-note inserts through `db.exec` on one stored database, in the order they ran. */
export interface WriteSeries {
  database: string;
  /** The database file's size before the first insert. */
  sizeBytes: number;
  /** Each insert's time from the call to its answer (the save included). */
  ms: number[];
  /** Each insert's `WriteResult.saved.bytesWritten`. */
  bytesWritten: number[];
  /** Inserts whose save wrote every chunk (changes it could not prove). */
  wholeFile: number;
}

/** Phase times of one load, in milliseconds. */
export type Phases = Record<string, number>;

declare global {
  interface Window {
    benchResult?: BenchResult;
    /** Set by the `load-on-demand` page: opens database `name` with the library. */
    benchLoad?: (
      name: string,
    ) => Promise<{ readyMs: number; sizeBytes: number; upToDate: boolean }>;
    /** Set by the `live-pings` page: how long after each ping's write its live query heard it (ms). */
    benchLatencies?: number[];
  }
}

/** The stored database the upload bench adopts its upgraded file into. */
export const UPLOAD_DATABASE = 'bench-upload';

/** What one upload → plan → migrate → save measured, in milliseconds unless named otherwise. */
export interface UploadBenchResult {
  /** The uploaded file's size, and the upgraded file's. */
  sizeBytes: number;
  upgradedBytes: number;
  /** True when the upgraded file left SQLite without a copy. */
  upgradedInPlace: boolean;
  /** `upgradeUpload` (read, checks, the migrations on the copy), `keep()` (the hand-over), `adopt()` (save). */
  inspectMs: number;
  upgradeMs: number;
  adoptMs: number;
  totalMs: number;
  /** The longest main-thread task that overlapped the run (0 when there was none), and how many. */
  maxLongTaskMs: number;
  longTasks: number;
  /** Phases as the upload worker timed them. */
  phases: Phases;
  /** When each step began and the last ended, in epoch milliseconds (to place memory samples). */
  marks: { startedAt: number; inspectedAt: number; upgradedAt: number; adoptedAt: number };
  state: string;
  legacyVersion: string | null;
  executed: string[];
}

/** What one cold detection against the 100-migration history measured. */
export interface InferenceBenchResult {
  /** `runMigrations(db, hundred, { dryRun: true, schema })`, the first call in a fresh worker. */
  dryRunMs: number;
  /** The detection phase of that call (from its onProgress events). */
  detectMs: number;
  /** The same two in a fresh worker whose SQLite had first run the same SQL (see inference-worker.ts). */
  warmEngineDryRunMs: number;
  warmEngineDetectMs: number;
  /** `upgradeUpload` of the same file in a fresh upload worker: its migration run, and all of it. */
  uploadMigrateMs: number;
  uploadInspectMs: number;
  legacyVersion: string | null;
  expectedVersion: string;
}

declare global {
  interface Window {
    /** Set by the upload page once its file input holds the file and the store is empty. */
    benchUploadReady?: boolean;
    /** The step the upload is in, for a runner that gives up waiting. */
    benchUploadStep?: string;
    benchUpload?: () => Promise<UploadBenchResult>;
    benchInference?: () => Promise<InferenceBenchResult>;
  }
}

/** What the query modes measured, each a list over the rounds (ms, but for the saves' count). */
export interface QueryBenchResult {
  /** 1,000 primary-key selects through `db.query`. */
  raw: number[];
  /** The same through `db.execute`, the path the adapters take. */
  execute: number[];
  /** The same through the Kysely dialect, the query built each time. */
  kysely: number[];
  /** The same through the Drizzle driver, the query built each time. */
  drizzle: number[];
  /** The same through one Drizzle query prepared once with a placeholder. */
  drizzlePrepared: number[];
  /** 1,000 `SELECT 1` through `db.query`: the round trips alone. */
  roundTrip: number[];
  /** 100 inserts in one interactive transaction. */
  interactive: number[];
  /** The same 100 inserts as one statements array. */
  batch: number[];
  /** Saves the interactive transaction wrote. */
  interactiveSaves: number[];
}
