import { MigrationError } from './errors.ts';
import { LEDGER_TABLE, queryRows } from './inspect.ts';
import type { AppliedHow, SqlDatabase } from './types.ts';

/**
 * The ledger: `schema_migrations`, in the format StarPunk writes (`id`, `migration_name`,
 * `applied_at`) plus three columns of ours. A ledger of the original three columns is upgraded in
 * place with `ALTER TABLE … ADD COLUMN`, never recreated, so its rows and ids stay as they were.
 */

/** Columns the runner adds to the original three, with their definitions. */
const ADDED_COLUMNS = {
  checksum: 'TEXT',
  applied_how: "TEXT CHECK (applied_how IN ('executed', 'baselined'))",
  duration_ms: 'REAL',
} as const;

const CREATE_LEDGER = `CREATE TABLE ${LEDGER_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  migration_name TEXT UNIQUE NOT NULL,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  checksum TEXT,
  applied_how TEXT CHECK (applied_how IN ('executed', 'baselined')),
  duration_ms REAL
)`;

/** One ledger row. Rows written by StarPunk itself have no checksum, how or duration. */
export interface LedgerEntry {
  name: string;
  appliedAt: string | null;
  checksum: string | null;
  how: AppliedHow;
  durationMs: number | null;
}

/** What is there before a run: no ledger, one to upgrade, or one in the current format. */
export type LedgerFormat = 'missing' | 'original' | 'current';

/**
 * Which format the database's ledger is in; refuses a `schema_migrations` of another tool, or
 * one that is not a table (a view's rows would be read as the ledger, and nothing can be
 * recorded in it).
 */
export function ledgerFormat(db: SqlDatabase): LedgerFormat {
  const kind = ledgerKind(db);
  if (kind !== null && kind !== 'table') {
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${LEDGER_TABLE} ${kind === 'index' ? 'is an index' : `is a ${kind === 'virtual' ? 'virtual table' : kind}`}, not a table, so another tool made it; this runner records migrations only in a table of that name, so rename or drop it`,
    );
  }
  const columns = new Set(
    queryRows(db, 'SELECT name FROM pragma_table_info(?)', [LEDGER_TABLE]).map((row) =>
      String(row.name).toLowerCase(),
    ),
  );
  if (columns.size === 0) return 'missing';
  const missing = ['id', 'migration_name', 'applied_at'].filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${LEDGER_TABLE}: this table has no ${missing.join(' or ')} column, so another tool wrote it; this runner will not guess what it records`,
    );
  }
  return Object.keys(ADDED_COLUMNS).every((column) => columns.has(column)) ? 'current' : 'original';
}

/** What `schema_migrations` is (`table`, `view`, `virtual`, `index`, …), or null when absent. */
function ledgerKind(db: SqlDatabase): string | null {
  const row =
    queryRows(
      db,
      "SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ? COLLATE NOCASE",
      [LEDGER_TABLE],
    )[0] ??
    queryRows(db, 'SELECT type FROM sqlite_schema WHERE name = ? COLLATE NOCASE', [
      LEDGER_TABLE,
    ])[0];
  return row === undefined ? null : String(row.type);
}

/** The ledger's rows in the order they were recorded; empty when there is no ledger. */
export function readLedger(
  db: SqlDatabase,
  format: LedgerFormat = ledgerFormat(db),
): LedgerEntry[] {
  if (format === 'missing') return [];
  const extra =
    format === 'current'
      ? 'checksum, applied_how, duration_ms'
      : 'NULL AS checksum, NULL AS applied_how, NULL AS duration_ms';
  return queryRows(
    db,
    `SELECT migration_name, applied_at, ${extra} FROM ${LEDGER_TABLE} ORDER BY id`,
  ).map((row) => ({
    name: String(row.migration_name),
    appliedAt: row.applied_at === null ? null : String(row.applied_at),
    checksum: row.checksum === null ? null : String(row.checksum),
    how:
      row.applied_how === 'executed' || row.applied_how === 'baselined'
        ? row.applied_how
        : 'unknown',
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  }));
}

/** Creates the ledger, or adds the runner's columns to a ledger of the original format. */
export function ensureLedger(db: SqlDatabase, format: LedgerFormat): void {
  if (format === 'missing') db.run(CREATE_LEDGER);
  if (format !== 'original') return;
  const present = new Set(
    queryRows(db, 'SELECT name FROM pragma_table_info(?)', [LEDGER_TABLE]).map((row) =>
      String(row.name).toLowerCase(),
    ),
  );
  for (const [column, definition] of Object.entries(ADDED_COLUMNS))
    if (!present.has(column))
      db.run(`ALTER TABLE ${LEDGER_TABLE} ADD COLUMN ${column} ${definition}`);
}

/** Records one migration as applied. */
export function recordApplied(
  db: SqlDatabase,
  name: string,
  checksum: string,
  how: 'executed' | 'baselined',
  durationMs: number | null,
): void {
  db.run(
    // applied_at is set here, not left to a DEFAULT: a seed ledger's column may have none.
    `INSERT INTO ${LEDGER_TABLE} (migration_name, applied_at, checksum, applied_how, duration_ms)
     VALUES (?, CURRENT_TIMESTAMP, ?, ?, ?)`,
    [name, checksum, how, durationMs],
  );
}
