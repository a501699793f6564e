import { isSqljsMigrateError, type SerializedError, SqljsMigrateError } from '../index.ts';

/**
 * The browser layer's errors, one class per surface, each with codes of its own and its facts as
 * fields: `DatabaseError` for the handle (`openDatabase` and its calls), `StorageError` for what
 * IndexedDB holds, `UploadError` for a file a person picked. The core's `MigrationError` is the
 * fourth: a migration that refused or failed. The three differ only in their name, codes and
 * facts, so one function makes each of them.
 */

/** Facts, and the error that caused this one. */
export type WithCause<Facts> = Facts & { cause?: unknown };

/** One of the browser layer's errors: its code and message, and its facts as fields. */
export type ErrorWithFacts<
  Name extends string,
  Code extends string,
  Facts,
> = SqljsMigrateError<Code> & Readonly<Facts> & { readonly name: Name };

/** The class of one of the browser layer's errors. */
export interface ErrorClassWithFacts<Name extends string, Code extends string, Facts> {
  new (code: Code, message: string, facts?: WithCause<Facts>): ErrorWithFacts<Name, Code, Facts>;
  readonly prototype: ErrorWithFacts<Name, Code, Facts>;
  /** The error back from its `toJSON()` data (it crossed a worker, or was printed). */
  fromJSON(data: SerializedError): ErrorWithFacts<Name, Code, Facts>;
}

/**
 * Makes the class of errors named `name`, whose facts (`factNames`) are fields of their own, in
 * the error and in its plain data (`null` there when a fact is missing).
 */
function errorClass<Name extends string, Code extends string, Facts extends object>(
  name: Name,
  factNames: readonly (keyof Facts & string)[],
): ErrorClassWithFacts<Name, Code, Facts> {
  class BrowserError extends SqljsMigrateError<Code> {
    override readonly name: Name = name;

    constructor(code: Code, message: string, { cause, ...facts }: WithCause<Facts> = {} as Facts) {
      super(code, message, { cause });
      for (const fact of factNames)
        Object.defineProperty(this, fact, { value: (facts as Facts)[fact], enumerable: true });
    }

    static fromJSON(data: SerializedError): BrowserError {
      // The data's code is one of this class's own: it came from its `toJSON()`.
      return new BrowserError(data.code as Code, data.message, factsOf(data) as WithCause<Facts>);
    }

    protected override facts(): Record<string, unknown> {
      const self = this as unknown as Facts;
      return Object.fromEntries(factNames.map((fact) => [fact, self[fact] ?? null]));
    }
  }
  return BrowserError as unknown as ErrorClassWithFacts<Name, Code, Facts>;
}

/** The facts (and the cause) of an error's plain data, with `null` read as missing. */
function factsOf(data: SerializedError): WithCause<object> {
  const { name: _name, code: _code, message: _message, cause, ...facts } = data;
  return {
    cause: cause ?? undefined,
    ...Object.fromEntries(Object.entries(facts).map(([fact, value]) => [fact, value ?? undefined])),
  };
}

/** Every way the handle can refuse a call or fail outside a migration run and outside storage. */
export type DatabaseErrorCode =
  /** The worker or the engine failed to load. */
  | 'OPEN_FAILED'
  /**
   * Opening took longer than its time budget (`timeoutMs`): the worker was ended wherever it was
   * (`step`, and the `migrationName` it was running), which let the other tabs go on.
   */
  | 'OPEN_TIMED_OUT'
  /** Opening was stopped by its signal: the worker was ended wherever it was (`step`). */
  | 'OPEN_CANCELLED'
  /** A statement failed; nothing was changed. */
  | 'SQL_FAILED'
  /**
   * An interactive transaction was still open when its time budget ran out: it was rolled back
   * and nothing of it was stored.
   */
  | 'TRANSACTION_TIMED_OUT'
  /** The handle was closed, or the database never opened. */
  | 'CLOSED'
  /**
   * This tab can no longer save; `staleBecause` says why, and the message says what to do (reload;
   * download first when the stored database is gone).
   */
  | 'STALE';

