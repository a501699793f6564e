import {
  isDatabaseError,
  isMigrationError,
  isSqljsMigrateError,
  type SchemaDifference,
} from '../browser.ts';

/**
 * An error as the page shows it: its code and message and, for a migration, where it failed and
 * what SQLite said. The panel and the upload card each show the parts they have room for.
 */
export interface Problem {
  code: string;
  message: string;
  migrationName?: string | undefined;
  statement?: string | undefined;
  line?: number | undefined;
  /** SQLite's own message, when a statement failed. */
  cause?: string | undefined;
  /** For an unrecognised schema: how the database differs from the nearest version. */
  differences?: SchemaDifference[] | undefined;
  /** For an open that was stopped: where it was (`saving`: the stored file may have changed). */
  step?: string | undefined;
}

/** What the page shows of a thrown error, whatever threw it. */
export function problemOf(error: unknown): Problem {
  if (isMigrationError(error))
    return {
      code: error.code,
      message: error.message,
      migrationName: error.migrationName,
      statement: error.statement,
      line: error.line,
      cause: error.cause === undefined ? undefined : String(error.cause),
      differences: error.differences,
    };
  if (isDatabaseError(error)) return { code: error.code, message: error.message, step: error.step };
  if (isSqljsMigrateError(error)) return { code: error.code, message: error.message };
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}
