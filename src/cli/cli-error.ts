import { isSqljsMigrateError, type SerializedError, SqljsMigrateError } from '../index.ts';

/** Why the command line refused to go on, apart from the migration errors the core throws. */
export type CliErrorCode =
  /** An unknown command or flag, a missing argument, flags that exclude each other. */
  | 'USAGE'
  /** A file or folder that cannot be read, or is not what it should be. */
  | 'UNREADABLE_INPUT'
  /** `-wal`, `-shm` or `-journal` files beside the database: a program has it open. */
  | 'DATABASE_IN_USE'
  /** The database file changed on disk while it was being migrated in memory. */
  | 'CHANGED_DURING_RUN'
  /** The migrated database could not be written back. */
  | 'WRITE_FAILED'
  /** A migration was still running when `--timeout` ran out, and was stopped. */
  | 'TIMED_OUT';

/** Usage and input errors exit 2 (fix the command); the rest exit 1 like a migration problem. */
const EXIT_CODES: Record<CliErrorCode, 1 | 2> = {
  USAGE: 2,
  UNREADABLE_INPUT: 2,
  DATABASE_IN_USE: 2,
  CHANGED_DURING_RUN: 1,
  WRITE_FAILED: 1,
  TIMED_OUT: 1,
};

/** An error of the command line itself, with a stable code and the file it concerns. */
export class CliError extends SqljsMigrateError<CliErrorCode> {
  override readonly name = 'CliError';
  readonly file: string | undefined;

  constructor(
    code: CliErrorCode,
    message: string,
    options: { file?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.file = options.file;
  }

  /** The process exit code this error leads to. */
  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }

  override toJSON(): SerializedCliError {
    return super.toJSON() as SerializedCliError;
  }

  protected override facts(): { file: string | null } {
    return { file: this.file ?? null };
  }
}

/** A `CliError` as plain data. */
export interface SerializedCliError extends SerializedError {
  name: 'CliError';
  code: CliErrorCode;
  file: string | null;
}

/** True for a `CliError`. */
export function isCliError(value: unknown): value is CliError {
  return isSqljsMigrateError(value) && (value as { name?: unknown }).name === 'CliError';
}

/** A short reason from a Node file-system error: `no such file or directory`, `permission denied`. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'is not a folder';
    case 'EEXIST':
      return 'a file of that name exists';
    default:
      return messageOf(error);
  }
}

/** An `UNREADABLE_INPUT` error naming `path`: `<path>: <reason>`. */
export function unreadable(path: string, reason: string, cause?: unknown): CliError {
  return new CliError('UNREADABLE_INPUT', `${path}: ${reason}`, { file: path, cause });
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
