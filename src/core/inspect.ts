import type { SqlDatabase, SqlValue } from './types.ts';

/** The ledger's table name, as StarPunk's databases have it. */
export const LEDGER_TABLE = 'schema_migrations';

/** Rows of a query as objects keyed by column name. */
export function queryRows(
  db: SqlDatabase,
  sql: string,
  params: SqlValue[] = [],
): Record<string, SqlValue>[] {
  const statement = db.prepare(sql, params);
  try {
    const rows: Record<string, SqlValue>[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
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

/** The app's schema objects, tables first so they can be recreated in this order. */
export function listSchemaObjects(db: SqlDatabase): SchemaObject[] {
  const tableKinds = new Map<string, string>();
  for (const row of queryRows(db, "SELECT name, type FROM pragma_table_list WHERE schema = 'main'"))
    tableKinds.set(String(row.name).toLowerCase(), String(row.type));
  const order: Record<string, number> = { table: 0, index: 1, view: 2, trigger: 3 };
  return queryRows(
    db,
    `SELECT type, name, tbl_name, sql FROM sqlite_schema
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? COLLATE NOCASE
       AND tbl_name <> ? COLLATE NOCASE`,
    [LEDGER_TABLE, LEDGER_TABLE],
  )
    .map((row) => ({
      type: row.type as SchemaObject['type'],
      name: String(row.name),
      table: String(row.tbl_name),
      sql: row.sql === null ? null : String(row.sql),
      virtual: tableKinds.get(String(row.name).toLowerCase()) === 'virtual',
    }))
    .filter((object) => tableKinds.get(object.name.toLowerCase()) !== 'shadow')
    .sort((a, b) => (order[a.type] ?? 9) - (order[b.type] ?? 9));
}

/** True when the database holds no schema object of the app's (a ledger alone does not count). */
export function isEmptySchema(db: SqlDatabase): boolean {
  return listSchemaObjects(db).length === 0;
}

/**
 * The app's schema as its stored definitions, in one string. Two databases built by the same
 * statements have equal signatures; a signature is far cheaper than a fingerprint, so detection
 * tries it first and fingerprints only when it finds no equal.
 */
export function schemaSignature(db: SqlDatabase): string {
  const row = queryRows(
    db,
    `SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) AS signature
     FROM (SELECT type, name, sql FROM sqlite_schema
           WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name <> ? COLLATE NOCASE
           ORDER BY type, name)`,
    [LEDGER_TABLE],
  )[0];
  return String(row?.signature ?? '');
}
