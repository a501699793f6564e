import { rowidAliasOf } from '../fingerprint.ts';
import type { SchemaObject } from '../inspect.ts';
import { queryRows } from '../inspect.ts';
import { quoteIdentifier, tokenize } from '../sql-text.ts';
import {
  type ColumnDefinition,
  readTableDefinition,
  type TableDefinition,
} from '../stored-definition.ts';
import type { SqlDatabase, SqlValue } from '../types.ts';
import type { CopiedColumn } from './rebuild.ts';
import type { SchemaModel } from './schema-model.ts';

/** Rows each table gets: enough for a copy to be seen copying, and for UNIQUE keys to matter. */
const SEED_ROWS = 3;

/** Value choices tried for a row before it is given up (see `seedValue`). */
const ATTEMPTS = 4;

/**
 * Where a table's rows must be found after the migration: the table of the new schema, and the
 * columns copied into it (null: every column and the rowid, as for a virtual table kept as it is).
 */
export interface RowDestination {
  table: string;
  copied: CopiedColumn[] | null;
}

/** A row as written: its rowid (null without one) and its values by lower-case column name. */
interface SeededRow {
  rowid: SqlValue;
  values: Map<string, SqlValue>;
}

/** Columns of a table that hold a foreign key, and the parent row columns that fill them. */
interface Reference {
  columns: string[];
  /** The parent in the old schema (lower case); null for a parent that is new, with no rows. */
  parent: string | null;
  parentColumns: string[];
}

/**
 * Writes `SEED_ROWS` rows into every table of `start` (built from `before`, tables and indexes
 * only, so no trigger fires), each a row the new definition takes too: every row whose table has
 * a destination is also written, as the migration would copy it, into `target` (the new schema's
 * tables and indexes). A row one of them refuses (a CHECK, a UNIQUE key, a STRICT type, NOT NULL)
 * is tried with other values, then given up. Foreign key columns take a parent row's key, under
 * the old schema's keys and the new one's, or NULL where the parent has no rows. Returns how many
 * rows each table (by lower-case name) got.
 */
export function seedRows(
  start: SqlDatabase,
  target: SqlDatabase,
  before: SchemaModel,
  after: SchemaModel,
  destinations: Map<string, RowDestination>,
): Map<string, number> {
  const seeded = new Map<string, SeededRow[]>();
  const references = new Map<string, Reference[]>();
  for (const [name, table] of before.tables)
    references.set(
      name,
      table.virtual ? [] : referencesOf(name, table.sql as string, before, after, destinations),
    );
  // All rows in one transaction, each in a savepoint of its own, where no constraint can roll
  // the whole transaction back (ON CONFLICT ROLLBACK); else each row commits on its own.
  const together = ![...before.tables.values(), ...after.tables.values()].some((table) =>
    rollsBackOnConflict(table.sql as string),
  );
  for (const db of together ? [start, target] : []) db.run('SAVEPOINT seed_all');
  for (const name of parentsFirst(references)) {
    const table = before.tables.get(name);
    if (!table) continue;
    const destination = destinations.get(name) ?? null;
    const rows = table.virtual
      ? seedVirtualTable(start, target, table.name, destination)
      : seedTable(start, target, table, destination, {
          references: references.get(name) ?? [],
          seeded,
        });
    seeded.set(name, rows);
  }
  for (const db of together ? [start, target] : []) db.run('RELEASE seed_all');
  return new Map([...seeded].map(([name, rows]) => [name, rows.length]));
}

/** True when a definition holds `ON CONFLICT ROLLBACK`, which ends the whole transaction. */
function rollsBackOnConflict(sql: string): boolean {
  const words = tokenize(sql).map((token) =>
    token.kind === 'word' ? token.value.toUpperCase() : '',
  );
  return words.some(
    (word, i) => word === 'ON' && words[i + 1] === 'CONFLICT' && words[i + 2] === 'ROLLBACK',
  );
}

