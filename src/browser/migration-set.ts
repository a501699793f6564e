import type { Migration } from '../core/types.ts';
import { splitMigrationFiles } from '../index.ts';

/**
 * An app's migrations as the runner takes them: from a Vite raw glob of the folder (file path →
 * SQL, `schema.sql` included) or from a list with the schema beside it. Throws `MigrationError`
 * for a bad file name.
 */
export function migrationSet(
  migrations: Record<string, string> | Migration[],
  schema: string | undefined,
): { migrations: Migration[]; schema: string | undefined } {
  if (Array.isArray(migrations)) return { migrations, schema };
  const split = splitMigrationFiles(migrations);
  return { migrations: split.migrations, schema: split.schema ?? schema };
}
