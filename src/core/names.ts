import { MigrationError } from './errors.ts';
import {
  badName,
  DRIZZLE_JOURNAL,
  type FolderFile,
  folderLayout,
  NATIVE_NAME,
  readLayout,
} from './layouts.ts';
import type { Migration, MigrationLayout } from './types.ts';
import { compareVersions, refuseSharedVersions } from './versions.ts';

/** The file beside the migrations that holds the current full schema. */
export const SCHEMA_FILE_NAME = 'schema.sql';

/** Prisma's lock file, beside its migration folders: not a migration. */
const PRISMA_LOCK_FILE = 'migration_lock.toml';

/** The number a name of this runner's layout starts with, as written; refuses any other name. */
function migrationNumber(name: string): string {
  const match = NATIVE_NAME.exec(name);
  if (!match) throw badName(name);
  return match[1] as string;
}

/**
 * Checks every name and returns the migrations in run order. This runner's own files run by
 * number (name order when numbers are zero-padded), and two files with one number would make the
 * order a guess, so they are an error. Migrations of another tool's layout (`splitMigrationFiles`
 * gave them an `origin`) keep the order that tool runs them in.
 */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  const layouts = new Set(migrations.map((migration) => migration.origin?.layout));
  if (layouts.size > 1) {
    const examples = [...layouts].map(
      (layout) =>
        `${migrations.find((migration) => migration.origin?.layout === layout)?.name} (${layout ?? 'sqljs-migrate'})`,
    );
    throw new MigrationError(
      'MIXED_LAYOUT',
      `The migrations mix layouts: ${examples.join(', ')}; give them all from one folder`,
      { files: examples },
    );
  }
  if (!layouts.has(undefined))
    return [...migrations].sort((a, b) => (a.origin?.position ?? 0) - (b.origin?.position ?? 0));
  const numbered = migrations.map((migration) => ({
    migration,
    name: migration.name,
    version: migrationNumber(migration.name),
  }));
  refuseSharedVersions(numbered);
  return numbered
    .sort((a, b) => compareVersions(a.version, b.version))
    .map(({ migration }) => migration);
}

/** Options of `splitMigrationFiles`. */
export interface SplitOptions {
  /** The folder's layout; by default it is told from the files (and refused when it cannot be). */
  layout?: MigrationLayout | undefined;
}

/**
 * Turns a folder's files (path → text, as a Vite raw glob or a directory read gives them) into
 * migrations in run order, the optional schema (`schema.sql`) and the folder's layout (undefined
 * when it holds no migration). Besides this runner's `NNN_description.sql` files it reads the
 * layouts of drizzle-kit (with `meta/_journal.json`), golang-migrate, dbmate, Prisma
 * (`<folder>/migration.sql`), sqlx and Flyway, taking the up part of each and that tool's order.
 */
export function splitMigrationFiles(
  files: Record<string, string>,
  options: SplitOptions = {},
): {
  migrations: Migration[];
  schema: string | undefined;
  layout: MigrationLayout | undefined;
} {
  let schema: string | undefined;
  let journal: FolderFile | null = null;
  const migrationFiles: FolderFile[] = [];
  const paths = Object.keys(files);
  const hasJournal = paths.some((path) => folderPath(path) === DRIZZLE_JOURNAL);
  for (const [path, text] of Object.entries(files)) {
    const name = folderPath(path);
    if (name === SCHEMA_FILE_NAME) schema = text;
    else if (name === DRIZZLE_JOURNAL) journal = { path: name, text };
    // drizzle-kit's snapshots of each version, beside its journal: not migrations.
    else if (hasJournal && name.startsWith('meta/') && name.endsWith('.json')) continue;
    else if (name === PRISMA_LOCK_FILE) continue;
    else migrationFiles.push({ path: name, text });
  }
  if (migrationFiles.length === 0 && journal === null)
    return { migrations: [], schema, layout: undefined };
  const layout = folderLayout(migrationFiles, journal, options.layout);
  const migrations =
    layout === 'sqljs-migrate'
      ? sortMigrations(migrationFiles.map((file) => ({ name: file.path, sql: file.text })))
      : readLayout(layout, migrationFiles, journal);
  return { migrations, schema, layout };
}

/**
 * A file's path inside the migrations folder, from a path as a glob or a directory read gives it:
 * its base name, but `<folder>/migration.sql` for Prisma's folders and `meta/<file>` for
 * drizzle-kit's journal and snapshots.
 */
export function folderPath(path: string): string {
  const parts = path.split('/');
  const base = parts[parts.length - 1] as string;
  const parent = parts[parts.length - 2];
  if (parent === undefined || parent === '' || parent === '.' || parent === '..') return base;
  if (base === 'migration.sql' || parent === 'meta') return `${parent}/${base}`;
  return base;
}