function seedTable(
  start: SqlDatabase,
  target: SqlDatabase,
  table: SchemaObject,
  destination: RowDestination | null,
  keys: { references: Reference[]; seeded: Map<string, SeededRow[]> },
): SeededRow[] {
  const definition = readTableDefinition(table.sql as string);
  const self = table.name.toLowerCase();
  const alias = rowidAliasOf(definition);
  const columns = definition.columns.filter((column) => column.generated === null);
  const rows: SeededRow[] = [];
  for (let row = 0; row < SEED_ROWS; row++) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const values = new Map<string, SqlValue | undefined>();
      for (const [index, column] of columns.entries()) {
        const serial = 1000 * (row + 1) + index;
        const own = column.name.toLowerCase();
        values.set(own, seedValue(column, definition, alias === own, attempt, serial));
      }
      for (const reference of keys.references) {
        // A table that refers to itself refers to its rows so far.
        const parentRows =
          reference.parent === self ? rows : (keys.seeded.get(reference.parent ?? '') ?? []);
        const parent = parentRows[(row + attempt) % Math.max(parentRows.length, 1)];
        reference.columns.forEach((column, i) => {
          const key = reference.parentColumns[i] as string;
          values.set(
            column,
            parent ? ((key === 'rowid' ? parent.rowid : parent.values.get(key)) ?? null) : null,
          );
        });
      }
      const written = writeRow(start, target, table.name, definition, values, destination);
      if (written) {
        rows.push(written);
        break;
      }
    }
  }
  return rows;
}

/**
 * Writes one row into both databases, or into neither: `start` hands back the row as it stored
 * it (its types as its columns made them), and that is what `target` is given.
 */
