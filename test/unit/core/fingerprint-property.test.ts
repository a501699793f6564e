import type { Database } from 'sql.js';
import { afterAll, describe, expect, test } from 'vitest';
import { normalizeSql, unwrapParentheses } from '../../../src/core/sql-text.ts';
import {
  diffSchemas,
  fingerprintSchema,
  type SchemaFingerprint,
  sameSchema,
} from '../../../src/index.ts';
import { randomSchema, seededRandom } from '../../helpers/random-schema.ts';
import { singleChanges } from '../../helpers/schema-changes.ts';
import { memoryDatabase, rows } from '../../helpers/sqljs.ts';
import { writeSchema } from '../../helpers/write-schema.ts';

/** `FINGERPRINT_SEED=…` reruns from another seed; a failure names the seed of its schema. */
const FIRST_SEED = Number(process.env.FINGERPRINT_SEED ?? 11);
const SCHEMAS = Number(process.env.FINGERPRINT_SCHEMAS ?? 40);
const RESPELLINGS = 3;

const seeds = Array.from({ length: SCHEMAS }, (_, i) => FIRST_SEED + i);
const counted = { respellings: 0, changes: 0, pragmaChecks: 0 };

function built(sql: string, what: string): Database {
  const db = memoryDatabase();
  try {
    // One transaction: SQLite then writes the schema once instead of once per statement.
    db.exec(`BEGIN;\n${sql}\nCOMMIT;`);
  } catch (error) {
    db.close();
    throw new Error(`${what} does not build: ${(error as Error).message}\n${sql}`);
  }
  return db;
}

function fingerprintOf(sql: string, what: string): SchemaFingerprint {
  const db = built(sql, what);
  try {
    return fingerprintSchema(db);
  } finally {
    db.close();
  }
}

describe('the fingerprint of random schemas', () => {
  afterAll(() => {
    console.log(
      `fingerprint property: ${SCHEMAS} schemas (seeds ${FIRST_SEED}–${FIRST_SEED + SCHEMAS - 1}), ${counted.respellings} respellings found equal, ${counted.changes} single changes found different, ${counted.pragmaChecks} facts checked against SQLite's pragmas`,
    );
  });

  test.each(seeds)(
    'seed %i: equal however it is spelled, different after any one change, and read as SQLite reads it',
    (seed) => {
      const random = seededRandom(seed);
      const schema = randomSchema(random);
      const plain = writeSchema(schema);
      const db = built(plain, `seed ${seed}`);
      const original = fingerprintSchema(db);
      const disagreements = disagreementsWithPragmas(db, original);
      db.close();
      expect(disagreements, `seed ${seed}:\n${plain}`).toEqual([]);

      for (let i = 0; i < RESPELLINGS; i++) {
        const respelled = writeSchema(schema, random);
        const differences = diffSchemas(
          fingerprintOf(respelled, `seed ${seed} respelled`),
          original,
        );
        expect(differences, `seed ${seed}, respelled:\n${respelled}\nplainly:\n${plain}`).toEqual(
          [],
        );
        counted.respellings++;
      }

      for (const { change, schema: changed } of singleChanges(schema)) {
        const sql = writeSchema(changed);
        const fingerprint = fingerprintOf(sql, `seed ${seed}, ${change}`);
        expect(
          {
            change,
            same: sameSchema(fingerprint, original),
            described: diffSchemas(fingerprint, original).length > 0,
          },
          `seed ${seed}, after ${change}:\n${sql}\nbefore:\n${plain}`,
        ).toEqual({ change, same: false, described: true });
        counted.changes++;
      }
    },
  );
});

/**
 * Where what the fingerprint read from the stored definitions differs from what SQLite's pragmas
 * say of the same tables and indexes: types, NOT NULL, defaults, key positions, generated columns,
 * foreign keys, the indexes behind UNIQUE constraints and the primary key (which tell collations
 * and whether the key is the rowid), WITHOUT ROWID and STRICT, and every index's columns.
 */
