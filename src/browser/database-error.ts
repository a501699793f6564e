/** Every way the browser layer can refuse a write or fail outside a migration run. */
export type DatabaseErrorCode =
  /** A newer version of the app changed the database: this tab must reload before it writes. */
  | 'STALE'
  /** The browser refused the save for want of space; the last good image is kept. */
  | 'QUOTA_EXCEEDED'
  /** IndexedDB failed while saving for another reason; the last good image is kept. */
  | 'SAVE_FAILED'
  /** A statement failed; nothing was changed. */
  | 'SQL_FAILED'
  /** The handle was closed, or the database never opened. */
  | 'CLOSED'
  /** Loading the stored image or the engine failed before any migration ran. */
  | 'OPEN_FAILED';

/** The one error the browser layer throws besides the core's `MigrationError`. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** A plain object for crossing the worker boundary. */
  toJSON(): SerializedDatabaseError {
    return { name: 'DatabaseError', code: this.code, message: this.message };
  }
}

/** A `DatabaseError` as plain data. */
export interface SerializedDatabaseError {
  name: 'DatabaseError';
  code: DatabaseErrorCode;
  message: string;
}

/** True for a `DatabaseError`, also one made by another copy of this module. */
export function isDatabaseError(value: unknown): value is DatabaseError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'DatabaseError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
