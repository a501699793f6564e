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

/** What an uploaded file is, what the checks found, and what upgrading it would do. */
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
  /** The dry run on the worker's copy: what would be baselined and executed, timings, schema changes. */
  plan: MigrationReport;
  timings: { readMs: number; openMs: number; checkMs: number; dryRunMs: number; totalMs: number };
}

/** What upgrading the worker's copy did; its bytes stay in the worker until downloaded or adopted. */
export interface UpgradeResult {
  report: MigrationReport;
  /** `<name>-upgraded.db`: the name to offer the download under. */
  fileName: string;
  sizeBytes: number;
  timings: { migrateMs: number; exportMs: number; totalMs: number };
}

/** What adopting the upgraded file as an app's database did. */
export interface AdoptResult {
  /** The stored generation the file was saved as. */
  generation: number;
  /** The backup the app's previous image became; null when nothing was stored. */
  backup: BackupEntry | null;
}

export type UploadOutcome<T> = { ok: true; value: T } | { ok: false; error: SerializedOpenError };

/** The upload worker's API, as the page sees it through Comlink. */
export interface UploadWorkerApi {
  /** Checks `file` and dry-runs the migrations on a copy; keeps the copy for `upgrade`. */
  inspect(
    file: Blob | Uint8Array,
    request: UploadRequest,
  ): Promise<UploadOutcome<UploadInspection>>;
  /** Migrates the copy for real, reporting progress through `onProgress` (a Comlink proxy). */
  upgrade(
    onProgress: ((progress: MigrationProgress) => void) | undefined,
  ): Promise<UploadOutcome<UpgradeResult>>;
  /** The upgraded file. */
  download(): Promise<UploadOutcome<Blob>>;
  /** Makes the upgraded file database `name`'s stored image. */
  adopt(name: string): Promise<UploadOutcome<AdoptResult>>;
}
