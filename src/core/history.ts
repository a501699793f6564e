import { checksumOf } from './checksum.ts';
import { isMigrationError, type MigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { fingerprintSchema, type SchemaFingerprint } from './fingerprint.ts';
import { type DatabaseFactory, withScratch } from './scratch.ts';
import type { Migration } from './types.ts';

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

/** Replays the history (cached). */
export function replayHistory(migrations: readonly Migration[], create: DatabaseFactory): History {
  const key = migrations.map((m) => `${m.name}:${checksumOf(m.sql)}`).join('|');
  const cached = historyCache.get(key);
  if (cached) return cached;
  const history = withScratch(create, (scratch) => {
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
