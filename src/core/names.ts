import { MigrationError } from './errors.ts';
import type { Migration } from './types.ts';

/** `NNN_description.sql`: a number, an underscore, a description, `.sql`. */
export const MIGRATION_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/;

/** The file beside the migrations that holds the current full schema. */
export const SCHEMA_FILE_NAME = 'schema.sql';

/** The number a migration's name starts with, or a `BAD_NAME` error. */
function migrationNumber(name: string): number {
  const match = MIGRATION_NAME.exec(name);
  if (!match) {
    throw new MigrationError(
      'BAD_NAME',
      `${name}: a migration's file name must look like 001_add_code_verifier.sql (a number, an underscore, a description, .sql); rename the file`,
      { migrationName: name },
    );
  }
  return Number(match[1]);
}

/**
 * Checks every name and returns the migrations in run order (by number, which is name order when
 * numbers are zero-padded). Two files with one number would make the order a guess, so they are
 * an error.
 */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  const byNumber = new Map<number, string>();
  for (const { name } of migrations) {
    const number = migrationNumber(name);
    const other = byNumber.get(number);
    if (other !== undefined) {
      throw new MigrationError(
        'DUPLICATE_NUMBER',
        `${name}: shares its number with ${other}; give one of them the next free number`,
        { migrationName: name },
      );
    }
    byNumber.set(number, name);
  }
  return [...migrations].sort((a, b) => migrationNumber(a.name) - migrationNumber(b.name));
}

/**
 * Turns a folder's files (path or name → SQL, as a Vite raw glob or a directory read gives
 * them) into sorted migrations and the optional schema (`schema.sql`).
 */
export function splitMigrationFiles(files: Record<string, string>): {
  migrations: Migration[];
  schema: string | undefined;
} {
  let schema: string | undefined;
  const migrations: Migration[] = [];
  for (const [path, sql] of Object.entries(files)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (name === SCHEMA_FILE_NAME) schema = sql;
    else migrations.push({ name, sql });
  }
  return { migrations: sortMigrations(migrations), schema };
}
