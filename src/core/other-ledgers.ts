import { MigrationError } from './errors.ts';
import {
  isEmptySchema,
  LEDGER_TABLE,
  type OtherToolTable,
  queryRows,
  tableExists,
} from './inspect.ts';
import { columnsOf, isOtherToolsSchemaMigrations } from './ledger.ts';
import { quoteIdentifier } from './sql-text.ts';
import { flywayChecksum, prismaChecksumMatches, sqlxChecksum } from './tool-checksums.ts';
import type { AppLedger, LedgerTool, RunOptions, SqlDatabase, SqlValue } from './types.ts';

/**
 * Reading the ledgers other migration tools keep, and an app's own, into the runs they record —
 * each row as its tool writes it — and refusing a row that says a migration failed or never
 * finished. Which file each run was is worked out in `adopt.ts`.
 */

/** How a recorded run names its migration, as its tool records it. */
export type RecordedKey =
  /** A migration's name (`20240101_init`, `001_users.js`, a Prisma folder). */
  | { by: 'name'; name: string }
  /** A migration's version: the number its name starts with, or Flyway's `1.1`. */
  | { by: 'version'; version: string }
  /** Every migration up to this version ran (golang-migrate, `user_version`, a Flyway baseline). */
  | { by: 'up-to'; version: string }
  /** drizzle: SHA-256 of the file, and the journal's `when` for it. */
  | { by: 'drizzle'; hash: string; createdAt: number | null };

/** One run another tool's ledger records. */
export interface RecordedRun {
  key: RecordedKey;
  /** Whether a file's text is the one the tool recorded (its checksum); absent when it keeps none. */
  sameText?: ((text: string) => boolean) | undefined;
}

/** Another tool's ledger (or the app's own), as read. */
export interface OtherLedger {
  /** The tool, or `app:<table>` for the app's own ledger. */
  from: string;
  /** Where it keeps its record: a table, or `PRAGMA user_version`. */
  source: string;
  /** What `dropAdoptedLedger` removes: the tool's tables (its lock table too). */
  tables: string[];
  runs: RecordedRun[];
}

/** One tool's ledger: where it is, how to tell it, how to read it. */
interface LedgerReader {
  tool: LedgerTool;
  table: OtherToolTable | typeof LEDGER_TABLE;
  /** Columns its rows cannot be read without. */
  columns: readonly string[];
  /** Other tables of the tool's (locks), dropped with it. */
  companions?: readonly OtherToolTable[];
  /**
   * For a table whose name several tools share: whether these columns (and the tables beside it)
   * are this tool's. Without it, the name is the tool's alone, and lacking a column is refused.
   */
  recognizes?(columns: ReadonlySet<string>, db: SqlDatabase): boolean;
  read(db: SqlDatabase): RecordedRun[];
}