function disagreementsWithPragmas(db: Database, fingerprint: SchemaFingerprint): string[] {
  const found: string[] = [];
  const agree = (what: string, ours: unknown, sqlite: unknown) => {
    counted.pragmaChecks++;
    if (JSON.stringify(ours) !== JSON.stringify(sqlite))
      found.push(`${what}: read ${JSON.stringify(ours)}, SQLite says ${JSON.stringify(sqlite)}`);
  };
  const normal = (text: unknown) =>
    text === null ? null : unwrapParentheses(normalizeSql(String(text)));
  const actualName = new Map(
    rows(db, 'SELECT name FROM sqlite_schema').map((row) => [
      String(row.name).toLowerCase(),
      String(row.name),
    ]),
  );
  for (const [lowerName, shape] of Object.entries(fingerprint.tables)) {
    const table = actualName.get(lowerName) as string;
    for (const row of rows(db, `SELECT * FROM pragma_table_xinfo(${quoted(table)})`)) {
      const column = shape.columns[String(row.name).toLowerCase()];
      const where = `${table}.${String(row.name)}`;
      agree(`${where} type`, normalizeSql(column?.type ?? ''), normalizeSql(String(row.type)));
      agree(`${where} NOT NULL`, column?.notNull, row.notnull === 1);
      agree(`${where} default`, column?.default, normal(row.dflt_value));
      agree(`${where} key position`, column?.primaryKey, row.pk);
      agree(`${where} generated`, column?.hidden, row.hidden);
    }
    const keys = new Map<unknown, Record<string, unknown>[]>();
    for (const row of rows(
      db,
      `SELECT * FROM pragma_foreign_key_list(${quoted(table)}) ORDER BY id, seq`,
    ))
      keys.set(row.id, [...(keys.get(row.id) ?? []), row]);
    agree(
      `${table} foreign keys`,
      shape.foreignKeys.map((key) => key.replace(/ deferred$/, '')).sort(),
      [...keys.values()]
        .map((group) => {
          const first = group[0] as Record<string, unknown>;
          const from = group.map((row) => String(row.from).toLowerCase()).join(',');
          const to = group
            .map((row) => (row.to === null ? '' : String(row.to).toLowerCase()))
            .join(',');
          return `(${from})->${String(first.table).toLowerCase()}(${to}) on update ${String(first.on_update).toLowerCase()} on delete ${String(first.on_delete).toLowerCase()}`;
        })
        .sort(),
    );
    const indexes = rows(db, `SELECT * FROM pragma_index_list(${quoted(table)})`);
    agree(
      `${table} UNIQUE constraints`,
      shape.uniqueConstraints.map((unique) => unique.replace(/ on conflict \w+$/, '')).sort(),
      indexes
        .filter((index) => index.origin === 'u')
        .map((index) => keyColumns(db, String(index.name)).join(','))
        .sort(),
    );
    const [options] = rows(db, `SELECT wr, strict FROM pragma_table_list(${quoted(table)})`);
    agree(`${table} WITHOUT ROWID`, shape.withoutRowid, options?.wr === 1);
    agree(`${table} STRICT`, shape.strict, options?.strict === 1);
    const keyColumnNames = Object.entries(shape.columns).filter(
      ([, column]) => column.primaryKey > 0,
    );
    const onlyKey = keyColumnNames.length === 1 ? keyColumnNames[0]?.[1] : undefined;
    const rowidAlias =
      !shape.withoutRowid &&
      onlyKey?.type === 'INTEGER' &&
      !shape.primaryKey.some((part) => part.endsWith(' desc'));
    if (keyColumnNames.length > 0)
      agree(
        `${table} key is the rowid`,
        rowidAlias,
        !indexes.some((index) => index.origin === 'pk'),
      );
  }
  for (const [lowerName, shape] of Object.entries(fingerprint.indexes)) {
    const index = actualName.get(lowerName) as string;
    const sqliteColumns = keyColumns(db, index);
    agree(
      `index ${index} columns`,
      shape.columns.map((column) =>
        column.startsWith('expr:')
          ? column.replace(/^expr:.*?((?: collate \w+)?(?: desc)?)$/, 'expr$1')
          : column,
      ),
      sqliteColumns,
    );
  }
  return found;
}

/** An index's key columns as the fingerprint writes them, from `pragma_index_xinfo`. */
function keyColumns(db: Database, index: string): string[] {
  return rows(
    db,
    `SELECT * FROM pragma_index_xinfo(${quoted(index)}) WHERE key = 1 ORDER BY seqno`,
  ).map((row) => {
    const column = row.cid === -2 ? 'expr' : String(row.name).toLowerCase();
    const collation =
      String(row.coll).toUpperCase() === 'BINARY'
        ? ''
        : ` collate ${String(row.coll).toLowerCase()}`;
    return `${column}${collation}${row.desc === 1 ? ' desc' : ''}`;
  });
}

function quoted(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}
