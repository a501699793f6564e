import { tokenize } from './sql-text.ts';
import type { SqlDatabase, SqlValue } from './types.ts';

/** The ledger's table name, as StarPunk's databases have it. */
export const LEDGER_TABLE = 'schema_migrations';

/**
 * Where this runner keeps its ledger when `schema_migrations` is another tool's (golang-migrate's,
 * dbmate's, Rails'): that table is never given this runner's columns.
 */
export const SECOND_LEDGER_TABLE = 'sqljs_migrate_ledger';

/**
 * Tables in which other migration tools keep their bookkeeping. They are never part of the app's
 * schema: detection, drift and the fingerprint leave them out, as they leave out the ledger. Every
 * ledger the runner adopts names its tables from this list, so none is missed here.
 */
export const OTHER_TOOL_TABLES = [
  '__drizzle_migrations',
  '_prisma_migrations',
  '_sqlx_migrations',
  '__diesel_schema_migrations',
  'flyway_schema_history',
  'kysely_migration',
  'kysely_migration_lock',
  'knex_migrations',
  'knex_migrations_lock',
  'SequelizeMeta',
  'ar_internal_metadata',
] as const;

/** A table in which another migration tool keeps its bookkeeping. */
export type OtherToolTable = (typeof OTHER_TOOL_TABLES)[number];

/** Bookkeeping tables, lower case: the ledgers of this runner and of other tools, and `also`. */
function bookkeepingTables(also: readonly string[]): string[] {
  return [LEDGER_TABLE, SECOND_LEDGER_TABLE, ...OTHER_TOOL_TABLES, ...also].map((table) =>
    table.toLowerCase(),
  );
}

/** `?, ?, …` for a list of parameters. */
function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * Rows of one query as objects keyed by column name. Read through `exec`, which hands the rows
 * over as arrays with the column names once, where a statement's `getAsObject` asks the engine for
 * every name again on every row: for the few hundred rows of a schema that is most of the time.
 */
export function queryRows(
  db: SqlDatabase,
  sql: string,
  params: SqlValue[] = [],
): Record<string, SqlValue>[] {
  const [result] = db.exec(sql, params);
  if (!result) return [];
  return result.values.map((values) => {
    const row: Record<string, SqlValue> = {};
    for (const [i, column] of result.columns.entries()) row[column] = values[i] as SqlValue;
    return row;
  });
}

/** True when a table (or virtual table) of that name exists; names compare case-insensitively. */
export function tableExists(db: SqlDatabase, table: string): boolean {
  return (
    queryRows(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE", [
      table,
    ]).length > 0
  );
}

/** True when the table exists and has that column. */
export function columnExists(db: SqlDatabase, table: string, column: string): boolean {
  return (
    queryRows(db, 'SELECT 1 FROM pragma_table_xinfo(?) WHERE name = ? COLLATE NOCASE', [
      table,
      column,
    ]).length > 0
  );
}

/** True when an index of that name exists. */
export function indexExists(db: SqlDatabase, index: string): boolean {
  return (
    queryRows(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ? COLLATE NOCASE", [
      index,
    ]).length > 0
  );
}

/** A schema object the app owns: not SQLite's internals, not the ledger, not FTS shadow tables. */
export interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  table: string;
  sql: string | null;
  virtual: boolean;
}

/**
 * The app's schema objects, tables first so they can be recreated in this order. `ignored` names
 * more tables that are bookkeeping, not the app's (an app's own ledger).
 */
export function listSchemaObjects(
  db: SqlDatabase,
  ignored: readonly string[] = [],
): SchemaObject[] {
  const order: Record<string, number> = { table: 0, index: 1, view: 2, trigger: 3 };
  const bookkeeping = bookkeepingTables(ignored);
  const objects = queryRows(
    db,
    `SELECT type, name, tbl_name, sql, rootpage FROM sqlite_schema
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND lower(name) NOT IN (${placeholders(bookkeeping)})
       AND lower(tbl_name) NOT IN (${placeholders(bookkeeping)})`,
    [...bookkeeping, ...bookkeeping],
  ).map((row) => ({
    type: row.type as SchemaObject['type'],
    name: String(row.name),
    table: String(row.tbl_name),
    sql: row.sql === null ? null : String(row.sql),
    // Only a virtual table is a table with no b-tree of its own.
    virtual: row.type === 'table' && row.rootpage === 0,
  }));
  const shadows = shadowTableNames(objects);
  return objects
    .filter((object) => !shadows.has(object.name.toLowerCase()))
    .sort((a, b) => (order[a.type] ?? 9) - (order[b.type] ?? 9));
}

/**
 * The shadow tables SQLite's own virtual table modules keep, by the suffix each module's
 * `xShadowName` accepts after `<virtual table>_`. Read from the names rather than from
 * `pragma_table_list`, which works out the columns of every view on each call and so compiles
 * again, every time, each view SQLite cannot compile alone (one calling a function the app
 * registers later).
 */
const SHADOW_SUFFIXES: Record<string, readonly string[]> = {
  fts3: ['content', 'docsize', 'segdir', 'segments', 'stat'],
  fts4: ['content', 'docsize', 'segdir', 'segments', 'stat'],
  fts5: ['config', 'content', 'data', 'docsize', 'idx'],
  rtree: ['node', 'parent', 'rowid'],
  rtree_i32: ['node', 'parent', 'rowid'],
  geopoly: ['node', 'parent', 'rowid'],
};

/** Lower-case names of the shadow tables among `objects`: `<virtual table>_<suffix>`, as SQLite decides. */
function shadowTableNames(objects: readonly SchemaObject[]): Set<string> {
  const moduleOf = new Map<string, string>();
  for (const object of objects)
    if (object.virtual) moduleOf.set(object.name.toLowerCase(), virtualTableModule(object.sql));
  const shadows = new Set<string>();
  if (moduleOf.size === 0) return shadows;
  for (const object of objects) {
    if (object.type !== 'table' || object.virtual) continue;
    const name = object.name.toLowerCase();
    const cut = name.lastIndexOf('_');
    const module = moduleOf.get(name.slice(0, cut));
    if (cut > 0 && module && SHADOW_SUFFIXES[module]?.includes(name.slice(cut + 1)))
      shadows.add(name);
  }
  return shadows;
}

/** The module a `CREATE VIRTUAL TABLE … USING module(…)` names, in lower case. */
function virtualTableModule(sql: string | null): string {
  const tokens = tokenize(sql ?? '');
  const using = tokens.findIndex(
    (token) => token.kind === 'word' && token.value.toUpperCase() === 'USING',
  );
  return (tokens[using + 1]?.value ?? '').toLowerCase();
}

/** True when the database holds no schema object of the app's (a ledger alone does not count). */
export function isEmptySchema(db: SqlDatabase, ignored: readonly string[] = []): boolean {
  return listSchemaObjects(db, ignored).length === 0;
}

/**
 * The app's schema as its stored definitions, in one string. Two databases built by the same
 * statements have equal signatures; a signature is far cheaper than a fingerprint, so detection
 * tries it first and fingerprints only when it finds no equal.
 */
export function schemaSignature(db: SqlDatabase, ignored: readonly string[] = []): string {
  const bookkeeping = bookkeepingTables(ignored);
  const row = queryRows(
    db,
    `SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) AS signature
     FROM (SELECT type, name, sql FROM sqlite_schema
           WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             AND lower(tbl_name) NOT IN (${placeholders(bookkeeping)})
           ORDER BY type, name)`,
    bookkeeping,
  )[0];
  return String(row?.signature ?? '');
}
