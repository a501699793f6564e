import { MigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { fingerprintSchema, type SchemaFingerprint, sameSchema } from './fingerprint.ts';
import { fingerprintOfSchema, firstStepWithSignature, replayHistory } from './history.ts';
import { schemaSignature } from './inspect.ts';
import { describeDifference, diffSchemas } from './schema-diff.ts';
import { copySchema, type DatabaseFactory, withScratch } from './scratch.ts';
import type { Migration, SchemaDifference, SqlDatabase } from './types.ts';

/**
 * How many migrations an untracked database already reflects, read from its schema alone.
 *
 * The database's stored definitions are compared with those after each step of the history
 * (replayed on a scratch database); failing an exact match, its fingerprint is compared with each
 * step's and with the full schema's. The earliest match wins, so a step
 * that changes no schema (a pure data fix) is run again rather than skipped — which is why such
 * steps must be safe to repeat. When the history cannot be replayed from empty (it starts from a
 * base schema kept elsewhere), each candidate k is tried the other way round: the database's
 * schema is copied to a scratch database, migrations k+1..n run there, and the result must equal
 * the full schema. No match: `UNRECOGNIZED_SCHEMA` with the nearest version's differences.
 */
export function detectLegacyVersion(
  db: SqlDatabase,
  migrations: readonly Migration[],
  schema: string | undefined,
  create: DatabaseFactory,
  ignored: readonly string[] = [],
): number {
  // Fast path: a database built by these very migrations has the same stored definitions as
  // some step of the replay.
  const exact = firstStepWithSignature(migrations, create, schemaSignature(db, ignored));
  if (exact !== null) return exact;

  const actual = fingerprintSchema(db, ignored);
  const history = replayHistory(migrations, create);
  const target = schema === undefined ? undefined : fingerprintOfSchema(schema, create);

  for (let k = 1; k < history.fingerprints.length; k++)
    if (sameSchema(actual, history.fingerprints[k] as SchemaFingerprint)) return k;
  if (target && sameSchema(actual, target)) return migrations.length;

  if (history.failedAt !== null && target) {
    for (let k = 0; k < migrations.length; k++)
      if (replaysToTarget(db, migrations.slice(k), target, create, ignored)) return k;
  }
  throw unrecognized(actual, migrations, history.fingerprints, target);
}

/**
 * Whether running `rest` on a copy of the database's schema (not its rows, not its ledgers)
 * gives `target`: the test of a history that cannot be replayed from an empty database.
 */
export function replaysToTarget(
  db: SqlDatabase,
  rest: readonly Migration[],
  target: SchemaFingerprint,
  create: DatabaseFactory,
  ignored: readonly string[],
): boolean {
  return withScratch(create, (scratch) => {
    copySchema(db, scratch, ignored);
    try {
      for (const migration of rest) executeScript(scratch, migration.sql, migration.name);
    } catch {
      return false;
    }
    return sameSchema(fingerprintSchema(scratch), target);
  });
}

function unrecognized(
  actual: SchemaFingerprint,
  migrations: readonly Migration[],
  fingerprints: SchemaFingerprint[],
  target: SchemaFingerprint | undefined,
): MigrationError {
  const candidates: { label: string; differences: SchemaDifference[] }[] = fingerprints
    .slice(1)
    .map((fingerprint, index) => ({
      label: `after ${migrations[index]?.name}`,
      differences: diffSchemas(actual, fingerprint),
    }));
  if (target)
    candidates.push({ label: 'the current schema', differences: diffSchemas(actual, target) });
  const nearest = candidates.sort((a, b) => a.differences.length - b.differences.length)[0];
  const summary = nearest
    ? `; nearest is ${nearest.label}, which differs in ${nearest.differences.length} way(s): ${nearest.differences
        .slice(0, 5)
        .map(describeDifference)
        .join('; ')}`
    : '';
  return new MigrationError(
    'UNRECOGNIZED_SCHEMA',
    `The database has tables but no migration ledger, and its schema matches no version of the migration history${summary}. Migrate it by hand to a known version, or check it is this app's database`,
    { differences: nearest?.differences ?? [] },
  );
}

/**
 * Whether the schema already reflects every migration up to and including `lastApplied`, so a
 * pending migration that sorts before it (a seed-format ledger that starts at `001_…` while this
 * history starts with a base migration) can be baselined. A step that changes no schema cannot be
 * told applied from not, so it never counts as reflected.
 */
export function reflectsOutOfOrder(
  db: SqlDatabase,
  migrations: readonly Migration[],
  outOfOrderIndex: number,
  lastAppliedIndex: number,
  create: DatabaseFactory,
  ignored: readonly string[] = [],
): boolean {
  const { fingerprints } = replayHistory(migrations, create);
  const before = fingerprints[outOfOrderIndex];
  const after = fingerprints[outOfOrderIndex + 1];
  const expected = fingerprints[lastAppliedIndex + 1];
  if (!before || !after || !expected) return false;
  if (sameSchema(before, after)) return false;
  return sameSchema(fingerprintSchema(db, ignored), expected);
}