function writeRow(
  start: SqlDatabase,
  target: SqlDatabase,
  table: string,
  definition: TableDefinition,
  values: Map<string, SqlValue | undefined>,
  destination: RowDestination | null,
): SeededRow | null {
  const given = [...values].filter((entry): entry is [string, SqlValue] => entry[1] !== undefined);
  const returning = definition.withoutRowid ? '*' : 'rowid AS "seed rowid", *';
  start.run('SAVEPOINT seed');
  target.run('SAVEPOINT seed');
  try {
    const [result] = start.exec(
      given.length === 0
        ? `INSERT INTO ${quoteIdentifier(table)} DEFAULT VALUES RETURNING ${returning}`
        : `INSERT INTO ${quoteIdentifier(table)} (${given.map(([name]) => quoteIdentifier(name)).join(', ')}) VALUES (${given.map(() => '?').join(', ')}) RETURNING ${returning}`,
      given.map(([, value]) => value),
    );
    const stored = result?.values[0];
    // An ON CONFLICT IGNORE constraint skips the row without a word: nothing comes back.
    if (stored === undefined) throw new Error('the row was not written');
    const row: SeededRow = { rowid: null, values: new Map() };
    result?.columns.forEach((column, i) => {
      if (column === 'seed rowid' && !definition.withoutRowid) row.rowid = stored[i] ?? null;
      else row.values.set(column.toLowerCase(), stored[i] ?? null);
    });
    if (destination?.copied) {
      const copied = destination.copied;
      const names = copied.map((c) => (c.to === null ? 'rowid' : quoteIdentifier(c.to)));
      target.run(
        `INSERT INTO ${quoteIdentifier(destination.table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        copied.map((c) =>
          c.from === null ? row.rowid : (row.values.get(c.from.toLowerCase()) ?? null),
        ),
      );
    }
    start.run('RELEASE seed');
    target.run('RELEASE seed');
    return row;
  } catch {
    for (const db of [start, target]) {
      try {
        db.exec('ROLLBACK TO seed; RELEASE seed');
      } catch {
        // An ON CONFLICT ROLLBACK constraint rolled the row's transaction back already.
      }
    }
    return null;
  }
}

/** Rows of text for a virtual table (an FTS table takes any), written alike into both. */
function seedVirtualTable(
  start: SqlDatabase,
  target: SqlDatabase,
  table: string,
  destination: RowDestination | null,
): SeededRow[] {
  const columns = queryRows(start, 'SELECT name FROM pragma_table_info(?)', [table]).map((row) =>
    String(row.name),
  );
  const rows: SeededRow[] = [];
  for (let row = 0; row < SEED_ROWS; row++) {
    const values: SqlValue[] = [row + 1, ...columns.map((_, i) => `seed ${row} ${i}`)];
    const insert = (db: SqlDatabase, name: string) =>
      db.run(
        `INSERT INTO ${quoteIdentifier(name)} (rowid, ${columns.map(quoteIdentifier).join(', ')}) VALUES (${values.map(() => '?').join(', ')})`,
        values,
      );
    try {
      insert(start, table);
      if (destination) insert(target, destination.table);
      rows.push({ rowid: row + 1, values: new Map() });
    } catch {
      // A module that takes no such row (an R-Tree wants numbers) simply gets fewer rows.
    }
  }
  return rows;
}

/**
 * A value for a column, by attempt: a number, then text, then its default (or a number), then its
 * default (or NULL); undefined leaves the column out, so it takes its default. A STRICT column
 * always gets its own type, and the rowid's alias an integer. Serials differ per row and column,
 * so UNIQUE keys hold.
 */
function seedValue(
  column: ColumnDefinition,
  table: TableDefinition,
  isAlias: boolean,
  attempt: number,
  serial: number,
): SqlValue | undefined {
  if (isAlias) return serial;
  const hasDefault = column.default !== null && !/^null$/i.test(column.default);
  if (attempt >= 2 && hasDefault) return undefined;
  if (attempt === 3) return null;
  const type = table.strict ? column.type : 'ANY';
  if (type === 'INT' || type === 'INTEGER') return serial;
  if (type === 'REAL') return serial + 0.5;
  // Digits: text that a column changed to a number type converts without loss.
  if (type === 'TEXT') return String(serial);
  if (type === 'BLOB') return new Uint8Array([serial % 256, Math.floor(serial / 256) % 256]);
  return attempt === 1 ? `s${serial}` : serial;
}

/**
 * The foreign keys a table's rows must satisfy: its own in the old schema, and those its
 * destination has in the new one, told in the old schema's names. A parent's key columns, when
 * the key names none, are its primary key (or its rowid).
 */
function referencesOf(
  name: string,
  sql: string,
  before: SchemaModel,
  after: SchemaModel,
  destinations: Map<string, RowDestination>,
): Reference[] {
  const references: Reference[] = [];
  for (const key of readTableDefinition(sql).foreignKeys) {
    const parent = key.parent.toLowerCase();
    references.push({
      columns: key.columns.map((column) => column.toLowerCase()),
      parent: before.tables.has(parent) ? parent : null,
      parentColumns: keyColumns(key.parentColumns, before.tables.get(parent)?.sql),
    });
  }
  const destination = destinations.get(name);
  const newTable = destination && after.tables.get(destination.table.toLowerCase());
  if (!destination?.copied || !newTable) return references;
  const oldColumn = columnsBackwards(destination.copied);
  for (const key of readTableDefinition(newTable.sql as string).foreignKeys) {
    const columns = key.columns.map((column) => oldColumn.get(column.toLowerCase()));
    if (columns.some((column) => column === undefined)) continue;
    const parent = [...destinations].find(
      ([, d]) => d.table.toLowerCase() === key.parent.toLowerCase(),
    );
    const parentColumns = parent?.[1].copied
      ? keyColumns(key.parentColumns, after.tables.get(key.parent.toLowerCase())?.sql).map(
          (column) => columnsBackwards(parent[1].copied as CopiedColumn[]).get(column),
        )
      : [];
    const mapped = parent && parentColumns.every((column) => column !== undefined);
    references.push({
      columns: columns as string[],
      parent: mapped ? parent[0] : null,
      parentColumns: mapped ? (parentColumns as string[]) : [],
    });
  }
  return references;
}

/** A key's parent columns, lower case: as named, or else the parent's primary key, or its rowid. */
function keyColumns(named: string[], parentSql: string | null | undefined): string[] {
  if (named.length > 0) return named.map((column) => column.toLowerCase());
  const key = parentSql ? readTableDefinition(parentSql).primaryKey : null;
  return key ? key.columns.map((column) => column.name.toLowerCase()) : ['rowid'];
}

/** New column → the old column it is copied from, lower case (`rowid` for the rowid). */
function columnsBackwards(copied: CopiedColumn[]): Map<string, string> {
  return new Map(
    copied.map((column) => [
      column.to?.toLowerCase() ?? 'rowid',
      column.from?.toLowerCase() ?? 'rowid',
    ]),
  );
}

/** Tables in an order where each comes after the parents its keys name (cycles broken anywhere). */
function parentsFirst(references: Map<string, Reference[]>): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const reference of references.get(name) ?? [])
      if (reference.parent !== null && reference.parent !== name) visit(reference.parent);
    ordered.push(name);
  };
  for (const name of references.keys()) visit(name);
  return ordered;
}
