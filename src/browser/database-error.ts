import { isSqljsMigrateError, type SerializedError, SqljsMigrateError } from '../core/errors.ts';
/** Every way the browser layer can refuse a write or fail outside a migration run. */
export type DatabaseErrorCode =
  /** A newer version of the app changed the database: this tab must reload before it writes. */
  | 'STALE'
  /** The browser refused the save for want of space; the last good image is kept. */
  | 'QUOTA_EXCEEDED'
  /** Another tab saved since this tab read the image; nothing was written (catch up, then retry). */
  | 'CONFLICT'
  /** IndexedDB failed while saving for another reason; the last good image is kept. */
  | 'SAVE_FAILED'
  /** A statement failed; nothing was changed. */
  | 'SQL_FAILED'
  /** The handle was closed, or the database never opened. */
  | 'CLOSED'
  /** Loading the stored image or the engine failed before any migration ran. */
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

/** True for a `DatabaseError`, also one made by another copy of this module. */
export function isDatabaseError(value: unknown): value is DatabaseError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'DatabaseError';
}

/** A `DatabaseError` as the plain data a worker returns instead of throwing across Comlink. */
export function databaseErrorData(
  code: DatabaseErrorCode,
  message: string,
): SerializedDatabaseError {
  return new DatabaseError(code, message).toJSON();
}

/** Any thrown value's message, for errors from SQLite, IndexedDB or the engine. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
