import { checksumOf } from './checksum.ts';
import { isMigrationError, type MigrationError } from './errors.ts';
import { executeScript } from './execute.ts';
import { fingerprintSchema, type SchemaFingerprint } from './fingerprint.ts';
import { schemaSignature } from './inspect.ts';
import { type DatabaseFactory, withScratch } from './scratch.ts';
import type { Migration } from './types.ts';

/**
 * The schema after each step of the migration history, replayed on an empty scratch database:
 * entry k describes the schema after the first k migrations (entry 0 is empty). Signatures are
 * always there; fingerprints only when asked for, since they cost far more. When a migration
 * cannot run on what the ones before it built (a history that starts from a base schema kept
 * elsewhere), the replay stops there and says why.
 */
export interface History {
  signatures: string[];
  /** Empty unless the replay was asked for fingerprints. */
  fingerprints: SchemaFingerprint[];
  /** Index of the first migration that failed on the replay, or null when all ran. */
  failedAt: number | null;
  failure: MigrationError | null;
}

/** What a replay records at each step. */
export type ReplayDetail = 'signatures' | 'fingerprints';

/** Replays are cached by the migrations' checksums: one app start replays at most once. */
const historyCache = new Map<string, History>();
const schemaCache = new Map<string, SchemaFingerprint>();
const CACHE_LIMIT = 16;

/** Replays the history (cached). */
export function replayHistory(
  migrations: readonly Migration[],
  create: DatabaseFactory,
  detail: ReplayDetail,
): History {
  const key = `${detail}|${migrations.map((m) => `${m.name}:${checksumOf(m.sql)}`).join('|')}`;
  const cached = historyCache.get(key);
  if (cached) return cached;
  const history = withScratch(create, (scratch) => {
    // One transaction around the whole replay: SQLite then keeps the schema it is changing in
    // memory instead of committing and re-reading it after every statement.
    scratch.run('BEGIN');
    const record: History = { signatures: [], fingerprints: [], failedAt: null, failure: null };
    const snapshot = () => {
      record.signatures.push(schemaSignature(scratch));
      if (detail === 'fingerprints') record.fingerprints.push(fingerprintSchema(scratch));
    };
    snapshot();
    for (const [index, migration] of migrations.entries()) {
      try {
        executeScript(scratch, migration.sql, migration.name);
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        return { ...record, failedAt: index, failure: error };
      }
      snapshot();
    }
    return record;
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
