import { checksumFor } from './checksum.ts';
import { detectLegacyVersion, reflectsOutOfOrder } from './detect.ts';
import { MigrationError } from './errors.ts';
import { isEmptySchema } from './inspect.ts';
import { type LedgerEntry, type LedgerFormat, ledgerFormat, readLedger } from './ledger.ts';
import type { DatabaseFactory } from './scratch.ts';
import type { ChecksumStatus, DetectedState, Migration, RunOptions, SqlDatabase } from './types.ts';

/** What a run will do, decided before anything is written. */
export interface RunPlan {
  state: DetectedState;
  legacyVersion: string | null;
  ledgerFormat: LedgerFormat;
  ledger: LedgerEntry[];
  /** Fresh database with a schema: create it from the schema instead of replaying history. */
  createFromSchema: boolean;
  /** Recorded as applied without running, in order. */
  baseline: Migration[];
  /** Run, in order. */
  execute: Migration[];
  /** Checksum status of every migration the ledger already records. */
  checksums: Map<string, ChecksumStatus>;
}

/** Reads the database and decides what to do; throws `MigrationError` for what it refuses. */
export function planRun(
  db: SqlDatabase,
  migrations: readonly Migration[],
  options: RunOptions,
  create: DatabaseFactory,
): RunPlan {
  const format = ledgerFormat(db);
  const ledger = readLedger(db, format);
  const base = { ledgerFormat: format, ledger, checksums: new Map<string, ChecksumStatus>() };

  if (ledger.length === 0) {
    if (isEmptySchema(db)) {
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
    const reflected = detectLegacyVersion(db, migrations, options.schema, create);
    return {
      ...base,
      state: 'legacy',
      legacyVersion: reflected === 0 ? null : (migrations[reflected - 1]?.name ?? null),
      createFromSchema: false,
      baseline: migrations.slice(0, reflected),
      execute: migrations.slice(reflected),
    };
  }

  return { ...base, ...planTracked(db, migrations, ledger, options, create, base.checksums) };
}

function planTracked(
  db: SqlDatabase,
  migrations: readonly Migration[],
  ledger: LedgerEntry[],
  options: RunOptions,
  create: DatabaseFactory,
  checksums: Map<string, ChecksumStatus>,
): Pick<RunPlan, 'state' | 'legacyVersion' | 'createFromSchema' | 'baseline' | 'execute'> {
  const indexByName = new Map(migrations.map((migration, index) => [migration.name, index]));
  const unknown = ledger.filter((entry) => !indexByName.has(entry.name)).map((entry) => entry.name);
  if (unknown.length > 0) {
    throw new MigrationError(
      'UNKNOWN_APPLIED',
      `${unknown[0]}: recorded as applied, but this app has no such migration${unknown.length > 1 ? ` (nor ${unknown.slice(1).join(', ')})` : ''}; the database was migrated by a newer version of the app, so update the app instead`,
      { migrationName: unknown[0] },
    );
  }

  for (const entry of ledger) {
    const migration = migrations[indexByName.get(entry.name) as number] as Migration;
    const current = checksumFor(migration, options.checksums);
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

  const applied = new Set(ledger.map((entry) => entry.name));
  const lastAppliedIndex = Math.max(
    ...ledger.map((entry) => indexByName.get(entry.name) as number),
  );
  const baseline: Migration[] = [];
  const execute: Migration[] = [];
  for (const [index, migration] of migrations.entries()) {
    if (applied.has(migration.name)) continue;
    if (index > lastAppliedIndex) execute.push(migration);
    else if (reflectsOutOfOrder(db, migrations, index, lastAppliedIndex, create))
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
  return { state: 'tracked', legacyVersion: null, createFromSchema: false, baseline, execute };
}

function checksumStatus(entry: LedgerEntry, current: string): ChecksumStatus {
  if (entry.checksum === null) return 'unrecorded';
  return entry.checksum === current ? 'ok' : 'changed';
}
