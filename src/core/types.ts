/**
 * The shapes shared by the core, the CLI, the browser layer and the panel.
 * Everything here is plain data so a report can cross a worker boundary or be printed as JSON.
 */

/**
 * One migration: its name and the SQL that runs. The name is its file's path in the migrations
 * folder (`NNN_description.sql`; `<folder>/migration.sql` for Prisma), and it is what the ledger
 * records.
 */
export interface Migration {
  name: string;
  sql: string;
  /**
   * Where a migration written for another tool came from (`splitMigrationFiles` works it out);
   * absent for this runner's own `NNN_description.sql` files.
   */
  origin?: MigrationOrigin | undefined;
}

/**
 * The folder layouts `splitMigrationFiles` reads: this runner's own `NNN_description.sql`, and
 * those of other tools, each as that tool writes it.
 */
export type MigrationLayout =
  | 'sqljs-migrate'
  /** `0000_name.sql` with `--> statement-breakpoint`, in the order of `meta/_journal.json`. */
  | 'drizzle-kit'
  /** `1_name.up.sql` and `1_name.down.sql`. */
  | 'golang-migrate'
  /** `20240101120000_name.sql` holding `-- migrate:up` and `-- migrate:down`. */
  | 'dbmate'
  /** `<timestamp>_name/migration.sql`. */
  | 'prisma'
  /** `<version>_name.sql`, or `<version>_name.up.sql` and `.down.sql`. */
  | 'sqlx'
  /** `V1__name.sql`, `V1.1__name.sql`. */
  | 'flyway';

/** What a migration of another tool's layout carries besides its name and SQL. */
export interface MigrationOrigin {
  layout: MigrationLayout;
  /**
   * Its version as that tool writes it: the number its name starts with, Flyway's dotted version
   * (`1.1`), Prisma's folder name, drizzle-kit's journal tag.
   */
  version: string;
  /** Its place in that tool's order, from 0: the journal's, or the versions' as the tool compares them. */
  position: number;
  /** drizzle-kit only: the journal's `when`, which drizzle's migrator stores as `created_at`. */
  createdAt?: number | undefined;
}

/**
 * The subset of a sql.js `Database` the core uses. Declared structurally so the core needs no
 * sql.js (or DOM) types and any object of this shape, such as a test double, can be passed.
 */
export interface SqlDatabase {
  exec(sql: string, params?: SqlValue[]): QueryExecResult[];
  run(sql: string, params?: SqlValue[]): unknown;
  prepare(sql: string, params?: SqlValue[]): SqlStatement;
  iterateStatements(sql: string): StatementIterator;
  export(): Uint8Array;
  close(): void;
}

/** A value SQLite can store, as sql.js hands it over. */
export type SqlValue = number | string | Uint8Array | null;

/** One result set of `SqlDatabase.exec`. */
export interface QueryExecResult {
  columns: string[];
  values: SqlValue[][];
}

/** A prepared statement, as sql.js yields it. */
export interface SqlStatement {
  step(): boolean;
  get(): SqlValue[];
  getAsObject(): Record<string, SqlValue>;
  getSQL(): string;
  bind(values?: SqlValue[]): boolean;
  free(): boolean;
}

/** SQLite's own statement splitter, as sql.js exposes it. */
export interface StatementIterator extends Iterator<SqlStatement> {
  getRemainingSQL(): string;
}

/** How a database looked before the run. */
export type DetectedState =
  /** No tables at all. */
  | 'fresh'
  /** Tables but no ledger: made by an older app, or migrated by hand. */
  | 'legacy'
  /**
   * This runner's ledger is present: `schema_migrations`, or `sqljs_migrate_ledger` beside another
   * tool's `schema_migrations` (another tool's ledger alone is `other-ledger`).
   */
  | 'tracked'
  /**
   * No ledger of this runner's, but another tool's (or the app's own, `adoptFrom`) records what
   * ran: the run adopts it (see `MigrationReport.adoption`).
   */
  | 'other-ledger';

