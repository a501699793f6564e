import { checksumFor } from './checksum.ts';
import { now, roundMs } from './clock.ts';
import { MigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { fingerprintSchema } from './fingerprint.ts';
import {
  assertForeignKeys,
  type ForeignKeyViolations,
  foreignKeyViolations,
} from './foreign-keys.ts';
import { fingerprintOfSchema } from './history.ts';
import { assertReadableAndWhole, canDamageDatabase, stopSchemaWriting } from './integrity.ts';
import { ensureLedger, readLedger, recordApplied } from './ledger.ts';
import { sortMigrations } from './names.ts';
import type { OtherLedger } from './other-ledgers.ts';
import { type PlannedAdoption, planRun, type RunPlan } from './plan.ts';
import { describeDifference, diffSchemas, schemaChanges } from './schema-diff.ts';
import { type DatabaseFactory, scratchFactory } from './scratch.ts';
import { quoteIdentifier } from './sql-text.ts';
import { openScope, type TransactionScope } from './transaction.ts';
import type {
  Migration,
  MigrationOutcome,
  MigrationProgress,
  MigrationReport,
  RunOptions,
  SchemaDifference,
  SqlDatabase,
} from './types.ts';

/** Options for callers that must say how scratch databases are made (tests, other engines). */
export interface RunOptionsWithFactory extends RunOptions {
  /** Makes the empty in-memory databases detection replays history in; defaults to `new db.constructor()`. */
  createDatabase?: DatabaseFactory;
}

/**
 * Brings a database to the current schema and says what it did.
 *
 * A fresh database gets `options.schema` with every migration recorded as baselined (or, with no
 * schema, every migration run). A database with tables but no ledger is matched against the
 * history by its schema, what it reflects is baselined and the rest runs. A database another tool
 * migrated has that tool's ledger adopted (what it records is recorded as adopted, once the schema
 * agrees) and the rest runs. A tracked database runs what is pending, in order. Each migration commits with its ledger row; the first failure throws
 * `MigrationError` and leaves the database as it was before that migration — and before the run,
 * if it was the first. Running again changes nothing.
 *
 * @example
 * const SQL = await initSqlJs();
 * const db = new SQL.Database(bytes);
 * const { migrations, schema } = splitMigrationFiles(files);
 * const report = runMigrations(db, migrations, { schema, logger: console });
 * if (report.changed) save(db.export());
 */
export function runMigrations(
  db: SqlDatabase,
  migrations: readonly Migration[],
  options: RunOptionsWithFactory = {},
): MigrationReport {
  const startedAt = now();
  const sorted = sortMigrations(migrations);
  const create = scratchFactory(db, options.createDatabase);
  const progress = progressReporter(options, startedAt);

  progress('detect', 'start', 0, 0, null);
  const plan = planRun(db, sorted, options, create);
  progress('detect', 'done', 0, 0, null);
  logPlan(plan, options);

  const dryRun = options.dryRun === true;
  const run: RunState = {
    db,
    migrations: sorted,
    options,
    plan,
    dryRun,
    scope: openScope(db, dryRun),
    startedAt,
    progress,
    durations: new Map(),
    drift: null,
    changes: [],
  };
  const before = changedNothing(plan)
    ? null
    : (plan.schemaBefore ?? fingerprintSchema(db, plan.ignoredTables));
  try {
    applyPlan(run);
    const checkDrift =
      options.schema !== undefined && (!changedNothing(plan) || options.checkDrift === true);
    // Read once after the run: both the changes and the drift compare against it.
    const after = before || checkDrift ? fingerprintSchema(db, plan.ignoredTables) : null;
    if (before && after) run.changes = schemaChanges(before, after);
    if (checkDrift && after && options.schema !== undefined) {
      progress('drift', 'start', 0, 0, null);
      run.drift = diffSchemas(after, fingerprintOfSchema(options.schema, create));
      progress('drift', 'done', 0, 0, null);
      for (const difference of run.drift)
        options.logger?.warn(`drift: ${describeDifference(difference)}`);
    }
  } finally {
    run.scope.finish();
  }
  // Every start leaves foreign keys enforced, not only the starts that migrated something: a
  // database reopened from bytes (or after export()) has them off.
  if (!run.dryRun) db.run('PRAGMA foreign_keys = ON');
  return buildReport(run);
}

/**
 * One run as it goes: what it was given, what it decided, and what it collects while it writes
 * (each migration's duration, the schema's changes, the drift), from which its report is built.
 */
interface RunState {
  readonly db: SqlDatabase;
  /** The migrations in run order. */
  readonly migrations: readonly Migration[];
  readonly options: RunOptions;
  readonly plan: RunPlan;
  readonly dryRun: boolean;
  /** Each migration's transaction (a savepoint in a dry run's one transaction). */
  readonly scope: TransactionScope;
  readonly startedAt: number;
  readonly progress: Progress;
  /** How long each executed migration's SQL took. */
  readonly durations: Map<string, number>;
  drift: SchemaDifference[] | null;
  changes: SchemaDifference[];
}

type Progress = (
  phase: MigrationProgress['phase'],
  event: MigrationProgress['event'],
  index: number,
  total: number,
  name: string | null,
) => void;

function progressReporter(options: RunOptions, startedAt: number): Progress {
  return (phase, event, index, total, name) =>
    options.onProgress?.({
      phase,
      event,
      index,
      total,
      name,
      elapsedMs: roundMs(now() - startedAt),
    });
}

/**
 * Writes the plan. Bookkeeping (creating or upgrading the ledger, the schema of a fresh database,
 * adopted and baseline rows, dropping an adopted ledger when asked) rides in the first
 * migration's transaction, so a run whose first migration fails leaves the database exactly as
 * it found it.
 */
function applyPlan(run: RunState): void {
  const { db, plan, scope, progress, dryRun, durations } = run;
  const { schema, checksums } = run.options;
  const table = plan.ledgerPlace.table;
  let bookkeepingDone = false;
  const bookkeeping = () => {
    if (bookkeepingDone) return;
    bookkeepingDone = true;
    if (plan.adoption?.drop) dropAdoptedLedger(db, plan.adoption.ledger);
    ensureLedger(db, plan.ledgerPlace, plan.adoption !== null);
    if (plan.createFromSchema && schema !== undefined) {
      progress('schema', 'start', 0, 0, 'schema.sql');
      executeScript(db, schema, 'schema.sql');
      if (canDamageDatabase(schema)) assertReadableAndWhole(db, 'schema.sql');
      assertForeignKeys(db, 'schema.sql');
      progress('schema', 'done', 0, 0, 'schema.sql');
    }
    for (const migration of plan.adoption?.migrations ?? []) {
      const { ledger, changed } = plan.adoption as PlannedAdoption;
      // A file edited since the other tool ran it: what ran is unknown, so no checksum is kept.
      const checksum = changed.has(migration.name) ? null : checksumFor(migration, checksums);
      recordApplied(db, table, migration.name, checksum, { adoptedFrom: ledger.from }, null);
    }
    for (const migration of plan.baseline)
      recordApplied(
        db,
        table,
        migration.name,
        checksumFor(migration, checksums),
        'baselined',
        null,
      );
  };

  const total = plan.execute.length;
  // What one migration leaves is what the next starts from (only its ledger row comes between),
  // so the foreign keys are checked once per migration, not twice.
  let violations: ForeignKeyViolations | null = null;
  for (const [position, migration] of plan.execute.entries()) {
    progress('migration', 'start', position + 1, total, migration.name);
    try {
      scope.atomically(() => {
        bookkeeping();
        const violationsBefore = violations ?? foreignKeyViolations(db);
        const startedAt = now();
        executeScript(db, migration.sql, migration.name);
        const duration = roundMs(now() - startedAt);
        if (canDamageDatabase(migration.sql)) assertReadableAndWhole(db, migration.name);
        violations = assertForeignKeys(db, migration.name, violationsBefore);
        recordApplied(
          db,
          table,
          migration.name,
          checksumFor(migration, checksums),
          'executed',
          duration,
        );
        durations.set(migration.name, duration);
      });
    } catch (error) {
      if (canDamageDatabase(migration.sql)) stopSchemaWriting(db);
      throw position > 0 && !dryRun
        ? afterEarlierCommits(error, plan.execute.slice(0, position))
        : error;
    }
    progress('migration', 'done', position + 1, total, migration.name);
  }
  if (!bookkeepingDone && !changedNothing(plan)) scope.atomically(bookkeeping);
}

/**
 * A failure after earlier migrations of the same run committed: the database is not as it was
 * before the run, only as it was before this migration, and the error says which it keeps.
 */
function afterEarlierCommits(error: unknown, committed: readonly Migration[]): unknown {
  if (!(error instanceof MigrationError)) return error;
  return error.afterCommitting(committed.map((migration) => migration.name));
}

/**
 * Drops another tool's ledger once adopted (`dropAdoptedLedger`): its tables, or for
 * `user_version` the number, set back to 0.
 */
function dropAdoptedLedger(db: SqlDatabase, ledger: OtherLedger): void {
  if (ledger.from === 'user_version') db.run('PRAGMA user_version = 0');
  for (const table of ledger.tables) db.run(`DROP TABLE ${quoteIdentifier(table)}`);
}

/** True when the plan writes nothing: no ledger to create or upgrade, nothing to record or run. */
function changedNothing(plan: RunPlan): boolean {
  return (
    plan.ledgerPlace.format === 'current' &&
    plan.adoption === null &&
    !plan.createFromSchema &&
    plan.baseline.length === 0 &&
    plan.execute.length === 0
  );
}

function logPlan(plan: RunPlan, options: RunOptions): void {
  const logger = options.logger;
  if (!logger) return;
  const where =
    plan.state === 'legacy'
      ? ` (its schema reflects ${plan.legacyVersion ?? 'none of the migrations'})`
      : '';
  logger.info(`database: ${plan.state}${where}`);
  if (plan.adoption !== null)
    logger.info(
      `adopting ${plan.adoption.migrations.length} migration(s) from ${plan.adoption.ledger.from} (${plan.adoption.ledger.source})`,
    );
  if (plan.createFromSchema) logger.info('creating the current schema from schema.sql');
  if (plan.baseline.length > 0)
    logger.info(`baselining ${plan.baseline.length} migration(s) without running them`);
  for (const migration of plan.execute) logger.info(`pending: ${migration.name}`);
  for (const [name, status] of plan.checksums)
    if (status === 'changed')
      logger.warn(`${name}: its SQL changed after it was applied (accepted)`);
  if (changedNothing(plan)) logger.info('up to date');
}

function buildReport(run: RunState): MigrationReport {
  const { plan, dryRun } = run;
  const checksums = run.options.checksums;
  const ledger = changedNothing(plan) || dryRun ? plan.ledger : readLedger(run.db);
  const recorded = new Map(ledger.map((entry) => [entry.name, entry]));
  const baselined = new Set(plan.baseline.map((m) => m.name));
  const executed = new Set(plan.execute.map((m) => m.name));
  const adopted = new Set(plan.adoption?.migrations.map((m) => m.name));
  const outcomes = run.migrations.map((migration): MigrationOutcome => {
    const entry = recorded.get(migration.name);
    const checksum = checksumFor(migration, checksums);
    const common = {
      name: migration.name,
      checksum,
      appliedAt: entry?.appliedAt ?? null,
      adoptedFrom: null,
    };
    if (executed.has(migration.name))
      return {
        ...common,
        status: dryRun ? 'would-execute' : 'executed',
        checksumStatus: dryRun ? 'pending' : 'ok',
        how: dryRun ? null : 'executed',
        durationMs: run.durations.get(migration.name) ?? null,
      };
    if (adopted.has(migration.name))
      return {
        ...common,
        status: dryRun ? 'would-adopt' : 'adopted',
        checksumStatus: plan.adoption?.changed.has(migration.name)
          ? 'changed'
          : dryRun
            ? 'pending'
            : 'ok',
        how: dryRun ? null : 'adopted',
        adoptedFrom: dryRun ? null : (plan.adoption?.ledger.from ?? null),
        durationMs: null,
      };
    if (baselined.has(migration.name))
      return {
        ...common,
        status: dryRun ? 'would-baseline' : 'baselined',
        checksumStatus: dryRun ? 'pending' : 'ok',
        how: dryRun ? null : 'baselined',
        durationMs: null,
      };
    return {
      ...common,
      status: 'already-applied',
      checksumStatus: plan.checksums.get(migration.name) ?? 'ok',
      how: entry?.how ?? null,
      adoptedFrom: entry?.adoptedFrom ?? null,
      durationMs: entry?.durationMs ?? null,
    };
  });
  const wouldChange = !changedNothing(plan);
  return {
    state: plan.state,
    legacyVersion: plan.legacyVersion,
    upToDate: !wouldChange,
    changed: wouldChange && !dryRun,
    dryRun,
    migrations: outcomes,
    executed: [...executed],
    baselined: [...baselined],
    alreadyApplied: outcomes.filter((o) => o.status === 'already-applied').map((o) => o.name),
    adoption:
      plan.adoption === null
        ? null
        : {
            from: plan.adoption.ledger.from,
            source: plan.adoption.ledger.source,
            migrations: [...adopted],
            dropped: plan.adoption.drop && !dryRun,
          },
    ledgerUpgraded: plan.ledgerPlace.format === 'original' && !dryRun,
    drift: run.drift,
    schemaChanges: run.changes,
    durationMs: roundMs(now() - run.startedAt),
  };
}
