// The fingerprint and a run's bookkeeping, in Node (`BENCH_ONLY=fingerprint`, or on its own:
// `npx tsx bench/fingerprint-bench.ts`). Both are pure core work on sql.js, so no browser is
// needed. See bench/README.md.
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import { fingerprintSchema, type Migration, runMigrations } from '../src/index.ts';
import { median, round2, round3 } from './stats.ts';

/** Measured samples of each figure (after one warm-up); medians are reported. */
const RUNS = Number(process.env.BENCH_FINGERPRINT_RUNS ?? 9);

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

/**
 * `fingerprintMs300`: one fingerprint of a 300-table schema with 50 views, ten of which call a
 * function the app registers later (so SQLite cannot compile them alone); and, for a generated
 * 200-file history run on an empty database, the run's own time against the migrations' SQL run
 * bare. Every sample names its objects afresh, so no cache of the core's has seen them.
 */
export async function measureFingerprint(runs = RUNS): Promise<Record<string, number>> {
  const sql = await initSqlJs();
  const fingerprint: number[] = [];
  const fingerprintAgain: number[] = [];
  const bare: number[] = [];
  const run: number[] = [];
  for (let sample = 0; sample <= runs; sample++) {
    const prefix = `s${sample}_`;
    const db = new sql.Database();
    db.exec(wideSchema(prefix));
    let startedAt = performance.now();
    fingerprintSchema(db);
    const first = performance.now() - startedAt;
    startedAt = performance.now();
    fingerprintSchema(db);
    const again = performance.now() - startedAt;
    db.close();

    const history = generatedHistory(prefix, 200);
    // Alternating which goes first spreads the machine's drift over both alike.
    const bareFirst = sample % 2 === 0;
    const bareBefore = bareFirst ? bareRun(sql, history) : 0;
    const runMs = libraryRun(sql, history);
    const bareMs = bareFirst ? bareBefore : bareRun(sql, history);
    if (sample === 0) continue;
    fingerprint.push(first);
    fingerprintAgain.push(again);
    bare.push(bareMs);
    run.push(runMs);
  }
  const bookkeeping = run.map((ms, i) => ms - (bare[i] as number));
  return {
    fingerprintMs300: round2(median(fingerprint)),
    fingerprintAgainMs300: round2(median(fingerprintAgain)),
    migrationsMs200: round2(median(bare)),
    runMs200: round2(median(run)),
    bookkeepingMs200: round2(median(bookkeeping)),
    bookkeepingVsMigrationsRatio200: round3(
      median(bookkeeping.map((ms, i) => ms / (bare[i] as number))),
    ),
  };
}

/** The whole run on an empty database, as the library's caller sees it. */
function libraryRun(sql: SqlJs, history: Migration[]): number {
  const db = new sql.Database();
  const startedAt = performance.now();
  const report = runMigrations(db, history);
  const ms = performance.now() - startedAt;
  db.close();
  if (report.executed.length !== history.length) throw new Error('the history did not all run');
  return ms;
}

/** The migrations' own time: each file in a transaction of its own, foreign keys off, as a run has it. */
function bareRun(sql: SqlJs, history: Migration[]): number {
  const db = new sql.Database();
  const startedAt = performance.now();
  for (const migration of history) {
    db.run('PRAGMA foreign_keys = OFF');
    db.run('BEGIN IMMEDIATE');
    db.exec(migration.sql);
    db.run('COMMIT');
  }
  const ms = performance.now() - startedAt;
  db.close();
  return ms;
}

/** 300 tables, each with a foreign key to the one before, a UNIQUE column and an index; 50 views. */
function wideSchema(prefix: string): string {
  const statements: string[] = [];
  for (let i = 0; i < 300; i++) {
    const parent = i === 0 ? '' : ` REFERENCES ${prefix}t${i - 1}(id) ON DELETE CASCADE`;
    statements.push(
      `CREATE TABLE ${prefix}t${i} (id INTEGER PRIMARY KEY, parent_id INTEGER${parent}, name TEXT NOT NULL COLLATE NOCASE UNIQUE, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')), created_at TEXT NOT NULL DEFAULT (datetime('now')));`,
      `CREATE INDEX ${prefix}t${i}_parent ON ${prefix}t${i}(parent_id) WHERE parent_id IS NOT NULL;`,
    );
  }
  for (let i = 0; i < 50; i++) statements.push(view(prefix, `v${i}`, i, i % 5 === 0));
  return statements.join('\n');
}

