import { assertSchemaAgrees, matchRecordedRuns } from './adopt.ts';
import { checksumFor } from './checksum.ts';
import { detectLegacyVersion, reflectsOutOfOrder } from './detect.ts';
import { MigrationError, unknownApplied } from './errors.ts';
import type { SchemaFingerprint } from './fingerprint.ts';
import { isEmptySchema, LEDGER_TABLE } from './inspect.ts';
import { findLedger, type LedgerEntry, type LedgerPlace, readLedger } from './ledger.ts';
import { appLedgerTables, findOtherLedger, type OtherLedger } from './other-ledgers.ts';
import type { DatabaseFactory } from './scratch.ts';
import type { ChecksumStatus, DetectedState, Migration, RunOptions, SqlDatabase } from './types.ts';

/** What a run will do, decided before anything is written. */
export interface RunPlan {
  state: DetectedState;
  legacyVersion: string | null;
  /** Where this runner's ledger is (or will be), and in what format it is before the run. */
  ledgerPlace: LedgerPlace;
  ledger: LedgerEntry[];
  /** Fresh database with a schema: create it from the schema instead of replaying history. */
  createFromSchema: boolean;
  /** What is taken over from another tool's ledger; null when nothing is. */
  adoption: PlannedAdoption | null;
  /** Recorded as applied without running, in order. */
  baseline: Migration[];
  /** Run, in order. */
  execute: Migration[];
  /** Checksum status of every migration the ledger already records. */
  checksums: Map<string, ChecksumStatus>;
  /** Tables that are the app's bookkeeping, not its schema (an app's own ledger). */
  ignoredTables: string[];
  /** The database's schema, when planning read all of it: the run measures its changes from it. */
  schemaBefore: SchemaFingerprint | null;
}

/** Migrations recorded as adopted from another tool's ledger, in the first transaction. */
export interface PlannedAdoption {
  ledger: OtherLedger;
  migrations: Migration[];
  /** Adopted although the tool recorded another text (accepted changed checksums). */
  changed: Set<string>;
  /** The tool's tables are dropped in the same transaction (`dropAdoptedLedger`). */
  drop: boolean;
}

/** Reads the database and decides what to do; throws `MigrationError` for what it refuses. */
export function planRun(
  db: SqlDatabase,
  migrations: readonly Migration[],
  options: RunOptions,
  create: DatabaseFactory,
): RunPlan {
  const place = findLedger(db);
  const ledger = readLedger(db, place);
  const ignoredTables = appLedgerTables(options.adoptFrom);
  const base = {
    ledgerPlace: place,
    ledger,
    checksums: new Map<string, ChecksumStatus>(),
    adoption: null,
    ignoredTables,
    schemaBefore: null,
  };
  if (ledger.length > 0) {
    const checksums = checkRecorded(migrations, ledger, options);
    const applied = ledger.map((entry) => entry.name);
    return {
      ...base,
      checksums,
      state: 'tracked',
      legacyVersion: null,
      createFromSchema: false,
      ...pendingAfter(db, migrations, applied, options, create, ignoredTables),
    };
  }

  const other = findOtherLedger(db, options.adoptFrom, ignoredTables);
  if (other !== null) {
    const adopted = matchRecordedRuns(other, migrations, options.acceptChangedChecksums === true);
    const schemaBefore = assertSchemaAgrees(
      db,
      other,
      migrations,
      adopted.migrations,
      options.schema,
      create,
      ignoredTables,
    );
    const drop = options.dropAdoptedLedger === true;
    const applied = adopted.migrations.map((migration) => migration.name);
    return {
      ...base,
      // Dropping another tool's schema_migrations frees the name for this runner's ledger.
      ledgerPlace:
        drop && other.tables.includes(LEDGER_TABLE) && place.format === 'missing'
          ? { ...place, table: LEDGER_TABLE }
          : place,
      state: 'other-ledger',
      schemaBefore,
      legacyVersion: null,
      createFromSchema: false,
      adoption: { ledger: other, migrations: adopted.migrations, changed: adopted.changed, drop },
      ...pendingAfter(db, migrations, applied, options, create, ignoredTables),
    };
  }

  if (isEmptySchema(db, ignoredTables)) {
    const fromSchema = options.schema !== undefined;
    return {
      ...base,
      state: 'fresh',
      legacyVersion: null,
      createFromSchema: fromSchema,
      baseline: fromSchema ? [...migrations] : [],
      execute: fromSchema ? [] : [...migrations],
    };
  }
  const reflected = detectLegacyVersion(db, migrations, options.schema, create, ignoredTables);
  return {
    ...base,
    state: 'legacy',
    legacyVersion: reflected === 0 ? null : (migrations[reflected - 1]?.name ?? null),
    createFromSchema: false,
    baseline: migrations.slice(0, reflected),
    execute: migrations.slice(reflected),
  };
}