/** Why a tab can no longer save. */
export type StaleReason =
  /** Another tab replaced the stored file wholesale (an adopted upload, a restored backup, a conversion). */
  | 'replaced'
  /** A newer version of the app migrated the stored file past what this tab's build knows. */
  | 'newer-version'
  /** Another tab's save could not be taken in for another reason (the message says which). */
  | 'unreadable'
  /** The stored database is gone (the browser cleared the site's storage); this tab holds the only copy. */
  | 'gone';

/** Where an open was when it was stopped. */
export type OpenStep =
  /** Reading the stored database and loading SQLite. */
  | 'reading'
  /** Waiting for another tab, which held the database. */
  | 'waiting'
  /** Running a migration (`migrationName`). */
  | 'migrating'
  /** Saving the migrated database: a save lands whole or not at all. */
  | 'saving';

/** What a `DatabaseError` may carry besides its code and message. */
export interface DatabaseErrorFacts {
  /** For `STALE`: why. */
  staleBecause?: StaleReason | undefined;
  /** For `OPEN_TIMED_OUT`: the time budget that ran out. */
  timeoutMs?: number | undefined;
  /** For `OPEN_TIMED_OUT` and `OPEN_CANCELLED`: where the open was stopped. */
  step?: OpenStep | undefined;
  /** For `OPEN_TIMED_OUT` and `OPEN_CANCELLED` while migrating: the migration that was running. */
  migrationName?: string | undefined;
}

/** The handle's error: the worker, the engine, a statement, or a tab that can no longer save. */
export const DatabaseError = errorClass<'DatabaseError', DatabaseErrorCode, DatabaseErrorFacts>(
  'DatabaseError',
  ['staleBecause', 'timeoutMs', 'step', 'migrationName'],
);
export type DatabaseError = InstanceType<typeof DatabaseError>;

/** Every way the stored database can fail to be read or written. */
export type StorageErrorCode =
  /** Another tab saved since this tab read the file; nothing was written (catch up, then retry). */
  | 'CONFLICT'
  /** The browser refused the save for want of space; the last good file is kept. */
  | 'QUOTA_EXCEEDED'
  /** IndexedDB failed while saving for another reason; the last good file is kept. */
  | 'SAVE_FAILED'
  /** IndexedDB failed while reading the stored file; nothing was changed. */
  | 'READ_FAILED'
  /** A chunk of the stored file is missing or of the wrong size (`chunkIndex`, `chunkVersion`): restore a backup. */
  | 'DAMAGED'
  /** A database stored by 0.1.0 could not be converted; it is stored as it was. */
  | 'CONVERSION_FAILED'
  /** The backup asked for (`backupId`) is not, or no longer, stored. */
  | 'NO_SUCH_BACKUP';

/** What a `StorageError` may carry besides its code and message. */
export interface StorageErrorFacts {
  /** The generation the store holds, where it matters (a `CONFLICT`). */
  storedGeneration?: number | undefined;
  /** The generation this tab had read, and its save followed (a `CONFLICT`). */
  readGeneration?: number | undefined;
  /** The chunk that is missing or damaged. */
  chunkIndex?: number | undefined;
  /** The version of that chunk the manifest names. */
  chunkVersion?: number | undefined;
  /** The backup asked for. */
  backupId?: string | undefined;
}

/** The stored database's error: IndexedDB refused, lost a race, or holds something damaged. */
export const StorageError = errorClass<'StorageError', StorageErrorCode, StorageErrorFacts>(
  'StorageError',
  ['storedGeneration', 'readGeneration', 'chunkIndex', 'chunkVersion', 'backupId'],
);
export type StorageError = InstanceType<typeof StorageError>;