/** How a migration came to be recorded as applied. */
export type AppliedHow =
  /** Its SQL ran. */
  | 'executed'
  /** Recorded without running, because the schema already reflected it. */
  | 'baselined'
  /**
   * Recorded without running, because another tool's ledger (or the app's own) said it ran and
   * the schema agreed; `MigrationOutcome.adoptedFrom` names the tool.
   */
  | 'adopted'
  /** Recorded by a tool that did not say (a ledger of the original three columns). */
  | 'unknown';

/** Whether a recorded checksum still matches the bundled SQL. */
export type ChecksumStatus =
  | 'ok'
  /** The bundled SQL differs from what was applied (accepted by `acceptChangedChecksums`). */
  | 'changed'
  /** The ledger row has no checksum (written by a tool that did not store one). */
  | 'unrecorded'
  /** Not applied yet. */
  | 'pending';

/** What this run did with one migration. */
export type MigrationStatus =
  | 'executed'
  | 'baselined'
  /** Recorded from another tool's ledger this run (see `MigrationReport.adoption`). */
  | 'adopted'
  | 'already-applied'
  /** A dry run: it would be executed. */
  | 'would-execute'
  /** A dry run: it would be baselined. */
  | 'would-baseline'
  /** A dry run: it would be adopted from another tool's ledger. */
  | 'would-adopt';

/** One bundled migration's outcome, in bundle order. */
export interface MigrationOutcome {
  name: string;
  status: MigrationStatus;
  /** SHA-256 (hex) of the bundled SQL with line endings (`\r\n`, `\r`) normalised to `\n`. */
  checksum: string;
  checksumStatus: ChecksumStatus;
  /** How the ledger records it (after the run). */
  how: AppliedHow | null;
  /** For `how: 'adopted'`: whose ledger said it ran (`drizzle`, `app:versions`, …); else null. */
  adoptedFrom: string | null;
  /** `applied_at` as the ledger stores it (`YYYY-MM-DD HH:MM:SS`, UTC), null while pending. */
  appliedAt: string | null;
  /** How long its SQL took, this run or when it was recorded; null when unknown. */
  durationMs: number | null;
}

/** One difference between two schemas, named by the object it concerns. */
export interface SchemaDifference {
  /** `table`, `index`, `trigger`, `view` or `virtual table`. */
  kind: ObjectKind;
  /** The object's name (lower case). */
  object: string;
  /** The table an index or trigger belongs to; the object itself for tables. */
  table: string;
  /** Human-readable: `column code_verifier: missing`, `only in the database`, … */
  detail: string;
}

export type ObjectKind = 'table' | 'virtual table' | 'index' | 'trigger' | 'view';

/** Progress of a run, for a progress bar or a log. */
export interface MigrationProgress {
  phase: 'detect' | 'schema' | 'migration' | 'drift';
  /** 1-based position among the migrations this run executes (0 outside the `migration` phase). */
  index: number;
  total: number;
  name: string | null;
  event: 'start' | 'done';
  elapsedMs: number;
}

/** Where log lines go; `console` fits. */
export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of `runMigrations`; every one is optional. */
export interface RunOptions {
  /** The current full schema (the app's schema.sql): used for fresh databases and drift. */
  schema?: string;
  /** Plan and time everything, then roll back: the database is left as it was. */
  dryRun?: boolean;
  /** Accept migrations whose SQL changed since they were applied (recorded as `changed`). */
  acceptChangedChecksums?: boolean;
  /** Run a pending migration that sorts before the last applied one instead of refusing. */
  allowOutOfOrder?: boolean;
  /** Compare with `schema` even when nothing ran (always done after changes). */
  checkDrift?: boolean;
  logger?: MigrationLogger;
  onProgress?: (progress: MigrationProgress) => void;
  /**
   * Whose ledger to adopt when the database has none of this runner's: `any` (the default) looks
   * for every tool's table (and `PRAGMA user_version`), a tool's name takes that tool's only, an
   * `AppLedger` reads the app's own table, and `none` adopts nothing, placing the database by its
   * schema alone. A database with ledgers of two tools is refused unless this names one.
   */
  adoptFrom?: 'any' | 'none' | LedgerTool | AppLedger;
  /**
   * Drop the adopted ledger's table(s) in the transaction that records its rows in this
   * runner's ledger; by default they are left as they were.
   */
  dropAdoptedLedger?: boolean;
  /**
   * Each migration's checksum by name, worked out by the caller (a browser's native SHA-256 of
   * `checksumInput(sql)` as UTF-8, in hex), so the run need not compute them. They must be exactly
   * what `checksumOf(sql)` gives; they serve this run only, and a migration missing here is
   * computed as usual.
   */
  checksums?: Readonly<Record<string, string>>;
}