/**
 * The checksum status of every migration this runner's ledger records; refuses a ledger that
 * names a migration the app does not have, or one whose SQL changed since (unless accepted).
 */
function checkRecorded(
  migrations: readonly Migration[],
  ledger: LedgerEntry[],
  options: RunOptions,
): Map<string, ChecksumStatus> {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const unknown = ledger.filter((entry) => !byName.has(entry.name)).map((entry) => entry.name);
  if (unknown.length > 0) throw unknownApplied(unknown, 'recorded as applied');
  const checksums = new Map<string, ChecksumStatus>();
  for (const entry of ledger) {
    const current = checksumFor(byName.get(entry.name) as Migration, options.checksums);
    const status = checksumStatus(entry, current);
    if (status === 'changed' && !options.acceptChangedChecksums) {
      throw new MigrationError(
        'CHECKSUM_MISMATCH',
        `${entry.name}: its SQL changed after it was applied (recorded ${entry.checksum?.slice(0, 12)}…, now ${current.slice(0, 12)}…); restore the applied text and put the change in a new migration, or accept the change with acceptChangedChecksums`,
        { migrationName: entry.name },
      );
    }
    checksums.set(entry.name, status);
  }
  return checksums;
}

/**
 * What runs and what is baselined once `applied` (names) are recorded: the migrations after the
 * last of them run; one before it that is pending is baselined when the schema shows it applied,
 * run with `allowOutOfOrder`, and refused otherwise.
 */
function pendingAfter(
  db: SqlDatabase,
  migrations: readonly Migration[],
  applied: readonly string[],
  options: RunOptions,
  create: DatabaseFactory,
  ignoredTables: readonly string[],
): Pick<RunPlan, 'baseline' | 'execute'> {
  const indexByName = new Map(migrations.map((migration, index) => [migration.name, index]));
  const done = new Set(applied);
  const lastAppliedIndex = Math.max(-1, ...applied.map((name) => indexByName.get(name) as number));
  const baseline: Migration[] = [];
  const execute: Migration[] = [];
  for (const [index, migration] of migrations.entries()) {
    if (done.has(migration.name)) continue;
    if (index > lastAppliedIndex) execute.push(migration);
    else if (reflectsOutOfOrder(db, migrations, index, lastAppliedIndex, create, ignoredTables))
      baseline.push(migration);
    else if (options.allowOutOfOrder) execute.push(migration);
    else {
      throw new MigrationError(
        'OUT_OF_ORDER',
        `${migration.name}: pending, but sorts before ${migrations[lastAppliedIndex]?.name}, which is already applied, and the schema does not show it applied; renumber it after the last applied migration, or run it anyway with allowOutOfOrder`,
        { migrationName: migration.name },
      );
    }
  }
  return { baseline, execute };
}

function checksumStatus(entry: LedgerEntry, current: string): ChecksumStatus {
  if (entry.checksum === null) return 'unrecorded';
  return entry.checksum === current ? 'ok' : 'changed';
}
