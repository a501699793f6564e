import { isMigrationError, type Migration, type MigrationError } from '../../src/index.ts';

/**
 * Runs `work`, which must throw a `MigrationError`, and returns it. Anything else (no error, or
 * another error) fails the test with what happened instead.
 */
export function catchMigrationError(work: () => unknown): MigrationError {
  let result: unknown;
  try {
    result = work();
  } catch (error) {
    if (isMigrationError(error)) return error;
    throw new Error(`expected a MigrationError, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a MigrationError, but it returned ${JSON.stringify(result)}`);
}

/** A migration from a name and its SQL. */
export function migration(name: string, sql: string): Migration {
  return { name, sql };
}
