import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { SQLITE3 } from '../test/helpers/native-sqlite.ts';

/** The bench's own migrations: a base table, then add a column, backfill it, index it. */
export const BENCH_MIGRATIONS_DIR = path.resolve(import.meta.dirname, 'migrations');

/** Rows in the legacy file; with the rows below that makes a file of about 50 MB. */
export const LEGACY_ROWS = 500_000;

/**
 * Writes the bench's legacy file: the base migration (`000_…`) and `rows` events (500k: about
 * 50 MB), no ledger, so the upload finds it untracked at the base version. Made by the native
 * shell (a second or two per 50 MB); every row is computed from its number, so the file is the
 * same on every run.
 */
export function buildLegacyFile(file: string, rows = LEGACY_ROWS): number {
  rmSync(file, { force: true });
  const [base] = migrationFiles();
  sqlite3(file, [
    readFileSync(base as string, 'utf8'),
    'PRAGMA journal_mode = OFF;',
    'PRAGMA synchronous = OFF;',
    'BEGIN;',
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
INSERT INTO events (id, kind, actor, payload, created_at)
SELECT i,
       CASE i % 5 WHEN 0 THEN 'note.created' WHEN 1 THEN 'note.updated' WHEN 2 THEN 'login'
                  WHEN 3 THEN 'tag.added' ELSE 'note.deleted' END,
       'user' || (i % 977),
       '{"note":' || (i * 7919 % 100003) || ',"v":' || (i % 13) || '}',
       strftime('%Y-%m-%d %H:%M:%S', 1577836800 + i * 97, 'unixepoch')
FROM n;`,
    'COMMIT;',
  ]);
  return statSync(file).size;
}

/** The SQL the upgrade runs: every migration after the base one, the files as they are. */
export function upgradeSql(): string {
  return migrationFiles()
    .slice(1)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/**
 * `sqlite3 copy.db < upgrade.sql` on a fresh copy of the legacy file, timed by the wall clock
 * from the shell's start to its exit (so its own start-up counts, as the page's worker start
 * does). The copy is made before the clock starts; the shell runs with its defaults (a rollback
 * journal, synchronous FULL), as it would for anyone. Checks afterwards that every row has its day.
 */
export function timeNativeUpgrade(legacyFile: string, copy: string, sql: string): number {
  copyFileSync(legacyFile, copy);
  const startedAt = performance.now();
  const result = spawnSync(SQLITE3, ['-bail', copy], { input: sql, encoding: 'utf8' });
  const elapsed = performance.now() - startedAt;
  if (result.error || result.status !== 0)
    throw new Error(`sqlite3 upgrade failed: ${result.error?.message ?? result.stderr}`);
  const missing = sqlite3(copy, ['SELECT count(*) FROM events WHERE day IS NULL;']).trim();
  if (missing !== '0') throw new Error(`the native upgrade left ${missing} events without a day`);
  rmSync(copy, { force: true });
  return elapsed;
}

function migrationFiles(): string[] {
  return readdirSync(BENCH_MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => path.join(BENCH_MIGRATIONS_DIR, name));
}

function sqlite3(file: string, statements: string[]): string {
  const result = spawnSync(SQLITE3, ['-bail', file], {
    input: statements.join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.error)
    throw new Error(
      `could not run ${SQLITE3} (${result.error.message}): run scripts/ensure-tools.sh`,
    );
  if (result.status !== 0) throw new Error(`sqlite3 ${file}: ${result.stderr.trim()}`);
  return result.stdout;
}
