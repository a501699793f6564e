import { MigrationError } from './errors.ts';
import { LEDGER_TABLE, queryRows, SECOND_LEDGER_TABLE } from './inspect.ts';
import type { AppliedHow, SqlDatabase } from './types.ts';

/**
 * The ledger: `schema_migrations`, in the format StarPunk writes (`id`, `migration_name`,
 * `applied_at`) plus columns of ours. A ledger of the original three columns is upgraded in
 * place with `ALTER TABLE … ADD COLUMN`, never recreated, so its rows and ids stay as they were.
 *
 * A migration adopted from another tool's ledger is recorded as `baselined` (the CHECK that
 * ledgers of earlier versions carry allows no other word) with the tool's name in `adopted_from`,
 * a column added only when a run first adopts. When `schema_migrations` is another tool's table
 * (golang-migrate's, dbmate's, Rails'), it is left as that tool made it, and this runner's ledger
 * is `sqljs_migrate_ledger`.
 */

/** Columns the runner adds to the original three, with their definitions. */
const ADDED_COLUMNS = {
  checksum: 'TEXT',
  applied_how: "TEXT CHECK (applied_how IN ('executed', 'baselined'))",
  duration_ms: 'REAL',
} as const;

/** The column that names whose ledger an adopted row came from; null for this runner's own rows. */
const ADOPTED_FROM_COLUMN = 'adopted_from';

function createLedger(table: string): string {
  return `CREATE TABLE ${table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  migration_name TEXT UNIQUE NOT NULL,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  checksum TEXT,
  applied_how TEXT CHECK (applied_how IN ('executed', 'baselined')),
  duration_ms REAL
)`;
}

/** One ledger row. Rows written by StarPunk itself have no checksum, how or duration. */
export interface LedgerEntry {
  name: string;
  appliedAt: string | null;
  checksum: string | null;
  how: AppliedHow;
  durationMs: number | null;
  /** Whose ledger the row was adopted from; null for rows of this runner's own. */
  adoptedFrom: string | null;
}

/** What is there before a run: no ledger, one to upgrade, or one in the current format. */
export type LedgerFormat = 'missing' | 'original' | 'current';

/** Where this runner's ledger is, and in what format. */
export interface LedgerPlace {
  /** `schema_migrations`, or `sqljs_migrate_ledger` when another tool's table has that name. */
  table: string;
  format: LedgerFormat;
  /** The ledger has the `adopted_from` column. */
  recordsAdoption: boolean;
}

/**
 * Where this runner's ledger is and in which format; refuses a `schema_migrations` that is not a
 * table (a view's rows would be read as the ledger, and nothing can be recorded in it), or one of
 * a shape no tool this runner knows writes.
 */
export function findLedger(db: SqlDatabase): LedgerPlace {
  const kind = tableKind(db, LEDGER_TABLE);
  if (kind !== null && kind !== 'table') {
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${LEDGER_TABLE} ${kind === 'index' ? 'is an index' : `is a ${kind === 'virtual' ? 'virtual table' : kind}`}, not a table, so another tool made it; this runner records migrations only in a table of that name, so rename or drop it`,
    );
  }
  const columns = columnsOf(db, LEDGER_TABLE);
  const others = columns.size > 0 && isOtherToolsSchemaMigrations(columns);
  if (columns.size > 0 && !others) return placeOf(LEDGER_TABLE, columns);
  const second = columnsOf(db, SECOND_LEDGER_TABLE);
  // The second name only while the first is another tool's, or once this runner has used it.
  if (!others && second.size === 0) return placeOf(LEDGER_TABLE, columns);
  return placeOf(SECOND_LEDGER_TABLE, second);
}

/**
 * golang-migrate's `schema_migrations` (`version`, `dirty`) or dbmate's and Rails' (`version`):
 * the shapes of that name this runner leaves to their tools.
 */
export function isOtherToolsSchemaMigrations(columns: ReadonlySet<string>): boolean {
  const rest = [...columns].filter((column) => column !== 'version' && column !== 'dirty');
  return columns.has('version') && rest.length === 0;
}

function placeOf(table: string, columns: ReadonlySet<string>): LedgerPlace {
  const base = {
    table,
    recordsAdoption: columns.has(ADOPTED_FROM_COLUMN),
  };
  if (columns.size === 0) return { ...base, format: 'missing' };
  const missing = ['id', 'migration_name', 'applied_at'].filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${table}: this table has no ${missing.join(' or ')} column, so another tool wrote it; this runner will not guess what it records`,
    );
  }
  const current = Object.keys(ADDED_COLUMNS).every((column) => columns.has(column));
  return { ...base, format: current ? 'current' : 'original' };
}

