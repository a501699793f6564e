import type { SchemaDifference } from './types.ts';

/** Every way a run can refuse or fail; the code is stable, the message is for people. */
export type MigrationErrorCode =
  /** A file name is not `NNN_description.sql`. */
  | 'BAD_NAME'
  /** Two files share one number. */
  | 'DUPLICATE_NUMBER'
  /** A statement failed; `statement`, `line` and `cause` say which and why. */
  | 'SQL_FAILED'
  /** A sqlite3 shell dot-command (`.timeout 30000`) is not SQL. */
  | 'DOT_COMMAND'
  /** A `ROLLBACK` in a migration would break its atomicity. */
  | 'TRANSACTION_CONTROL'
  /** The migration left rows that break a foreign key. */
  | 'FOREIGN_KEY_VIOLATION'
  /** An applied migration's SQL changed since. */
  | 'CHECKSUM_MISMATCH'
  /** The ledger names a migration this app does not have (a database from a newer app). */
  | 'UNKNOWN_APPLIED'
  /** A pending migration sorts before the last applied one and the schema does not reflect it. */
  | 'OUT_OF_ORDER'
  /** An untracked database matches no version of the history. */
  | 'UNRECOGNIZED_SCHEMA'
  /** The database is inside an open transaction. */
  | 'IN_TRANSACTION';

/** What a `MigrationError` may carry besides its code and message. */
export interface MigrationErrorDetails {
  migrationName?: string;
  statement?: string;
  line?: number;
  cause?: unknown;
  /** For `UNRECOGNIZED_SCHEMA`: how the database differs from the nearest version. */
  differences?: SchemaDifference[];
}

/**
 * The one error the runner throws. Messages begin with the migration's name and say what to do
 * next, e.g. `003_drop_code_verifier.sql line 4: no such column: code_verifier (the database is
 * unchanged)`.
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: MigrationErrorCode;
  readonly migrationName: string | undefined;
  readonly statement: string | undefined;
  readonly line: number | undefined;
  readonly differences: SchemaDifference[] | undefined;

  constructor(code: MigrationErrorCode, message: string, details: MigrationErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.migrationName = details.migrationName;
    this.statement = details.statement;
    this.line = details.line;
    this.differences = details.differences;
  }

  /** A plain object for JSON output and for crossing a worker boundary. */
  toJSON(): SerializedMigrationError {
    return {
      name: 'MigrationError',
      code: this.code,
      message: this.message,
      migrationName: this.migrationName ?? null,
      statement: this.statement ?? null,
      line: this.line ?? null,
      cause: causeMessage(this.cause),
      differences: this.differences ?? null,
    };
  }
}

/** A `MigrationError` as plain data. */
export interface SerializedMigrationError {
  name: 'MigrationError';
  code: MigrationErrorCode;
  message: string;
  migrationName: string | null;
  statement: string | null;
  line: number | null;
  cause: string | null;
  differences: SchemaDifference[] | null;
}

/**
 * True for a `MigrationError`, also one from another copy of this module (a worker, or a module
 * loaded twice by hot reload), where `instanceof` would say no.
 */
export function isMigrationError(value: unknown): value is MigrationError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'MigrationError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** A cause as text; a cause that crossed a worker or a structured clone is a plain object. */
function causeMessage(cause: unknown): string | null {
  if (cause === undefined || cause === null) return null;
  if (typeof cause === 'object' && typeof (cause as { message?: unknown }).message === 'string')
    return (cause as { message: string }).message;
  try {
    return String(cause);
  } catch {
    return Object.prototype.toString.call(cause);
  }
}