/** Every way checking, upgrading, keeping or adopting an uploaded file can refuse or fail. */
export type UploadErrorCode =
  /** The file is empty, too short, or lacks SQLite's header: it is not a database. */
  | 'NOT_A_DATABASE'
  /** The file is larger than the configured limit (`sizeBytes`, `limitBytes`). */
  | 'TOO_LARGE'
  /** The file is larger than the space the browser still allows this site (`sizeBytes`, `limitBytes`). */
  | 'NO_ROOM'
  /** The file is truncated or damaged: its header or SQLite's integrity check says so. */
  | 'CORRUPT'
  /** The upload was asked to be adopted or downloaded before it was kept. */
  | 'NOT_UPGRADED'
  /** Checking the file failed unexpectedly (not a refusal); nothing was written. */
  | 'INSPECT_FAILED'
  /** Upgrading the copy failed outside a migration (the engine, its memory); nothing was stored. */
  | 'UPGRADE_FAILED'
  /** Checking and upgrading took longer than the time budget (`timeoutMs`), and was stopped. */
  | 'TIMED_OUT'
  /** The check was stopped by its signal; nothing was stored. */
  | 'CANCELLED'
  /** The upgraded file's schema still differs from schema.sql, so it is not adopted. */
  | 'SCHEMA_DRIFT'
  /** The upload worker failed to start or stopped with an error. */
  | 'WORKER_FAILED'
  /** The upload was closed (another file picked, the card closed). */
  | 'CLOSED';

/** What an `UploadError` may carry besides its code and message. */
export interface UploadErrorFacts {
  /** The file's name, as the person picked it. */
  fileName?: string | undefined;
  /** The file's size. */
  sizeBytes?: number | undefined;
  /** The limit it went over: the configured maximum (`TOO_LARGE`) or the space left (`NO_ROOM`). */
  limitBytes?: number | undefined;
  /** The time budget that ran out (`TIMED_OUT`). */
  timeoutMs?: number | undefined;
}

/** An uploaded file's error: refused, stopped, or failed while it was checked, kept or adopted. */
export const UploadError = errorClass<'UploadError', UploadErrorCode, UploadErrorFacts>(
  'UploadError',
  ['fileName', 'sizeBytes', 'limitBytes', 'timeoutMs'],
);
export type UploadError = InstanceType<typeof UploadError>;

/** True for a `DatabaseError`, also one made by another copy of this module or in a worker. */
export function isDatabaseError(value: unknown): value is DatabaseError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'DatabaseError';
}

/** True for a `StorageError`, also one made by another copy of this module or in a worker. */
export function isStorageError(value: unknown): value is StorageError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'StorageError';
}

/** True for an `UploadError`, also one made by another copy of this module or in a worker. */
export function isUploadError(value: unknown): value is UploadError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'UploadError';
}

/** An interactive transaction still open when its time budget of `timeoutMs` ran out. */
export function transactionTimedOut(timeoutMs: number): DatabaseError {
  return new DatabaseError(
    'TRANSACTION_TIMED_OUT',
    `The transaction was still open after ${timeoutMs} ms, so it was rolled back and nothing of it was stored (a call awaited on the database itself rather than on \`tx\` inside the callback waits for the transaction to end, and so never returns). Make the transaction shorter, or give it a larger timeoutMs.`,
  );
}

/**
 * A failed write to IndexedDB as the error a person can act on; `kept` says what was left as it
 * was ("The stored database is unchanged"). Errors of this package pass through as they are.
 */
export function storageFailure(error: unknown, kept: string): Error {
  if (isSqljsMigrateError(error) && error instanceof Error) return error;
  return isQuotaError(error)
    ? new StorageError(
        'QUOTA_EXCEEDED',
        `The browser refused to save: its storage for this site is full. ${kept}; free some space and try again.`,
        { cause: error },
      )
    : new StorageError('SAVE_FAILED', `Saving failed (${messageOf(error)}). ${kept}.`, {
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

/** `NO_SUCH_BACKUP`: backup `id` is not, or no longer, stored. */
export function noSuchBackup(id: string): StorageError {
  return new StorageError('NO_SUCH_BACKUP', `No backup ${id} is stored any more.`, {
    backupId: id,
  });
}

/** Any thrown value's message, for errors from SQLite, IndexedDB or the engine. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
