import { isSqljsMigrateError, type SerializedError, SqljsMigrateError } from '../index.ts';

/** Every way the browser layer can refuse a write or fail outside a migration run. */
export type DatabaseErrorCode =
  /**
   * This tab can no longer save: another tab replaced the database, saved what this tab could
   * not take in, or the stored database went away. The message says which; reload (after a
   * download, when the stored database is gone).
   */
  | 'STALE'
  /** The browser refused the save for want of space; the last good file is kept. */
  | 'QUOTA_EXCEEDED'
  /** Another tab saved since this tab read the file; nothing was written (catch up, then retry). */
  | 'CONFLICT'
  /** IndexedDB failed while saving for another reason; the last good file is kept. */
  | 'SAVE_FAILED'
  /** A statement failed; nothing was changed. */
  | 'SQL_FAILED'
  /** The handle was closed, or the database never opened. */
  | 'CLOSED'
  /** The worker, the engine or the stored file failed to load before any migration ran. */
  | 'OPEN_FAILED'
  /** An uploaded file is empty, too short, or lacks SQLite's header: it is not a database. */
  | 'NOT_A_DATABASE'
  /** An uploaded file is larger than the configured limit. */
  | 'TOO_LARGE'
  /** An uploaded file is larger than the space the browser still allows this site. */
  | 'NO_ROOM'
  /** An uploaded file is truncated or damaged: its header or SQLite's integrity check says so. */
  | 'CORRUPT'
  /** An upload was asked to be adopted or downloaded before it was upgraded. */
  | 'NOT_UPGRADED'
  /** Checking an uploaded file failed unexpectedly (not a refusal); nothing was written. */
  | 'INSPECT_FAILED'
  /** Upgrading an upload's copy failed outside a migration (the engine, its memory); nothing was stored. */
  | 'UPGRADE_FAILED'
  /** Checking or upgrading an upload took longer than its time budget, and was stopped. */
  | 'TIMED_OUT'
  /** An upload was closed (another file picked, the card closed) while it was being worked on. */
  | 'CANCELLED'
  /** An upgraded upload's schema still differs from schema.sql, so it is not adopted. */
  | 'SCHEMA_DRIFT'
  /** The backup asked for is not (or no longer) stored. */
  | 'NO_SUCH_BACKUP';

/** The one error the browser layer throws besides the core's `MigrationError`. */
export class DatabaseError extends SqljsMigrateError<DatabaseErrorCode> {
  override readonly name = 'DatabaseError';

  override toJSON(): SerializedDatabaseError {
    return super.toJSON() as SerializedDatabaseError;
  }
}

/** A `DatabaseError` as plain data. */
export interface SerializedDatabaseError extends SerializedError {
  name: 'DatabaseError';
  code: DatabaseErrorCode;
}

/** True for a `DatabaseError`, also one made by another copy of this module or in a worker. */
export function isDatabaseError(value: unknown): value is DatabaseError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'DatabaseError';
}

/**
 * A failed write to IndexedDB as the error a person can act on; `kept` says what was left as it
 * was ("The stored database is unchanged").
 */
export function storageFailure(error: unknown, kept: string): DatabaseError {
  if (isDatabaseError(error)) return error;
  return isQuotaError(error)
    ? new DatabaseError(
        'QUOTA_EXCEEDED',
        `The browser refused to save: its storage for this site is full. ${kept}; free some space and try again.`,
        { cause: error },
      )
    : new DatabaseError('SAVE_FAILED', `Saving failed (${messageOf(error)}). ${kept}.`, {
        cause: error,
      });
}

/** True for the error a browser raises when a save would exceed the storage quota. */
function isQuotaError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'QuotaExceededError' ||
      (error as { code?: unknown }).code === 22)
  );
}

/** Any thrown value's message, for errors from SQLite, IndexedDB or the engine. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A file size in words for messages and lists: `1.4 MB`, `812 KB`, `96 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}
