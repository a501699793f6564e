/**
 * The shapes shared by the core, the CLI, the browser layer and the panel.
 * Everything here is plain data so a report can cross a worker boundary or be printed as JSON.
 */

/** One migration: its file name (`NNN_description.sql`) and its SQL text. */
export interface Migration {
  name: string;
  sql: string;
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
  /** A `schema_migrations` ledger is present. */
  | 'tracked';

/** How a migration came to be recorded as applied. */
export type AppliedHow =
  /** Its SQL ran. */
  | 'executed'
  /** Recorded without running, because the schema already reflected it. */
  | 'baselined'
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
  | 'already-applied'
  /** A dry run: it would be executed. */
  | 'would-execute'
  /** A dry run: it would be baselined. */
  | 'would-baseline';

/** One bundled migration's outcome, in bundle order. */
export interface MigrationOutcome {
  name: string;
  status: MigrationStatus;
  /** SHA-256 (hex) of the bundled SQL with line endings (`\r\n`, `\r`) normalised to `\n`. */
  checksum: string;
  checksumStatus: ChecksumStatus;
  /** How the ledger records it (after the run). */
  how: AppliedHow | null;
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
   * Each migration's checksum by name, worked out by the caller (a browser's native SHA-256 of
   * `checksumInput(sql)` as UTF-8, in hex), so the run need not compute them. They must be exactly
   * what `checksumOf(sql)` gives; they serve this run only, and a migration missing here is
   * computed as usual.
   */
  checksums?: Readonly<Record<string, string>>;
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