/** The tools whose ledgers a run can adopt, as `adoptFrom` names them. */
export type LedgerTool =
  /** `__drizzle_migrations` (`hash`, `created_at`), written by drizzle-orm's migrator. */
  | 'drizzle'
  /** `schema_migrations` (`version`, `dirty`): one row, the last version. */
  | 'golang-migrate'
  /** `schema_migrations` (`version`): a row per applied version. */
  | 'dbmate'
  /** `schema_migrations` (`version`) beside `ar_internal_metadata`. */
  | 'rails'
  /** `_prisma_migrations`: a row per migration folder, with its checksum and finish time. */
  | 'prisma'
  /** `_sqlx_migrations`: a row per version, with its SHA-384 and `success`. */
  | 'sqlx'
  /** `flyway_schema_history`: a row per version, with its CRC32 and `success`. */
  | 'flyway'
  /** `kysely_migration`: a row per migration name. */
  | 'kysely'
  /** `knex_migrations`: a row per migration file name. */
  | 'knex'
  /** `SequelizeMeta`: a row per migration file name. */
  | 'sequelize'
  /** `__diesel_schema_migrations`: a row per version. */
  | 'diesel'
  /**
   * `PRAGMA user_version`: the number of the last migration applied, every one numbered up to it
   * counting as applied. Read only when no tool's ledger holds a row and the database has tables.
   */
  | 'user_version';

/**
 * How to read an app's own ledger: which table and column, and what its values are. The table is
 * the app's bookkeeping, not its schema: it is left out when schemas are compared.
 */
export interface AppLedger {
  table: string;
  column: string;
  /**
   * `names`: a row per applied migration, holding its name (`003_backfill.sql`, or without
   * `.sql`); `versions`: a row per applied migration, holding the number its name starts with;
   * `last-version`: the largest value is the number of the last migration applied, and every
   * migration up to it counts as applied.
   */
  values: 'names' | 'versions' | 'last-version';
}

/** What a run took over from another tool's ledger. */
export interface Adoption {
  /** The tool (`drizzle`, …), or `app:<table>` for the app's own ledger. */
  from: string;
  /** Where its record is: a table's name, or `PRAGMA user_version`. */
  source: string;
  /** The migrations it records as applied, in run order: this run records them as adopted. */
  migrations: string[];
  /** True when the run dropped the tool's table(s) (`dropAdoptedLedger`). */
  dropped: boolean;
}

/** Everything a run did and found; the panel, the CLI and the tests all read this. */
export interface MigrationReport {
  state: DetectedState;
  /**
   * For a legacy database: the last migration its schema already reflected (null when it
   * reflected none, or when the state is not legacy).
   */
  legacyVersion: string | null;
  /** True when nothing had to be executed, baselined or upgraded. */
  upToDate: boolean;
  /** True when the run wrote to the database (never for a dry run). */
  changed: boolean;
  dryRun: boolean;
  /** One entry per bundled migration, in run order. */
  migrations: MigrationOutcome[];
  executed: string[];
  baselined: string[];
  alreadyApplied: string[];
  /**
   * What the run took over (or, dry, would take over) from another tool's ledger; null when the
   * database had a ledger of this runner's or no other.
   */
  adoption: Adoption | null;
  /** The ledger gained the checksum/how/duration columns during this run. */
  ledgerUpgraded: boolean;
  /** Differences from `schema` after the run; null when no schema was given or it was not checked. */
  drift: SchemaDifference[] | null;
  /**
   * What the run did (or, dry, would do) to the schema: tables created or dropped, columns added
   * or dropped, definitions changed. Empty when it wrote nothing.
   */
  schemaChanges: SchemaDifference[];
  durationMs: number;
}
