import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Migration, splitMigrationFiles } from '../../src/index.ts';

/** The demo's migration folder: StarPunk's history as `000…008` plus `schema.sql`. */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../migrations');

/** Every `.sql` file of the demo folder, name → text, as a directory read gives them. */
export const DEMO_FILES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => [name, readFileSync(join(MIGRATIONS_DIR, name), 'utf8')]),
  ),
);

const split = splitMigrationFiles({ ...DEMO_FILES });

/** The demo's migrations in run order. */
export const DEMO_MIGRATIONS: readonly Migration[] = Object.freeze(split.migrations);

/** The demo's `schema.sql`. */
export const DEMO_SCHEMA: string = requireSchema(split.schema);

/** The demo's migration names in run order. */
export const DEMO_NAMES: readonly string[] = DEMO_MIGRATIONS.map((migration) => migration.name);

/** One demo migration by name (the whole file name). */
export function demoMigration(name: string): Migration {
  const migration = DEMO_MIGRATIONS.find((candidate) => candidate.name === name);
  if (!migration) throw new Error(`no demo migration named ${name}`);
  return migration;
}

/** The demo's migrations as fresh objects, safe to change in a test. */
export function demoMigrations(): Migration[] {
  return DEMO_MIGRATIONS.map((migration) => ({ ...migration }));
}

function requireSchema(schema: string | undefined): string {
  if (schema === undefined) throw new Error(`${MIGRATIONS_DIR} has no schema.sql`);
  return schema;
}
