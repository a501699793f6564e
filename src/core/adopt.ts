import { replaysToTarget } from './detect.ts';
import { MigrationError, unknownApplied } from './errors.ts';
import { fingerprintSchema, type SchemaFingerprint, sameSchema } from './fingerprint.ts';
import { fingerprintOfSchema, replayHistory } from './history.ts';
import type { OtherLedger, RecordedKey } from './other-ledgers.ts';
import { describeDifference, diffSchemas } from './schema-diff.ts';
import type { DatabaseFactory } from './scratch.ts';
import { drizzleHash } from './tool-checksums.ts';
import type { Migration, SqlDatabase } from './types.ts';
import { compareVersionParts, versionParts } from './versions.ts';

/**
 * Adopting another tool's ledger: which of the app's migrations its rows say ran — matched the way
 * that tool records them — and whether the schema agrees. Nothing here writes; the run records
 * the adopted migrations in this runner's ledger.
 */

/** The migrations another ledger says ran, found among the app's. */
export interface AdoptedMigrations {
  /** In run order. */
  migrations: Migration[];
  /** Those whose file changed since the tool ran it (its checksum differs), accepted by the caller. */
  changed: Set<string>;
}

/**
 * Matches the ledger's runs to `migrations` (in run order). A run that names no migration of the
 * app's means a newer app migrated the database (`UNKNOWN_APPLIED`); a migration whose file
 * differs from what the tool recorded is refused (`CHECKSUM_MISMATCH`) unless `acceptChanged`.
 */
export function matchRecordedRuns(
  ledger: OtherLedger,
  migrations: readonly Migration[],
  acceptChanged: boolean,
): AdoptedMigrations {
  const adopted = new Set<number>();
  const changed = new Set<string>();
  const unknown: string[] = [];
  const keys = keysOf(migrations);
  for (const run of ledger.runs) {
    const found = migrationsOf(run.key, migrations, keys);
    if (found === null) {
      unknown.push(describeKey(run.key));
      continue;
    }
    for (const index of found.indexes) adopted.add(index);
    const migration = migrations[found.indexes[0] as number] as Migration;
    if (found.changed || (run.sameText !== undefined && !run.sameText(migration.sql))) {
      if (!acceptChanged)
        throw new MigrationError(
          'CHECKSUM_MISMATCH',
          `${migration.name}: ${ledger.from}'s ledger (${ledger.source}) recorded another text for it than the file has now, so it was edited after ${ledger.from} ran it; restore the text it ran, or accept the change with acceptChangedChecksums`,
          { migrationName: migration.name, tool: ledger.from },
        );
      changed.add(migration.name);
    }
  }
  if (unknown.length > 0)
    throw unknownApplied(
      unknown,
      `${ledger.from}'s ledger (${ledger.source}) records it as applied`,
      ledger.from,
    );
  const indexes = [...adopted].sort((a, b) => a - b);
  return { migrations: indexes.map((index) => migrations[index] as Migration), changed };
}

/**
 * What a run may be matched by, for each migration: worked out once, when a run first needs it,
 * not once per run (a drizzle ledger of hundreds of rows would hash every file for each row).
 */
interface MigrationKeys {
  hash(index: number): string;
  stems(index: number): Set<string>;
  version(index: number): bigint[] | null;
}

function keysOf(migrations: readonly Migration[]): MigrationKeys {
  const hashes = once(() => migrations.map((migration) => drizzleHash(migration.sql)));
  const stems = once(() => migrations.map(stemsOf));
  const versions = once(() => migrations.map((migration) => versionParts(versionOf(migration))));
  return {
    hash: (index) => hashes()[index] as string,
    stems: (index) => stems()[index] as Set<string>,
    version: (index) => versions()[index] ?? null,
  };
}

/** `compute`'s value, worked out on the first call. */
function once<T>(compute: () => T): () => T {
  let value: { of: T } | undefined;
  return () => {
    value ??= { of: compute() };
    return value.of;
  };
}

/** The migrations a run names; null when it names none of the app's. */
function migrationsOf(
  key: RecordedKey,
  migrations: readonly Migration[],
  keys: MigrationKeys,
): { indexes: number[]; changed: boolean } | null {
  const where = (test: (migration: Migration, index: number) => boolean) => {
    const index = migrations.findIndex(test);
    return index === -1 ? null : { indexes: [index], changed: false };
  };
  switch (key.by) {
    case 'name': {
      const recorded = stem(key.name);
      return where((_, index) => keys.stems(index).has(recorded));
    }
    case 'version': {
      const recorded = versionParts(key.version);
      if (recorded === null) return null;
      return where((_, index) => sameParts(keys.version(index), recorded));
    }
    case 'drizzle': {
      const byHash = where((_, index) => keys.hash(index) === key.hash);
      if (byHash !== null || key.createdAt === null) return byHash;
      // Its hash is of another text, but the journal time names it: the file changed since.
      const byTime = where((migration) => migration.origin?.createdAt === key.createdAt);
      return byTime === null ? null : { ...byTime, changed: true };
    }
    case 'up-to': {
      const last = versionParts(key.version);
      if (last === null) return null;
      const indexes = migrations.flatMap((_, index) => {
        const parts = keys.version(index);
        return parts !== null && compareVersionParts(parts, last) <= 0 ? [index] : [];
      });
      const reaches = migrations.some((_, index) => {
        const parts = keys.version(index);
        return parts !== null && compareVersionParts(parts, last) >= 0;
      });
      return reaches ? { indexes, changed: false } : null;
    }
  }
}

