import { checksumOf } from './checksum.ts';
import { isMigrationError, type MigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { fingerprintSchema, type SchemaFingerprint } from './fingerprint.ts';
import { schemaSignature } from './inspect.ts';
import { type DatabaseFactory, withScratch } from './scratch.ts';
import type { Migration, SqlDatabase } from './types.ts';

/**
 * The schema after each step of the migration history, replayed on an empty scratch database:
 * `fingerprints[k]` is the schema after the first k migrations (`[0]` is empty). When a migration
 * cannot run on what the ones before it built (a history that starts from a base schema kept
 * elsewhere), the replay stops there and says why.
 */
export interface History {
  fingerprints: SchemaFingerprint[];
  /** Index of the first migration that failed on the replay, or null when all ran. */
  failedAt: number | null;
  failure: MigrationError | null;
}

/** Replays are cached by the migrations' checksums: one app start replays at most once. */
const historyCache = new Map<string, History>();
const schemaCache = new Map<string, SchemaFingerprint>();
const CACHE_LIMIT = 16;

/** Replays the whole history, fingerprinting every step (cached). */
export function replayHistory(migrations: readonly Migration[], create: DatabaseFactory): History {
  const key = migrations.map((m) => `${m.name}:${checksumOf(m.sql)}`).join('|');
  const cached = historyCache.get(key);
  if (cached) return cached;
  const history = withScratch(create, (scratch) => {
    beginReplay(scratch);
    const fingerprints = [fingerprintSchema(scratch)];
    for (const [index, migration] of migrations.entries()) {
      try {
        executeScript(scratch, migration.sql, migration.name);
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        return { fingerprints, failedAt: index, failure: error };
      }
      fingerprints.push(fingerprintSchema(scratch));
    }
    return { fingerprints, failedAt: null, failure: null };
  });
  remember(historyCache, key, history);
  return history;
}

/**
 * The first step k ≥ 1 of the history whose stored definitions equal `signature`, replaying
 * only as far as that step: a database built by these very migrations is found at the cost of
 * running the migrations it already has, and one signature query per step. Null when no step
 * matches (or the replay cannot go on).
 */
export function firstStepWithSignature(
  migrations: readonly Migration[],
  create: DatabaseFactory,
  signature: string,
): number | null {
  return withScratch(create, (scratch) => {
    beginReplay(scratch);
    for (const [index, migration] of migrations.entries()) {
      try {
        executeScript(scratch, migration.sql, migration.name);
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        return null;
      }
      if (schemaSignature(scratch) === signature) return index + 1;
    }
    return null;
  });
}

/**
 * One transaction around a whole replay: SQLite then keeps the schema it is changing in memory
 * instead of committing and re-reading it after every statement. The scratch is thrown away.
 */
function beginReplay(scratch: SqlDatabase): void {
  scratch.run('BEGIN');
}

/** The fingerprint of a schema file run on an empty database (cached). */
export function fingerprintOfSchema(schema: string, create: DatabaseFactory): SchemaFingerprint {
  const key = checksumOf(schema);
  const cached = schemaCache.get(key);
  if (cached) return cached;
  const fingerprint = withScratch(create, (scratch) => {
    executeScript(scratch, schema, 'schema.sql');
    return fingerprintSchema(scratch);
  });
  remember(schemaCache, key, fingerprint);
  return fingerprint;
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}
