import { listSchemaObjects } from './inspect.ts';
import type { SqlDatabase } from './types.ts';

/** Makes an empty in-memory database of the same kind as a given one. */
export type DatabaseFactory = () => SqlDatabase;

/**
 * The factory for scratch databases: the caller's, or else the constructor of the database being
 * migrated. A sql.js database is an instance of its module's `Database` class, so `new` on that
 * constructor opens a scratch database in the same wasm instance without asking for the module.
 */
export function scratchFactory(db: SqlDatabase, given?: DatabaseFactory): DatabaseFactory {
  if (given) return given;
  const Database = (db as unknown as { constructor: new () => SqlDatabase }).constructor;
  return () => new Database();
}

/**
 * Runs `work` with a fresh scratch database and always closes it, freeing its wasm memory. The
 * scratch has foreign keys off, as a real run has them around each migration, whatever the factory
 * hands over: a replay runs the whole history in one transaction, where the pragma cannot change,
 * and with foreign keys on a rebuild that renames a parent away fails there while a real run
 * applies it.
 */
export function withScratch<T>(create: DatabaseFactory, work: (scratch: SqlDatabase) => T): T {
  const scratch = create();
  try {
    scratch.run('PRAGMA foreign_keys = OFF');
    return work(scratch);
  } finally {
    scratch.close();
  }
}

/** Recreates a database's schema (not its rows, not its ledgers) in an empty database. */
export function copySchema(
  from: SqlDatabase,
  to: SqlDatabase,
  ignored: readonly string[] = [],
): void {
  for (const object of listSchemaObjects(from, ignored))
    if (object.sql !== null) to.run(object.sql);
}
