import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Migration, splitMigrationFiles } from '../index.ts';
import { describeFsError, unreadable } from './cli-error.ts';

/** The migrations of a folder and the schema to compare with. */
export interface MigrationSet {
  migrations: Migration[];
  schema: string | undefined;
  /** Where the schema came from (`DIR/schema.sql`, `--schema FILE`); null without one. */
  schemaSource: string | null;
}

/** Where the schema comes from: the folder's `schema.sql`, another file, or nowhere. */
export interface SchemaChoice {
  schemaFile: string | null;
  noSchema: boolean;
}

/**
 * Reads `DIR/*.sql` into migrations (sorted in run order by the core) and picks the schema.
 * A bad file name surfaces as the core's `BAD_NAME` / `DUPLICATE_NUMBER` error, which names it.
 */
export function readMigrationFolder(dir: string, choice: SchemaChoice): MigrationSet {
  const files = readSqlFiles(dir);
  if (Object.keys(files).length === 0) {
    throw unreadable(dir, 'no .sql files in this folder');
  }
  const { migrations, schema: folderSchema } = splitMigrationFiles(files);

  if (choice.schemaFile !== null) {
    return {
      migrations,
      schema: readTextFile(choice.schemaFile),
      schemaSource: choice.schemaFile,
    };
  }
  if (choice.noSchema || folderSchema === undefined) {
    return { migrations, schema: undefined, schemaSource: null };
  }
  return { migrations, schema: folderSchema, schemaSource: join(dir, 'schema.sql') };
}

/**
 * The `*.sql` files of a folder by name, as `splitMigrationFiles` takes them (the build and the
 * sample builder read folders this way too). Throws `UNREADABLE_INPUT` naming what it could not read.
 */
export function readSqlFiles(dir: string): Record<string, string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(dir, `cannot read the migrations folder: ${describeFsError(error)}`, error);
  }
  const files: Record<string, string> = {};
  for (const entry of entries) {
    // Only *.sql files are migrations; a README or an editor's backup file beside them is not.
    if (!entry.name.endsWith('.sql') || entry.isDirectory()) continue;
    files[entry.name] = readTextFile(join(dir, entry.name));
  }
  return files;
}

function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadable(path, `cannot read: ${describeFsError(error)}`, error);
  }
}