const READERS: readonly LedgerReader[] = [
  {
    tool: 'drizzle',
    table: '__drizzle_migrations',
    columns: ['hash', 'created_at'],
    read: (db) =>
      queryRows(db, 'SELECT hash, created_at FROM __drizzle_migrations').map((row) => ({
        key: {
          by: 'drizzle',
          hash: String(row.hash),
          createdAt: row.created_at === null ? null : Number(row.created_at),
        },
      })),
  },
  {
    tool: 'golang-migrate',
    table: LEDGER_TABLE,
    columns: ['version', 'dirty'],
    recognizes: (columns) => isOtherToolsSchemaMigrations(columns) && columns.has('dirty'),
    read: readGolangMigrate,
  },
  {
    tool: 'prisma',
    table: '_prisma_migrations',
    columns: ['migration_name', 'checksum', 'finished_at', 'rolled_back_at'],
    read: readPrisma,
  },
  {
    tool: 'sqlx',
    table: '_sqlx_migrations',
    columns: ['version', 'success', 'checksum'],
    read: (db) =>
      queryRows(
        db,
        'SELECT version, success, lower(hex(checksum)) AS checksum FROM _sqlx_migrations ORDER BY version',
      ).map((row) => {
        const version = String(row.version);
        if (!isTrue(row.success))
          throw unfinished(
            'sqlx',
            version,
            `sqlx's ledger (_sqlx_migrations) marks version ${version} as failed (success = 0): it may have run part way. Make the database match it by hand, then delete that row (or run sqlx migrate run again with sqlx)`,
          );
        const checksum = String(row.checksum);
        return {
          key: { by: 'version', version },
          sameText: (text: string) => sqlxChecksum(text) === checksum,
        };
      }),
  },
  {
    tool: 'flyway',
    table: 'flyway_schema_history',
    columns: ['installed_rank', 'version', 'type', 'script', 'checksum', 'success'],
    read: readFlyway,
  },
  {
    tool: 'kysely',
    table: 'kysely_migration',
    columns: ['name'],
    companions: ['kysely_migration_lock'],
    read: (db) => namesIn(db, 'SELECT name FROM kysely_migration ORDER BY name'),
  },
  {
    tool: 'knex',
    table: 'knex_migrations',
    columns: ['name'],
    companions: ['knex_migrations_lock'],
    read: (db) => namesIn(db, 'SELECT name FROM knex_migrations ORDER BY id'),
  },
  {
    tool: 'sequelize',
    table: 'SequelizeMeta',
    columns: ['name'],
    read: (db) => namesIn(db, 'SELECT name FROM "SequelizeMeta" ORDER BY name'),
  },
  {
    tool: 'diesel',
    table: '__diesel_schema_migrations',
    columns: ['version'],
    read: (db) => versionsIn(db, 'SELECT version FROM __diesel_schema_migrations'),
  },
  {
    tool: 'rails',
    table: LEDGER_TABLE,
    columns: ['version'],
    // Rails keeps ar_internal_metadata beside it; dbmate does not.
    recognizes: (columns, db) => isVersionOnly(columns) && tableExists(db, 'ar_internal_metadata'),
    read: (db) => versionsIn(db, `SELECT version FROM ${LEDGER_TABLE}`),
  },
  {
    tool: 'dbmate',
    table: LEDGER_TABLE,
    columns: ['version'],
    recognizes: (columns, db) => isVersionOnly(columns) && !tableExists(db, 'ar_internal_metadata'),
    read: (db) => versionsIn(db, `SELECT version FROM ${LEDGER_TABLE}`),
  },
];

/** Every tool whose ledger the runner adopts, as `adoptFrom` names it. */
export const LEDGER_TOOLS: readonly LedgerTool[] = [
  ...new Set(READERS.map((reader) => reader.tool)),
  'user_version',
];

/**
 * The ledger of another tool (or the app's own) that records what ran in this database, as
 * `adoptFrom` asks: null when there is none with a row, or when asked for none. Ledgers of two
 * tools are refused unless `adoptFrom` names one; `user_version` is read only when no tool's ledger
 * holds a row and the database has tables (a database without any is fresh, whatever its header says).
 */
export function findOtherLedger(
  db: SqlDatabase,
  adoptFrom: RunOptions['adoptFrom'],
  ignored: readonly string[],
): OtherLedger | null {
  const asked = adoptFrom ?? 'any';
  if (asked === 'none') return null;
  if (typeof asked === 'object') return readAppLedger(db, asked);
  const found = READERS.filter(
    (reader) => (asked === 'any' || asked === reader.tool) && holdsLedgerOf(db, reader),
  )
    .map((reader) => ({
      from: reader.tool,
      source: reader.table,
      tables: [reader.table, ...(reader.companions ?? [])].filter((table) =>
        tableExists(db, table),
      ),
      runs: reader.read(db),
    }))
    .filter((ledger) => ledger.runs.length > 0);
  if (found.length > 1) {
    const names = found.map((ledger) => `${ledger.from} (${ledger.source})`);
    throw new MigrationError(
      'TWO_LEDGERS',
      `The database holds the ledgers of ${found.length} tools: ${names.join(' and ')}; say which one records what ran with the adoptFrom option (--adopt-from)`,
      { tool: found.map((ledger) => ledger.from).join(', ') },
    );
  }
  if (found[0] !== undefined) return found[0];
  if (asked !== 'any' && asked !== 'user_version') return null;
  return readUserVersion(db, ignored);
}

