import type { SchemaDifference } from './types.ts';

/**
 * The mark every error of this package carries. `Symbol.for` is shared by every realm and every
 * copy of this module (a hot reload loads it twice), so the guard below sees through both, where
 * `instanceof` would not.
 */
const FAMILY = Symbol.for('sqljs-migrate:error');

/**
 * The base of every error this package throws: a stable `code` for programs, a message for people,
 * and `toJSON` for crossing a worker or printing as JSON. Facts beyond the message (the migration's
 * name, what was left unchanged) are fields, never words to be edited afterwards.
 */
export class SqljsMigrateError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, FAMILY, { value: true });
  }

  /** Plain data: the name, code, message, the cause as text, and the subclass's own facts. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      cause: causeMessage(this.cause),
      ...this.facts(),
    };
  }

  /** The fields a subclass adds to its plain data. */
  protected facts(): Record<string, unknown> {
    return {};
  }
}

/** An error of this family as plain data. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  cause: string | null;
  [fact: string]: unknown;
}

/**
 * True for any error of this package — from this copy of the module or another, from this realm
 * or another — and for data in the shape its `toJSON()` gives (a name, a code and a message),
 * whichever class of the family made it.
 */
export function isSqljsMigrateError(value: unknown): value is SqljsMigrateError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [FAMILY]?: unknown })[FAMILY] === true) return true;
  // A live error of the family carries the mark; another error with a string code (Node's
  // `ENOENT`, say) is not one of ours.
  if (value instanceof Error) return false;
  const { name, code, message } = value as Partial<Record<keyof SerializedError, unknown>>;
  return typeof name === 'string' && typeof code === 'string' && typeof message === 'string';
}

/** Every way a run can refuse or fail; the code is stable, the message is for people. */
export type MigrationErrorCode =
  /** A file name is not `NNN_description.sql`. */
  | 'BAD_NAME'
  /** Two files share one number. */
  | 'DUPLICATE_NUMBER'
  /**
   * The folder mixes the files of two layouts (`files` names some of each), or its layout cannot
   * be told; say which with the `layout` option.
   */
  | 'MIXED_LAYOUT'
  /**
   * A file breaks its layout's rules (`files` names it): a dbmate file without `-- migrate:up`,
   * a drizzle-kit journal that names a missing file, a Flyway repeatable migration, …
   */
  | 'BAD_LAYOUT'
  /** A statement failed; `statement`, `line` and `cause` say which and why. */
  | 'SQL_FAILED'
  /** A sqlite3 shell dot-command (`.timeout 30000`) is not SQL. */
  | 'DOT_COMMAND'
  /** A `ROLLBACK` in a migration would break its atomicity. */
  | 'TRANSACTION_CONTROL'
  /**
   * An `ATTACH` or `DETACH` in a migration: sql.js keeps an attached file in memory only, so
   * whatever the migration wrote there would be lost while the ledger recorded it as run.
   */
  | 'ATTACH_DATABASE'
  /** The migration left rows that break a foreign key. */
  | 'FOREIGN_KEY_VIOLATION'
  /**
   * The migration wrote the schema directly (`writable_schema`, `schema_version`) and left a
   * database SQLite cannot read back or that fails `PRAGMA integrity_check`; rolled back.
   */
  | 'INTEGRITY_FAILED'
  /** An applied migration's SQL changed since. */
  | 'CHECKSUM_MISMATCH'
  /** The ledger names a migration this app does not have (a database from a newer app). */
  | 'UNKNOWN_APPLIED'
  /** A pending migration sorts before the last applied one and the schema does not reflect it. */
  | 'OUT_OF_ORDER'
  /** An untracked database matches no version of the history. */
  | 'UNRECOGNIZED_SCHEMA'
  /**
   * Another tool's ledger records a migration that failed or never finished (`tool`, `version`):
   * golang-migrate's `dirty`, a Prisma row never finished or rolled back, sqlx's or Flyway's
   * `success = 0`. Nothing is adopted until that tool (or a person) settles it.
   */
  | 'UNFINISHED_MIGRATION'
  /**
   * Another tool's ledger and the schema disagree: the ledger says `migrationName` was the last
   * to run, the schema matches `schemaMatches` (null: no version); `differences` says how.
   */
  | 'LEDGER_DISAGREES'
  /** The database holds the ledgers of two tools (`tool` names both); `adoptFrom` must pick one. */
  | 'TWO_LEDGERS'
  /** The database is inside an open transaction. */
  | 'IN_TRANSACTION'
  /** A migration being written would drop a table, a column or rows that hold data. */
  | 'DATA_LOSS'
  /** A migration being written needs a change that must be written by hand. */
  | 'CANNOT_GENERATE'
  /** A migration being written did not give the schema, or lost rows, on a copy with rows. */
  | 'PROOF_FAILED'
  /** A rename asked of a migration being written names no such table or column. */
  | 'BAD_RENAME';