/** A view over two tables; `opaque` ones call `app_slug`, which only the app registers. */
function view(prefix: string, name: string, at: number, opaque: boolean): string {
  const column = opaque ? 'app_slug(a.name)' : 'a.name';
  return `CREATE VIEW ${prefix}${name} AS SELECT a.id, ${column} AS label, b.name AS child FROM ${prefix}t${at} AS a JOIN ${prefix}t${at + 1} AS b ON b.parent_id = a.id;`;
}

/**
 * A history of `length` files shaped like a long-lived app's: tables with foreign keys and
 * indexes, columns added, views (a fifth of them opaque, as above), triggers, and every 25th file
 * a 12-step rebuild of an earlier table.
 */
function generatedHistory(prefix: string, length: number): Migration[] {
  const migrations: Migration[] = [];
  const tables: string[] = [];
  // A rebuild drops its table, and a rename then fails on any view or trigger still reading it.
  const read = new Set<string>();
  const add = (description: string, statements: string[]) =>
    migrations.push({
      name: `${String(migrations.length + 1).padStart(3, '0')}_${description}.sql`,
      sql: `${statements.join('\n')}\n`,
    });
  for (let step = 1; migrations.length < length; step++) {
    const table = `${prefix}t${tables.length}`;
    const rebuilt = tables.find((name, i) => i >= step % 10 && !read.has(name));
    if (step % 25 === 0 && rebuilt !== undefined) {
      add(`rebuild_${rebuilt}`, [
        `CREATE TABLE new_${rebuilt} (id INTEGER PRIMARY KEY, parent_id INTEGER, name TEXT NOT NULL, note TEXT, UNIQUE (parent_id, name));`,
        `INSERT INTO new_${rebuilt} (id, parent_id, name) SELECT id, parent_id, name FROM ${rebuilt};`,
        `DROP TABLE ${rebuilt};`,
        `ALTER TABLE new_${rebuilt} RENAME TO ${rebuilt};`,
        `CREATE INDEX ${rebuilt}_parent ON ${rebuilt}(parent_id);`,
      ]);
    } else if (step % 7 === 0 && tables.length > 2) {
      const at = tables.length - 2;
      read.add(tables[at] as string).add(tables[at + 1] as string);
      add(`view_${step}`, [view(prefix, `v${step}`, at, step % 2 === 0)]);
    } else if (step % 11 === 0 && tables.length > 1) {
      const watched = tables.at(-1) as string;
      read.add(watched);
      add(`trigger_${step}`, [
        `CREATE TRIGGER ${prefix}touch_${step} AFTER UPDATE ON ${watched} BEGIN UPDATE ${watched} SET name = name WHERE id = old.parent_id; END;`,
      ]);
    } else if (step % 3 === 0 && tables.length > 0) {
      const widened = tables[step % tables.length] as string;
      add(`add_c${step}_to_${widened}`, [
        `ALTER TABLE ${widened} ADD COLUMN c${step} TEXT NOT NULL DEFAULT '';`,
        `UPDATE ${widened} SET c${step} = name;`,
      ]);
    } else {
      const parent = tables.at(-1);
      const reference = parent ? ` REFERENCES ${parent}(id) ON DELETE CASCADE` : '';
      add(`create_${table}`, [
        `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, parent_id INTEGER${reference}, name TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (datetime('now')));`,
        `CREATE INDEX ${table}_parent ON ${table}(parent_id);`,
        `INSERT INTO ${table} (name) VALUES ('first'), ('second');`,
      ]);
      tables.push(table);
    }
  }
  return migrations;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(JSON.stringify(await measureFingerprint(), null, 2));