function sameParts(parts: bigint[] | null, recorded: bigint[]): boolean {
  return parts !== null && compareVersionParts(parts, recorded) === 0;
}

/** A migration's version: its origin's, else its name (whose number starts it). */
function versionOf(migration: Migration): string {
  return migration.origin?.version ?? migration.name;
}

/** The names a tool may have recorded a migration under: its name, without `.sql`, its tag or folder. */
function stemsOf(migration: Migration): Set<string> {
  const stems = new Set([migration.name, stem(migration.name)]);
  if (migration.origin !== undefined) stems.add(migration.origin.version);
  return stems;
}

/** A recorded name without the extension of the file it came from (`001_users.js` → `001_users`). */
function stem(name: string): string {
  return name.replace(/\/migration\.sql$|(\.up)?\.sql$|\.(js|cjs|mjs|ts|cts|mts|coffee)$/, '');
}

function describeKey(key: RecordedKey): string {
  switch (key.by) {
    case 'name':
      return key.name;
    case 'version':
    case 'up-to':
      return `version ${key.version}`;
    case 'drizzle':
      return `the migration of hash ${key.hash.slice(0, 12)}…${key.createdAt === null ? '' : ` (created_at ${key.createdAt})`}`;
  }
}

/**
 * Refuses (`LEDGER_DISAGREES`) a ledger the schema does not agree with: the database must have
 * the schema the adopted migrations build, run in order from an empty database. When the history
 * cannot run from empty (it starts from a base schema kept elsewhere), the migrations the ledger
 * says are pending must instead take the database's schema to `schema`. Returns the database's
 * fingerprint, which it read to compare.
 */
export function assertSchemaAgrees(
  db: SqlDatabase,
  ledger: OtherLedger,
  migrations: readonly Migration[],
  adopted: readonly Migration[],
  schema: string | undefined,
  create: DatabaseFactory,
  ignored: readonly string[],
): SchemaFingerprint {
  const actual = fingerprintSchema(db, ignored);
  const built = replayed(adopted, create);
  if (built !== null) {
    if (sameSchema(actual, built)) return actual;
    throw disagreement(ledger, migrations, adopted, actual, built, create);
  }
  if (schema !== undefined) {
    const target = fingerprintOfSchema(schema, create);
    const pending = migrations.filter((migration) => !adopted.includes(migration));
    if (replaysToTarget(db, pending, target, create, ignored)) return actual;
    throw disagreement(ledger, migrations, adopted, actual, target, create);
  }
  throw new MigrationError(
    'UNRECOGNIZED_SCHEMA',
    `${ledger.from}'s ledger (${ledger.source}) cannot be checked against the schema: the migrations do not run from an empty database, and there is no schema.sql to compare with; give the schema`,
    { tool: ledger.from },
  );
}

/** The schema these migrations build from an empty database; null when one fails there. */
function replayed(
  adopted: readonly Migration[],
  create: DatabaseFactory,
): SchemaFingerprint | null {
  const history = replayHistory(adopted, create);
  return history.failedAt === null ? (history.fingerprints[adopted.length] ?? null) : null;
}

/** The ledger's word and the schema's, side by side. */
function disagreement(
  ledger: OtherLedger,
  migrations: readonly Migration[],
  adopted: readonly Migration[],
  actual: SchemaFingerprint,
  expected: SchemaFingerprint,
  create: DatabaseFactory,
): MigrationError {
  const last = adopted[adopted.length - 1]?.name ?? null;
  const history = replayHistory(migrations, create);
  const step = history.fingerprints.findIndex((fingerprint) => sameSchema(actual, fingerprint));
  const schemaMatches = step < 1 ? null : (migrations[step - 1]?.name ?? null);
  const differences = diffSchemas(actual, expected);
  const ledgerSays =
    last === null
      ? 'no migration ran'
      : `${last} was the last to run (${adopted.length} migration${adopted.length === 1 ? '' : 's'})`;
  const schemaSays =
    step === 0
      ? 'is empty, as before any migration'
      : schemaMatches === null
        ? 'matches no version of the migrations'
        : `is the one after ${schemaMatches}`;
  return new MigrationError(
    'LEDGER_DISAGREES',
    `${ledger.from}'s ledger (${ledger.source}) says ${ledgerSays}, but the database's schema ${schemaSays}; it differs from what the ledger says in ${differences.length} way(s): ${differences
      .slice(0, 5)
      .map(describeDifference)
      .join(
        '; ',
      )}. Find out which is right: settle the ledger with ${ledger.from}, or bring the schema to what it says by hand`,
    { migrationName: last ?? undefined, tool: ledger.from, schemaMatches, differences },
  );
}