/** Codes raised about the migration files alone, before any database is read. */
const FILE_CODES: ReadonlySet<MigrationErrorCode> = new Set([
  'BAD_NAME',
  'DUPLICATE_NUMBER',
  'MIXED_LAYOUT',
  'BAD_LAYOUT',
]);

/**
 * Codes raised while a migration is being written: no database of the caller's is involved
 * (only scratch copies), and the migration is not written.
 */
const WRITING_CODES: ReadonlySet<MigrationErrorCode> = new Set([
  'DATA_LOSS',
  'CANNOT_GENERATE',
  'PROOF_FAILED',
  'BAD_RENAME',
]);

/** What a `MigrationError` may carry besides its code and reason. */
export interface MigrationErrorDetails {
  migrationName?: string | undefined;
  statement?: string | undefined;
  line?: number | undefined;
  cause?: unknown;
  /** For `UNRECOGNIZED_SCHEMA`: how the database differs from the nearest version. */
  differences?: SchemaDifference[] | undefined;
  /** Migrations of this run that committed before it failed: the database keeps them. */
  committed?: readonly string[] | undefined;
  /** What is left as it was, for the message: `the database` unless a caller says otherwise. */
  unchanged?: string | undefined;
  /** The other tool whose ledger or layout the error is about (`drizzle`, `dbmate`, …). */
  tool?: string | undefined;
  /** The version that tool records, as it records it (`3`, `1.1`, `20240101120000_init`). */
  version?: string | undefined;
  /** The files the error is about (`MIXED_LAYOUT`, `BAD_LAYOUT`, some `CANNOT_GENERATE`). */
  files?: readonly string[] | undefined;
  /** For `LEDGER_DISAGREES`: the last migration the schema matches, null for none. */
  schemaMatches?: string | null | undefined;
}

/**
 * The one error the runner throws. Its message is the reason (beginning with the migration's name,
 * saying what to do next) followed by what became of the database, worked out from the facts:
 * `003_drop_code_verifier.sql line 4: no such column: code_verifier (the database is unchanged)`,
 * or, after earlier migrations of the same run committed, which of them the database keeps.
 */
export class MigrationError extends SqljsMigrateError<MigrationErrorCode> {
  override readonly name = 'MigrationError';
  /** What went wrong and what to do about it, without what became of the database. */
  readonly reason: string;
  readonly migrationName: string | undefined;
  readonly statement: string | undefined;
  readonly line: number | undefined;
  readonly differences: SchemaDifference[] | undefined;
  /** Migrations of this run that committed before it failed; empty when the database is unchanged. */
  readonly committed: readonly string[];
  /** What the message says is unchanged (`the database`, or a file a caller never wrote). */
  readonly unchanged: string;
  readonly tool: string | undefined;
  readonly version: string | undefined;
  readonly files: readonly string[] | undefined;
  readonly schemaMatches: string | null | undefined;

  constructor(code: MigrationErrorCode, reason: string, details: MigrationErrorDetails = {}) {
    const committed = details.committed ?? [];
    const unchanged = details.unchanged ?? 'the database';
    super(code, reason + outcome(code, committed, unchanged), { cause: details.cause });
    this.reason = reason;
    this.migrationName = details.migrationName;
    this.statement = details.statement;
    this.line = details.line;
    this.differences = details.differences;
    this.committed = committed;
    this.unchanged = unchanged;
    this.tool = details.tool;
    this.version = details.version;
    this.files = details.files;
    this.schemaMatches = details.schemaMatches;
  }

