import type { Database, SqlJsStatic } from 'sql.js';
import type { RunOptionsWithFactory } from '../core/run.ts';
import type { Migration, MigrationReport } from '../core/types.ts';
import { runMigrations } from '../index.ts';
import { openInPlace } from './in-place-file.ts';
import { enforceForeignKeys, openImage } from './sql-loader.ts';

/** A stored image opened and brought to this build's schema. */
export interface MigratedImage {
  db: Database;
  report: MigrationReport;
  /** True when sql.js keeps the stored bytes themselves as its file (nothing was copied). */
  inPlace: boolean;
  /** Time spent opening the image, and running the migrations on it (ms). */
  openMs: number;
  migrateMs: number;
}

/**
 * Opens the stored image and runs the migrations on it; throws what the run throws.
 *
 * Most loads find the image up to date and write nothing, yet `new Database(bytes)` copies the
 * whole file first (tens of megabytes, a good part of an up-to-date load). So the image is first
 * opened in place (see `in-place-file.ts`) with SQLite's `query_only` on, which refuses any write
 * rather than making it: a run that finds nothing to do succeeds as it is, and `query_only` is
 * then turned off on that same connection. A run that has anything to write fails at its first
 * write with the bytes untouched, and runs again on a copy, so `bytes` stay as they were stored
 * (they become the backup of a migrating load). Such a load plans twice, so `options` must not
 * carry callbacks (progress, a logger) that would hear the first plan too; the worker's run
 * options never do.
 *
 * The bytes must belong to the caller alone: once opened in place, later writes land in them.
 */
export function openAndMigrate(
  sql: SqlJsStatic,
  bytes: Uint8Array | undefined,
  migrations: readonly Migration[],
  options: RunOptionsWithFactory,
): MigratedImage {
  // Opening counts both opens when the first attempt gave way to a copy; the runs are the rest.
  const startedAt = performance.now();
  const ranFor = (openMs: number) => performance.now() - startedAt - openMs;
  let openMs = 0;
  if (bytes !== undefined) {
    const db = openQueryOnlyInPlace(sql, bytes);
    openMs = performance.now() - startedAt;
    const report = runWithoutWriting(db, migrations, options);
    if (report !== undefined)
      return { db, report, inPlace: true, openMs, migrateMs: ranFor(openMs) };
  }
  const openedAt = performance.now();
  const db = openImage(sql, bytes);
  openMs += performance.now() - openedAt;
  try {
    const report = runMigrations(db, migrations, options);
    return { db, report, inPlace: false, openMs, migrateMs: ranFor(openMs) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openQueryOnlyInPlace(sql: SqlJsStatic, bytes: Uint8Array): Database {
  const db = openInPlace(sql, bytes, bytes.byteLength);
  try {
    enforceForeignKeys(db);
    db.exec('PRAGMA query_only = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * The run's report when it wrote nothing, with `db` made writable again; otherwise undefined,
 * with `db` closed. Any failure counts as "it had something to write": the run on the copy then
 * meets the same failure, if it is a real one, and reports it.
 */
function runWithoutWriting(
  db: Database,
  migrations: readonly Migration[],
  options: RunOptionsWithFactory,
): MigrationReport | undefined {
  try {
    const report = runMigrations(db, migrations, options);
    if (!report.changed) {
      db.exec('PRAGMA query_only = OFF');
      return report;
    }
  } catch {
    // Falls through to the copy.
  }
  db.close();
  return undefined;
}