/** The lower-case column names of a table; empty when there is no such table. */
export function columnsOf(db: SqlDatabase, table: string): Set<string> {
  return new Set(
    queryRows(db, 'SELECT name FROM pragma_table_info(?)', [table]).map((row) =>
      String(row.name).toLowerCase(),
    ),
  );
}

/** What a schema object of that name is (`table`, `view`, `virtual`, `index`, …), or null when absent. */
function tableKind(db: SqlDatabase, name: string): string | null {
  const row =
    queryRows(
      db,
      "SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ? COLLATE NOCASE",
      [name],
    )[0] ??
    queryRows(db, 'SELECT type FROM sqlite_schema WHERE name = ? COLLATE NOCASE', [name])[0];
  return row === undefined ? null : String(row.type);
}

/** The ledger's rows in the order they were recorded; empty when there is no ledger. */
export function readLedger(db: SqlDatabase, place: LedgerPlace = findLedger(db)): LedgerEntry[] {
  if (place.format === 'missing') return [];
  const extra =
    place.format === 'current'
      ? 'checksum, applied_how, duration_ms'
      : 'NULL AS checksum, NULL AS applied_how, NULL AS duration_ms';
  const adoptedFrom = place.recordsAdoption ? ADOPTED_FROM_COLUMN : 'NULL';
  return queryRows(
    db,
    `SELECT migration_name, applied_at, ${extra}, ${adoptedFrom} AS adopted_from
     FROM ${place.table} ORDER BY id`,
  ).map((row) => {
    const from = row.adopted_from === null ? null : String(row.adopted_from);
    return {
      name: String(row.migration_name),
      appliedAt: row.applied_at === null ? null : String(row.applied_at),
      checksum: row.checksum === null ? null : String(row.checksum),
      how: appliedHow(row.applied_how, from),
      durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
      adoptedFrom: from,
    };
  });
}

function appliedHow(stored: unknown, adoptedFrom: string | null): AppliedHow {
  if (stored === 'baselined' && adoptedFrom !== null) return 'adopted';
  return stored === 'executed' || stored === 'baselined' ? stored : 'unknown';
}

/**
 * Creates the ledger, or adds the runner's columns to a ledger of the original format; with
 * `adopting`, also the `adopted_from` column where it is missing.
 */
export function ensureLedger(db: SqlDatabase, place: LedgerPlace, adopting: boolean): void {
  if (place.format === 'missing') db.run(createLedger(place.table));
  const present = columnsOf(db, place.table);
  const wanted: [string, string][] = [
    ...Object.entries(ADDED_COLUMNS),
    ...(adopting ? [[ADOPTED_FROM_COLUMN, 'TEXT'] as [string, string]] : []),
  ];
  for (const [column, definition] of wanted)
    if (!present.has(column))
      db.run(`ALTER TABLE ${place.table} ADD COLUMN ${column} ${definition}`);
}

/** Records one migration as applied; an adopted one as baselined, naming whose ledger it came from. */
export function recordApplied(
  db: SqlDatabase,
  table: string,
  name: string,
  checksum: string | null,
  how: 'executed' | 'baselined' | { adoptedFrom: string },
  durationMs: number | null,
): void {
  const adoptedFrom = typeof how === 'object' ? how.adoptedFrom : null;
  const stored = typeof how === 'object' ? 'baselined' : how;
  // Only a ledger that adopts has (or gains) the column: older ledgers are not widened for nothing.
  const [column, value] = adoptedFrom === null ? ['', ''] : [`, ${ADOPTED_FROM_COLUMN}`, ', ?'];
  db.run(
    // applied_at is set here, not left to a DEFAULT: a seed ledger's column may have none.
    `INSERT INTO ${table} (migration_name, applied_at, checksum, applied_how, duration_ms${column})
     VALUES (?, CURRENT_TIMESTAMP, ?, ?, ?${value})`,
    adoptedFrom === null
      ? [name, checksum, stored, durationMs]
      : [name, checksum, stored, durationMs, adoptedFrom],
  );
}
