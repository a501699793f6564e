import type { Database, SqlJsStatic } from 'sql.js';
import { ledgerFormat } from '../../core/ledger.ts';
import { messageOf } from '../database-error.ts';
import { openInPlace } from '../in-place-file.ts';
import type { Rejection } from './pre-open-checks.ts';
import type { TableSummary, UploadCheck, UploadInspection } from './upload-protocol.ts';

/**
 * The worker's copy of an uploaded file, opened in place (see `in-place-file.ts`) and as SQLite
 * advises for a file from a stranger (https://www.sqlite.org/security.html): the schema is not
 * trusted, so functions and virtual tables with side effects cannot run from its triggers, views
 * or defaults; cells are checked as they are read, so a damaged page fails cleanly instead of
 * being misread. The rollback journal and temporary data (sorting for a new index) are kept in
 * SQLite's own memory: on the in-memory file system each would be another growing file, copied
 * whole each time it grows.
 */
export function openUntrusted(sql: SqlJsStatic, capacity: Uint8Array, length: number): Database {
  const db = openInPlace(sql, capacity, length);
  try {
    db.exec(
      'PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON; PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY',
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * SQLite's own checks: `quick_check` (every page, cell and record well formed) refuses a damaged
 * file; `foreign_key_check` only warns, since rows that already broke a foreign key do not stop a
 * migration (the runner refuses only the ones a migration adds).
 */
export function checkIntegrity(
  db: Database,
  fileName: string,
): { ok: true; checks: UploadCheck[] } | Rejection {
  let problems: string[];
  try {
    problems = column(db, 'PRAGMA quick_check(5)').map(String);
  } catch (error) {
    return corrupt(fileName, messageOf(error));
  }
  if (problems.length !== 1 || problems[0] !== 'ok') return corrupt(fileName, problems.join('; '));
  let orphans: { table: string; parent: string; rows: number }[];
  try {
    orphans = rows(
      db,
      'SELECT "table", parent, count(*) FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2',
    ).map(([table, parent, count]) => ({
      table: String(table),
      parent: String(parent),
      rows: Number(count),
    }));
  } catch (error) {
    return corrupt(fileName, messageOf(error));
  }
  return {
    ok: true,
    checks: [
      { name: 'integrity', level: 'ok', detail: 'PRAGMA quick_check: ok' },
      orphans.length === 0
        ? { name: 'foreign-keys', level: 'ok', detail: 'PRAGMA foreign_key_check: no orphan rows' }
        : {
            name: 'foreign-keys',
            level: 'warning',
            detail: `PRAGMA foreign_key_check: ${orphans
              .map((o) => `${o.rows} row(s) of ${o.table} refer to missing ${o.parent} rows`)
              .join('; ')} (kept as they are; the upgrade adds none)`,
          },
    ],
  };
}

/** The file's tables with their row counts; full-text shadow tables are left out as noise. */
export function tableSummaries(db: Database): TableSummary[] {
  const names = column(
    db,
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  ).map(String);
  return names.map((name) => {
    try {
      const count = db.exec(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)[0]?.values[0];
      return { name, rows: Number(count?.[0]) };
    } catch {
      // A virtual table of a module this build of SQLite lacks (FTS5, say) cannot be read.
      return { name, rows: null };
    }
  });
}

/**
 * Which ledger the file carries: none, StarPunk's original three columns, or this runner's — as
 * the core reads it, so the inspection and the run can never disagree. A `schema_migrations` of
 * another tool's shape throws the core's `UNRECOGNIZED_SCHEMA`, as the dry run would.
 */
export function uploadLedger(db: Database): UploadInspection['ledger'] {
  const format = ledgerFormat(db);
  return format === 'missing' ? 'none' : format;
}

function corrupt(fileName: string, said: string): Rejection {
  return {
    ok: false,
    code: 'CORRUPT',
    message: `${fileName} is damaged: SQLite's integrity check says ${said}.`,
  };
}

function rows(db: Database, sql: string) {
  return db.exec(sql)[0]?.values ?? [];
}

function column(db: Database, sql: string) {
  return rows(db, sql).map((row) => row[0]);
}
