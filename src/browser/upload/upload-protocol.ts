import type { Migration, MigrationProgress, MigrationReport } from '../../core/types.ts';
import type { BackupEntry } from '../backup-list.ts';
import type { SerializedOpenError, WorkerRunOptions } from '../worker-protocol.ts';

/**
 * The page and an upload's worker speak through Comlink; these are the shapes that cross.
 * Failures come back as plain data, as in `worker-protocol.ts`.
 */

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
}

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

/** What an uploaded file is, what the checks found, and what upgrading it did to the worker's copy. */
export interface UploadInspection {
  fileName: string;
  sizeBytes: number;
  pageSize: number;
  pageCount: number;
  checks: UploadCheck[];
  /**
   * The file's migration ledger: none (untracked), `original` (StarPunk's three columns; it
   * gains checksum, applied_how and duration_ms) or `current` (this runner's).
   */
  ledger: 'none' | 'original' | 'current';
  /** The file's own tables (not SQLite's, not full-text shadow tables), with row counts. */
  tables: TableSummary[];
  /**
   * The upgrade as it ran on the worker's copy: what was baselined and executed, timings, schema
   * changes, drift. Only the copy changed; nothing is kept until `upgrade()` and `adopt()`.
   */
  plan: MigrationReport;
  /**
   * Where the time went (ms): the checks before opening and reading the file; loading SQLite
   * (it loads after the read, see `upload-host.ts`) and opening the copy; SQLite's checks; the
   * migrations; all of it.
   */
  timings: { readMs: number; openMs: number; checkMs: number; migrateMs: number; totalMs: number };
}

/** The upgraded file, taken out of SQLite; its bytes stay in a worker until downloaded or adopted. */
export interface UpgradeResult {
  report: MigrationReport;
  /** `<name>-upgraded.db`: the name to offer the download under. */
  fileName: string;
  sizeBytes: number;
  /** False when the file had to be copied out of SQLite (it outgrew the room it was read into). */
  inPlace: boolean;
  /** Taking the file out of SQLite (the probe, then the close; an export when it had to copy). */
  timings: { exportMs: number };
}

/** What adopting the upgraded file as an app's database did. */
export interface AdoptResult {
  /** The stored generation the file was saved as. */
  generation: number;
  /** The backup the app's previous image became; null when nothing was stored. */
  backup: BackupEntry | null;
}

export type UploadOutcome<T> = { ok: true; value: T } | { ok: false; error: SerializedOpenError };

/** The upgraded file as it leaves the worker that migrated it: its bytes start `file`. */
export interface TakenUpload {
  file: ArrayBuffer;
  byteLength: number;
  result: UpgradeResult;
}

/**
 * The upload worker's API, as the page sees it through Comlink. One worker checks and migrates
 * the copy, then hands the file over (`finish`) and is ended, taking SQLite's memory with it; a
 * second one keeps the file (`keep`) for `download` and `adopt`.
 */
export interface UploadWorkerApi {
  /** Checks `file`, then runs the migrations on a copy, reporting progress (a Comlink proxy). */
  inspect(
    file: Blob | Uint8Array,
    request: UploadRequest,
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadOutcome<UploadInspection>>;
  /** Closes the upgraded copy and hands its file over (transferred, not copied). */
  finish(): Promise<UploadOutcome<TakenUpload>>;
  /** Takes the file `finish` handed over. */
  keep(file: ArrayBuffer, byteLength: number, result: UpgradeResult): Promise<void>;
  /** The upgraded file. */
  download(): Promise<UploadOutcome<Blob>>;
  /** Makes the upgraded file database `name`'s stored image. */
  adopt(name: string): Promise<UploadOutcome<AdoptResult>>;
}