  /**
   * The same failure, told of `target`, which the caller never wrote because the run failed: the
   * CLI's file, the browser's stored database. Migrations that committed on the caller's copy are
   * not in `target`, so the message does not say they stay applied.
   */
  unchangedIn(target: string): MigrationError {
    return new MigrationError(this.code, this.reason, {
      ...this.details(),
      committed: [],
      unchanged: target,
    });
  }

  /** The same failure after `committed` earlier migrations of the run were kept. */
  afterCommitting(committed: readonly string[]): MigrationError {
    return new MigrationError(this.code, this.reason, { ...this.details(), committed });
  }

  override toJSON(): SerializedMigrationError {
    return super.toJSON() as SerializedMigrationError;
  }

  /** A `MigrationError` back from its `toJSON()` data (it crossed a worker, or was printed). */
  static fromJSON(data: SerializedMigrationError): MigrationError {
    return new MigrationError(data.code, data.reason, {
      migrationName: data.migrationName ?? undefined,
      statement: data.statement ?? undefined,
      line: data.line ?? undefined,
      cause: data.cause ?? undefined,
      differences: data.differences ?? undefined,
      committed: data.committed,
      unchanged: data.unchanged,
      tool: data.tool ?? undefined,
      version: data.version ?? undefined,
      files: data.files ?? undefined,
      schemaMatches: data.schemaMatches,
    });
  }

  protected override facts(): Omit<SerializedMigrationError, keyof SerializedError> {
    return {
      reason: this.reason,
      migrationName: this.migrationName ?? null,
      statement: this.statement ?? null,
      line: this.line ?? null,
      differences: this.differences ?? null,
      committed: [...this.committed],
      unchanged: this.unchanged,
      tool: this.tool ?? null,
      version: this.version ?? null,
      files: this.files === undefined ? null : [...this.files],
      ...(this.schemaMatches === undefined ? {} : { schemaMatches: this.schemaMatches }),
    };
  }

  private details(): MigrationErrorDetails {
    return {
      migrationName: this.migrationName,
      statement: this.statement,
      line: this.line,
      cause: this.cause,
      differences: this.differences,
      committed: this.committed,
      unchanged: this.unchanged,
      tool: this.tool,
      version: this.version,
      files: this.files,
      schemaMatches: this.schemaMatches,
    };
  }
}

/** A `MigrationError` as plain data. */
export interface SerializedMigrationError extends SerializedError {
  name: 'MigrationError';
  code: MigrationErrorCode;
  reason: string;
  migrationName: string | null;
  statement: string | null;
  line: number | null;
  differences: SchemaDifference[] | null;
  committed: string[];
  unchanged: string;
  tool: string | null;
  version: string | null;
  files: string[] | null;
  /** Present for `LEDGER_DISAGREES` only. */
  schemaMatches?: string | null;
}

/**
 * True for a `MigrationError`, also one from another copy of this module (a worker, or a module
 * loaded twice by hot reload), where `instanceof` would say no, and for its `toJSON()` data.
 */
export function isMigrationError(value: unknown): value is MigrationError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'MigrationError';
}

/** What became of the database, in words: the end of every database failure's message. */
function outcome(
  code: MigrationErrorCode,
  committed: readonly string[],
  unchanged: string,
): string {
  if (FILE_CODES.has(code)) return '';
  if (WRITING_CODES.has(code)) return ' (nothing was written)';
  if (committed.length === 0) return ` (${unchanged} is unchanged)`;
  return ` (this migration was rolled back; the ${committed.length} before it in this run stay applied: ${committed.join(', ')})`;
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

/** Any thrown value's message: SQLite's, a parser's, or a value that is not an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `UNKNOWN_APPLIED`: a ledger records migrations this app does not have. `recorded` says whose
 * ledger, as the start of a clause: `recorded as applied`.
 */
export function unknownApplied(
  names: readonly string[],
  recorded: string,
  tool?: string,
): MigrationError {
  const more = names.length > 1 ? ` (nor ${names.slice(1).join(', ')})` : '';
  return new MigrationError(
    'UNKNOWN_APPLIED',
    `${names[0]}: ${recorded}, but this app has no such migration${more}; the database was migrated by a newer version of the app, so update the app instead`,
    { migrationName: names[0], ...(tool === undefined ? {} : { tool }) },
  );
}
