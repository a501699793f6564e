// The big-migration bench (`BENCH_ONLY=big-migration`): runs a seed-data migration of 5,000
// and of 50,000 INSERT statements through `runMigrations` in Node, on sql.js, and reports how
// the time grows with the file. Linear execution takes ten times as long for ten times the
// statements; the target leaves a little room for the larger file's memory traffic.
import initSqlJs from 'sql.js';
import { type Migration, runMigrations } from '../src/index.ts';
import { median, round2, round3 } from './stats.ts';

const SMALL = 5_000;
const LARGE = 50_000;
/** Runs measured per size (after one warm-up); the larger file is slow enough to need fewer. */
const SMALL_RUNS = 5;
const LARGE_RUNS = 3;

const CREATE_ITEMS: Migration = {
  name: '001_create_items.sql',
  sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);\n',
};

/** A seed-data file of `count` INSERTs, about 100 bytes each, as a backfill or fixture ships. */
export function seedMigration(count: number): Migration {
  const lines: string[] = [];
  for (let i = 1; i <= count; i++)
    lines.push(
      `INSERT INTO items (id, name, note) VALUES (${i}, 'item ${i}', 'seeded row ${i} of the big migration');`,
    );
  return { name: '002_seed_items.sql', sql: `${lines.join('\n')}\n` };
}

export async function measureBigMigration(): Promise<Record<string, number>> {
  const SQL = await initSqlJs();
  const timeRun = (migration: Migration, count: number): number => {
    const db = new SQL.Database();
    try {
      const startedAt = performance.now();
      runMigrations(db, [CREATE_ITEMS, migration]);
      const ms = performance.now() - startedAt;
      const rows = db.exec('SELECT count(*) FROM items')[0]?.values[0]?.[0];
      if (rows !== count) throw new Error(`the big migration inserted ${rows} of ${count} rows`);
      return ms;
    } finally {
      db.close();
    }
  };
  const small = seedMigration(SMALL);
  const large = seedMigration(LARGE);
  timeRun(small, SMALL);
  const smallMs = median(Array.from({ length: SMALL_RUNS }, () => timeRun(small, SMALL)));
  const largeMs = median(Array.from({ length: LARGE_RUNS }, () => timeRun(large, LARGE)));
  return {
    bigMigrationMs5k: round2(smallMs),
    bigMigrationMs50k: round2(largeMs),
    bigMigrationMsPer10k: round2(largeMs / (LARGE / 10_000)),
    bigMigration50kVs5kRatio: round3(largeMs / smallMs),
  };
}
