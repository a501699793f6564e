import type { WorkerRunOptions } from '../browser/protocol.ts';
import type { BackupEntry } from '../browser/storage/layout.ts';
import type { Migration, MigrationProgress, MigrationReport, SchemaDifference } from '../index.ts';

/**
 * What crosses between the page and the upload worker (through Comlink): the request, the report,
 * the kept file. Both sides import this file, and nothing else of each other.
 */

/** One check the file passed; `warning` when it passed with something a person should know. */
export interface UploadCheck {
  name: 'header' | 'size' | 'room' | 'journal' | 'integrity' | 'foreign-keys';
  level: 'ok' | 'warning';
  detail: string;
}

/** A table of the uploaded file and its row count. */
export interface TableSummary {
  name: string;
  /** Null when SQLite cannot read the table (a virtual table of a module sql.js lacks). */
  rows: number | null;
}

/** What an uploaded file is, what the checks found, and what upgrading a copy of it did. */
export interface UploadReport {
  fileName: string;
  sizeBytes: number;
  pageSize: number;
  pageCount: number;
  checks: UploadCheck[];
  /**
   * The file's migration ledger: none (untracked), `original` (StarPunk's three columns; it
   * gains checksum, applied_how and duration_ms), `current` (this runner's), or `other`: another
   * tool's, or the app's own table, which the upgrade adopts (`upgrade.adoption` says whose).
   */
  ledger: 'none' | 'original' | 'current' | 'other';
  /** The file's own tables (not SQLite's, not full-text shadow tables), with row counts. */
  tables: TableSummary[];
  /**
   * The upgrade as it ran on the worker's copy: what was baselined and executed, timings, schema
   * changes, drift. Only the copy changed; nothing is kept until `keep()`, nor stored until `adopt()`.
   */
  upgrade: MigrationReport;
  /**
   * Where the time went (ms): the checks before opening and reading the file; loading SQLite and
   * opening the copy; SQLite's checks; the migrations; all of it.
   */
  timings: { readMs: number; openMs: number; checkMs: number; migrateMs: number; totalMs: number };
}

/** The upgraded file, kept: its bytes stay in a worker until downloaded or adopted. */
export interface KeptUpload {
  /** `<name>-upgraded.db`: the name to offer the download under. */
  fileName: string;
  sizeBytes: number;
  /** False when the file had to be copied out of SQLite (it outgrew the room it was read into). */
  inPlace: boolean;
  /** Taking the file out of SQLite (the probe, then the close; an export when it had to copy). */
  timings: { handOverMs: number };
}

/** What adopting the upgraded file as an app's database did. */
export interface AdoptResult {
  /** The stored generation the file was saved as. */
  generation: number;
  /** The backup the app's previous file became; null when nothing was stored. */
  backup: BackupEntry | null;
}

/** What the page asks the upload worker to check. */
export interface UploadRequest {
  fileName: string;
  migrations: Migration[];
  schema: string | undefined;
  runOptions: WorkerRunOptions;
  /** Files larger than this are refused before they are read. */
  maxBytes: number;
  /** What the browser still lets the site store (`navigator.storage.estimate`), null when unknown. */
  availableBytes: number | null;
  wasmUrl: string | undefined;
}

/** The upgraded file as it leaves the worker that migrated it: its bytes start `file`. */
export interface HandedOverFile {
  file: ArrayBuffer;
  byteLength: number;
  kept: KeptUpload;
}

/**
 * The upload worker's API, as the page sees it through Comlink. One worker checks and upgrades the
 * copy, then hands the file over and is ended, taking SQLite's memory with it; a second one keeps
 * the file for `download` and `adopt`. Failures are thrown.
 */
export interface UploadWorkerApi {
  /** Checks `file`, then runs the migrations on a copy, reporting progress (a Comlink proxy). */
  check(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadReport>;
  /** Closes the upgraded copy and hands its file over (transferred, not copied). */
  handOver(): Promise<HandedOverFile>;
  /** Keeps the file `handOver` gave, and its drift from schema.sql (a drifting file is not adopted). */
  keep(file: ArrayBuffer, byteLength: number, drift: SchemaDifference[]): Promise<void>;
  download(): Promise<Blob>;
  adopt(name: string): Promise<AdoptResult>;
}