/** Whether the database holds this tool's table, in the shape the tool gives it. */
function holdsLedgerOf(db: SqlDatabase, reader: LedgerReader): boolean {
  const columns = columnsOf(db, reader.table);
  if (columns.size === 0) return false;
  if (reader.recognizes !== undefined) return reader.recognizes(columns, db);
  const missing = reader.columns.filter((column) => !columns.has(column));
  if (missing.length > 0)
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${reader.table}: the name of ${reader.tool}'s ledger, but it has no ${missing.join(' or ')} column, so ${reader.tool} did not make it; this runner will not guess what it records (rename it, or adopt nothing with adoptFrom: 'none')`,
      { tool: reader.tool },
    );
  return true;
}

/** `schema_migrations (version)`, as dbmate and Rails make it. */
function isVersionOnly(columns: ReadonlySet<string>): boolean {
  return isOtherToolsSchemaMigrations(columns) && !columns.has('dirty');
}

/** golang-migrate: one row, the last version run, and whether that run stopped part way. */
function readGolangMigrate(db: SqlDatabase): RecordedRun[] {
  const recorded = queryRows(db, `SELECT version, dirty FROM ${LEDGER_TABLE}`);
  const dirty = recorded.find((row) => isTrue(row.dirty));
  if (dirty !== undefined) {
    const version = String(dirty.version);
    throw unfinished(
      'golang-migrate',
      version,
      `golang-migrate's ledger (${LEDGER_TABLE}) marks version ${version} dirty: that migration failed part way. Make the database match the version before it or after it by hand, then record which with golang-migrate (migrate force VERSION)`,
    );
  }
  return recorded
    .filter((row) => row.version !== null && Number(row.version) >= 0)
    .map((row) => ({ key: { by: 'up-to', version: String(row.version) } }));
}

/**
 * Prisma: a row per attempt at a migration folder. One that finished (and was not rolled back)
 * ran; a migration whose only rows never finished, or were rolled back, is refused, as Prisma's
 * deploy refuses it until it is resolved.
 */
function readPrisma(db: SqlDatabase): RecordedRun[] {
  const attempts = queryRows(
    db,
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
  );
  const names = [...new Set(attempts.map((row) => String(row.migration_name)))];
  return names.map((name) => {
    const mine = attempts.filter((row) => String(row.migration_name) === name);
    const finished = mine.find((row) => row.finished_at !== null && row.rolled_back_at === null);
    if (finished === undefined) {
      const rolledBack = mine.every((row) => row.rolled_back_at !== null);
      throw unfinished(
        'prisma',
        name,
        rolledBack
          ? `Prisma's ledger (_prisma_migrations) marks ${name} rolled back, and no later attempt finished: it may have run part way. Apply it with Prisma (prisma migrate deploy), or make the database match the version before it and delete its rows`
          : `Prisma's ledger (_prisma_migrations) records ${name} as started but never finished: it failed part way. Resolve it with Prisma (prisma migrate resolve --applied or --rolled-back) once the database is as that says`,
      );
    }
    const checksum = String(finished.checksum);
    return {
      key: { by: 'name', name },
      sameText: (text: string) => prismaChecksumMatches(text, checksum),
    };
  });
}

/**
 * Flyway: a row per versioned migration run (`SQL`), a baseline (`BASELINE`: every version up to
 * it counts as applied) and the schema's creation (`SCHEMA`, nothing to adopt). A repeatable
 * migration's row has no version and names its script, which this app cannot have.
 */
