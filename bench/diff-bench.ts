// Writing the next migration, in Node (`BENCH_ONLY=diff`, or on its own:
// `npx tsx bench/diff-bench.ts`). Pure core work on sql.js, so no browser is needed. See
// bench/README.md.
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import { generateMigration } from '../src/index.ts';
import { median, round2 } from './stats.ts';

/** Measured samples (after one warm-up); the median is reported. */
const RUNS = Number(process.env.BENCH_DIFF_RUNS ?? 7);

const TABLES = 300;
const VIEWS = 50;
const TRIGGERS = 100;
/** Tables that differ: a third gain a column ADD COLUMN can add, the rest need a rebuild or are new. */
const ADDED_COLUMNS = 10;
const REBUILT = 15;
const CREATED = 5;

/**
 * `diffMs300`: `generateMigration` between two schemas of 300 tables, 50 views and 100 triggers
 * that differ in 30 tables (10 gain a column, 15 are rebuilt, 5 are new), from the call to its
 * return: both schemas read, the migration planned and written, and proven on a copy with rows
 * in every table. Every sample names its objects afresh, so no cache of the core's has seen them.
 */
export async function measureDiff(runs = RUNS): Promise<Record<string, number>> {
  const sql = await initSqlJs();
  const createDatabase = () => new sql.Database();
  const samples: number[] = [];
  let statements = 0;
  let rows = 0;
  for (let sample = 0; sample <= runs; sample++) {
    const prefix = `s${sample}_`;
    const from = wideSchema(prefix, false);
    const to = wideSchema(prefix, true);
    const startedAt = performance.now();
    const migration = generateMigration(from, to, { createDatabase });
    const ms = performance.now() - startedAt;
    if (sample === 0) continue;
    samples.push(ms);
    statements = migration.sql.split(';\n').length - 1;
    rows = migration.proof?.rows ?? 0;
  }
  return {
    diffMs300: round2(median(samples)),
    diffStatements300: statements,
    diffProofRows300: rows,
  };
}

/**
 * 300 tables, each with a foreign key to the one before, a UNIQUE column, a CHECK, defaults and
 * a partial index; 50 views over two tables each; 100 triggers, each on one table writing to the
 * next. `changed` gives the second schema: the first tables gain a column, the next are rebuilt
 * (a new CHECK), and new tables come at the end.
 */
function wideSchema(prefix: string, changed: boolean): string {
  const statements: string[] = [];
  for (let i = 0; i < TABLES; i++) {
    const parent = i === 0 ? '' : ` REFERENCES ${prefix}t${i - 1}(id) ON DELETE CASCADE`;
    const added = changed && i < ADDED_COLUMNS ? ', note TEXT' : '';
    const rebuilt =
      changed && i >= ADDED_COLUMNS && i < ADDED_COLUMNS + REBUILT
        ? ', CHECK (length(name) < 200)'
        : '';
    statements.push(
      `CREATE TABLE ${prefix}t${i} (id INTEGER PRIMARY KEY, parent_id INTEGER${parent}, name TEXT NOT NULL COLLATE NOCASE UNIQUE, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')), created_at TEXT NOT NULL DEFAULT (datetime('now'))${added}${rebuilt});`,
      `CREATE INDEX ${prefix}t${i}_parent ON ${prefix}t${i}(parent_id) WHERE parent_id IS NOT NULL;`,
    );
  }
  if (changed)
    for (let i = 0; i < CREATED; i++)
      statements.push(
        `CREATE TABLE ${prefix}new${i} (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES ${prefix}t${i}(id), body TEXT);`,
      );
  // Views and triggers spread over the tables, so the rebuilt ones have some of each.
  for (let i = 0; i < VIEWS; i++) {
    const at = (i * 6) % (TABLES - 1);
    statements.push(
      `CREATE VIEW ${prefix}v${i} AS SELECT a.id, a.name AS label, b.name AS child FROM ${prefix}t${at} AS a JOIN ${prefix}t${at + 1} AS b ON b.parent_id = a.id;`,
    );
  }
  for (let i = 0; i < TRIGGERS; i++) {
    const at = (i * 3) % (TABLES - 1);
    statements.push(
      `CREATE TRIGGER ${prefix}touch_${i} AFTER UPDATE OF status ON ${prefix}t${at} BEGIN UPDATE ${prefix}t${at + 1} SET status = new.status WHERE parent_id = new.id; END;`,
    );
  }
  return statements.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(JSON.stringify(await measureDiff(), null, 2));
