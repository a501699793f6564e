import type { Database } from 'sql.js';
import { afterAll, describe, expect, test } from 'vitest';
import {
  fingerprintSchema,
  generateMigration,
  isMigrationError,
  runMigrations,
  sameSchema,
} from '../../../../src/index.ts';
import {
  type Column,
  randomSchema,
  type Schema,
  seededRandom,
  type Table,
} from '../../../helpers/random-schema.ts';
import {
  applyRename,
  losesData,
  randomEdits,
  tableLosesData,
} from '../../../helpers/schema-edits.ts';
import { fillRows, rowsOf } from '../../../helpers/schema-rows.ts';
import { databaseFrom, memoryDatabase } from '../../../helpers/sqljs.ts';
import { writeSchema } from '../../../helpers/write-schema.ts';

/** `DIFF_SEED=…` reruns from another seed; a failure names the seed of its schema. */
const FIRST_SEED = Number(process.env.DIFF_SEED ?? 1);
const SCHEMAS = Number(process.env.DIFF_SCHEMAS ?? 60);
const seeds = Array.from({ length: SCHEMAS }, (_, i) => FIRST_SEED + i);

/** The kinds of change the writer must produce, by what its SQL holds. */
const KINDS: Record<string, RegExp> = {
  'CREATE TABLE': /^CREATE TABLE (?!"new_)/m,
  'DROP TABLE (data loss)': /^-- Tables that go/m,
  'CREATE INDEX': /^CREATE (UNIQUE )?INDEX/m,
  'DROP INDEX': /^DROP INDEX/m,
  'CREATE VIEW': /^CREATE VIEW/m,
  'DROP VIEW': /^DROP VIEW/m,
  'CREATE TRIGGER': /^CREATE TRIGGER/m,
  'DROP TRIGGER': /^DROP TRIGGER/m,
  'ADD COLUMN': /^ALTER TABLE \S+ ADD COLUMN/m,
  'RENAME TO (asked for)': /^-- Renames[^\n]*\nALTER TABLE \S+ RENAME TO/m,
  'RENAME COLUMN (asked for)': /RENAME COLUMN/,
  rebuild: /^-- Rebuild /m,
  'rebuild without its rows (data loss)': /^-- 2\. No row is copied/m,
  'CREATE VIRTUAL TABLE': /^CREATE VIRTUAL TABLE/m,
};
const seen = new Map<string, number>(Object.keys(KINDS).map((kind) => [kind, 0]));
const counted = { refusals: 0, uncheckable: 0, rowsCompared: 0, warnedFailures: 0 };

describe('migrations written between random schemas', () => {
  afterAll(() => {
    console.log(
      `migration writer property: ${SCHEMAS} schemas (seeds ${FIRST_SEED}–${FIRST_SEED + SCHEMAS - 1}), ${counted.refusals} data losses refused, ${counted.uncheckable} schemas with a foreign key SQLite cannot check refused, ${counted.rowsCompared} tables' rows compared, ${counted.warnedFailures} runs stopped on a warned constraint; ${[...seen].map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
    );
    // Every kind of change was written at least once: the seeds cover what the writer does.
    expect([...seen].filter(([, n]) => n === 0).map(([kind]) => kind)).toEqual([]);
  });

  test.each(seeds)(
    'seed %i: the migration brings a database with rows to the new schema, keeping them',
    (seed) => {
      const random = seededRandom(seed);
      const before = randomSchema(random);
      const { schema: after, changes, renames } = randomEdits(before, random);
      const from = writeSchema(before);
      // The new schema respelled: quoting, case, order and the like must not count as changes.
      const to = writeSchema(after, random);
      const where = `seed ${seed}, ${changes.join(' then ')} (renames: ${renames.join(' ') || 'none'})\nfrom:\n${from}\nto:\n${to}`;
      const options = { createDatabase: memoryDatabase, renames, name: '002_next.sql' };

      const refusal = refusedCode(() => generateMigration(from, to, options));
      // A foreign key whose parent key is no key of the parent (a key collation changed, say)
      // fails every check SQLite makes, so no migration can end there.
      if (uncheckableForeignKeys(from) || uncheckableForeignKeys(to)) {
        expect(refusal, where).toBe('CANNOT_GENERATE');
        counted.uncheckable++;
        return;
      }
      expect(refusal, where).toBe(losesData(before, after, renames) ? 'DATA_LOSS' : null);
      if (refusal) counted.refusals++;

      const migration = generateMigration(from, to, { ...options, allowDataLoss: true });
      for (const [kind, pattern] of Object.entries(KINDS))
        if (pattern.test(migration.sql)) seen.set(kind, (seen.get(kind) ?? 0) + 1);

      // Applied by the runner itself to a database with rows of the test's own.
      const db = databaseFrom(from);
      const counts = fillRows(db, before);
      const kept = keptRows(db, before, after, renames);
      try {
        runMigrations(
          db,
          [
            { name: '001_from.sql', sql: from },
            { name: '002_next.sql', sql: migration.sql },
          ],
          { createDatabase: memoryDatabase },
        );
      } catch (error) {
        // Rows the new definition refuses stop the run only where the writer said they could.
        if (!isMigrationError(error)) throw error;
        const table = failedTable(error.message);
        expect(
          migration.warnings.some((warning) => table !== null && mentions(warning, table)),
          `${error.message}\nwarnings: ${migration.warnings.join('\n')}\n${migration.sql}\n${where}`,
        ).toBe(true);
        counted.warnedFailures++;
        return;
      }
      expect(
        sameSchema(fingerprintSchema(db), fingerprintSchema(databaseFrom(to))),
        `${migration.sql}\n${where}`,
      ).toBe(true);
      for (const { table, columns, rows } of kept) {
        if ((counts.get(table.before) ?? 0) === 0) continue;
        expect(
          rowsOf(db, table.after, columns),
          `${table.after}\n${migration.sql}\n${where}`,
        ).toEqual(rows);
        counted.rowsCompared++;
      }
      db.close();
    },
  );
});

/**
 * The table a run stopped on: the rebuilt one a copy failed on (`new_<table>`), the one a
 * constraint failed on, or the one left breaking a foreign key.
 */
function failedTable(message: string): string | null {
  const name = /column new_([^.]+)\.|failed: (?:new_)?([^.]+)\.|\(in ([^,]+),/.exec(message);
  return name === null ? null : (name[1] ?? name[2] ?? name[3] ?? '').toLowerCase();
}

/** True when a warning names the table as a word of its own. */
function mentions(warning: string, table: string): boolean {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s(])${escaped}([\\s.,:)]|$)`).test(warning.toLowerCase());
}

function uncheckableForeignKeys(sql: string): boolean {
  const db = databaseFrom(sql);
  try {
    db.exec('PRAGMA foreign_key_check');
    return false;
  } catch (error) {
    if (/foreign key mismatch/.test((error as Error).message)) return true;
    throw error;
  } finally {
    db.close();
  }
}

function refusedCode(write: () => unknown): string | null {
  try {
    write();
    return null;
  } catch (error) {
    if (isMigrationError(error)) return error.code;
    throw error;
  }
}

/**
 * The rows each table must still hold after the migration, read before it: the columns it keeps
 * with their type (a value converted into another type may change), for every table that keeps
 * its rows (not dropped, no new NOT NULL column without a default).
 */
function keptRows(db: Database, before: Schema, after: Schema, renames: string[]) {
  const renamed = renames.reduce(applyRename, before);
  return before.tables.flatMap((table, t) => {
    const current = renamed.tables[t] as Table;
    const next = after.tables.find((other) => other.name === current.name);
    if (!next || tableLosesData(current, next)) return [];
    const columns = table.columns.flatMap((column, c) => {
      const name = (current.columns[c] as Column).name;
      const kept = next.columns.find((other) => other.name === name);
      const same = kept?.generated === null && column.generated === null;
      return same && kept.typeName === column.typeName
        ? [{ before: column.name, after: name }]
        : [];
    });
    return [
      {
        table: { before: table.name, after: next.name },
        columns: columns.map((column) => column.after),
        rows: rowsOf(
          db,
          table.name,
          columns.map((column) => column.before),
        ),
      },
    ];
  });
}