function readFlyway(db: SqlDatabase): RecordedRun[] {
  const recorded = queryRows(
    db,
    'SELECT installed_rank, version, type, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank',
  );
  const runs: RecordedRun[] = [];
  for (const row of recorded) {
    const type = String(row.type);
    const version = row.version === null ? null : String(row.version);
    if (!isTrue(row.success))
      throw unfinished(
        'flyway',
        version ?? String(row.script),
        `Flyway's ledger (flyway_schema_history) marks ${version === null ? String(row.script) : `version ${version}`} as failed (success = 0): it may have run part way. Make the database match the version before it by hand, then remove the failed row with Flyway (flyway repair)`,
      );
    if (type === 'SCHEMA') continue;
    if (type === 'BASELINE' && version !== null) runs.push({ key: { by: 'up-to', version } });
    else if (type === 'SQL' && version !== null) {
      const checksum = row.checksum === null ? null : Number(row.checksum);
      runs.push({
        key: { by: 'version', version },
        sameText: checksum === null ? undefined : (text) => flywayChecksum(text) === checksum,
      });
    } else if (type === 'SQL') runs.push({ key: { by: 'name', name: String(row.script) } });
    else
      throw new MigrationError(
        'UNRECOGNIZED_SCHEMA',
        `flyway_schema_history row ${String(row.installed_rank)} is of type ${type}, which this runner does not read; settle it with Flyway first, or adopt nothing with adoptFrom: 'none'`,
        { tool: 'flyway', version: version ?? undefined },
      );
  }
  return runs;
}

/** `PRAGMA user_version`: the number of the last migration run, when it is not 0. */
function readUserVersion(db: SqlDatabase, ignored: readonly string[]): OtherLedger | null {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (version <= 0 || isEmptySchema(db, ignored)) return null;
  return {
    from: 'user_version',
    source: 'PRAGMA user_version',
    tables: [],
    runs: [{ key: { by: 'up-to', version: String(version) } }],
  };
}

/** The app's own ledger, as `AppLedger` describes it; null while its table does not exist. */
function readAppLedger(db: SqlDatabase, ledger: AppLedger): OtherLedger | null {
  const columns = columnsOf(db, ledger.table);
  if (columns.size === 0) return null;
  if (!columns.has(ledger.column.toLowerCase()))
    throw new MigrationError(
      'UNRECOGNIZED_SCHEMA',
      `${ledger.table} has no column ${ledger.column}, which adoptFrom names as the app's ledger; correct the option`,
      { tool: `app:${ledger.table}` },
    );
  const values = queryRows(
    db,
    `SELECT ${quoteIdentifier(ledger.column)} AS value FROM ${quoteIdentifier(ledger.table)} WHERE ${quoteIdentifier(ledger.column)} IS NOT NULL`,
  ).map((row) => String(row.value));
  const runs: RecordedRun[] =
    ledger.values === 'names'
      ? values.map((name) => ({ key: { by: 'name', name } }))
      : ledger.values === 'versions'
        ? values.map((version) => ({ key: { by: 'version', version } }))
        : lastVersion(values);
  if (runs.length === 0) return null;
  return { from: `app:${ledger.table}`, source: ledger.table, tables: [ledger.table], runs };
}

/** The largest of some version numbers, as the one run an app's version column records. */
function lastVersion(values: readonly string[]): RecordedRun[] {
  const numbers = values
    .filter((value) => /^\d+$/.test(value.trim()))
    .map((value) => BigInt(value.trim()));
  const [last] = numbers.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return last === undefined ? [] : [{ key: { by: 'up-to', version: last.toString() } }];
}

/** The tables an app names as its own ledger: bookkeeping, left out of every schema comparison. */
export function appLedgerTables(adoptFrom: RunOptions['adoptFrom']): string[] {
  return typeof adoptFrom === 'object' ? [adoptFrom.table] : [];
}

function namesIn(db: SqlDatabase, sql: string): RecordedRun[] {
  return queryRows(db, sql).map((row) => ({ key: { by: 'name', name: String(row.name) } }));
}

function versionsIn(db: SqlDatabase, sql: string): RecordedRun[] {
  return queryRows(db, sql).map((row) => ({
    key: { by: 'version', version: String(row.version) },
  }));
}

/** SQLite's booleans as tools store them: 1, 0, and sometimes `true`/`false` as text. */
function isTrue(value: SqlValue | undefined): boolean {
  return value === 1 || value === '1' || value === 'true' || value === 't';
}

function unfinished(tool: string, version: string, reason: string): MigrationError {
  return new MigrationError('UNFINISHED_MIGRATION', reason, { tool, version });
}
