import { listSchemaObjects, queryRows } from './inspect.ts';
import { memoize } from './memo.ts';
import { normalizeSql, unwrapParentheses } from './sql-text.ts';
import type { SqlDatabase, SqlValue } from './types.ts';

/**
 * A database's schema reduced to what matters for "is this the same schema?": column order,
 * quoting, case and whitespace are gone, so a table built by `ALTER TABLE ADD COLUMN` equals the
 * same table written out in full. Names are lower case; keys are sorted, so two fingerprints of
 * equal schemas serialise to equal JSON.
 */
export interface SchemaFingerprint {
  tables: Record<string, TableShape>;
  /** Virtual tables (FTS and the like) by their normalised definition. */
  virtualTables: Record<string, string>;
  indexes: Record<string, IndexShape>;
  triggers: Record<string, { table: string; sql: string }>;
  views: Record<string, string>;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  /** `(a,b)->parent(x,y) on update … on delete …`, sorted. */
  foreignKeys: string[];
  /** Column lists of UNIQUE constraints, sorted. */
  uniqueConstraints: string[];
  withoutRowid: boolean;
  strict: boolean;
}

export interface ColumnShape {
  type: string;
  notNull: boolean;
  default: string | null;
  /** Position in the primary key (1-based), 0 when not part of it. */
  primaryKey: number;
  /** 0 normal, 2/3 generated columns, as `PRAGMA table_xinfo` says. */
  hidden: number;
}

export interface IndexShape {
  table: string;
  /** Key columns in order; an expression column by its normalised definition. */
  columns: string[];
  unique: boolean;
  /** The normalised WHERE clause of a partial index. */
  where: string | null;
}

/** Reads the schema of a database into its fingerprint. */
export function fingerprintSchema(db: SqlDatabase): SchemaFingerprint {
  const fingerprint: SchemaFingerprint = {
    tables: emptyRecord(),
    virtualTables: emptyRecord(),
    indexes: emptyRecord(),
    triggers: emptyRecord(),
    views: emptyRecord(),
  };
  const objects = listSchemaObjects(db).sort((a, b) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1,
  );
  const tableSqlByName = new Map(
    objects.filter((o) => o.type === 'table').map((o) => [o.name.toLowerCase(), o.sql ?? '']),
  );
  for (const object of objects) {
    const name = object.name.toLowerCase();
    const sql = normalizedSql(object.sql ?? '');
    if (object.type === 'table' && object.virtual) fingerprint.virtualTables[name] = sql;
    else if (object.type === 'table')
      fingerprint.tables[name] = cachedShape(`table\0${object.sql}`, () =>
        tableShape(db, object.name),
      );
    else if (object.type === 'index' && object.sql !== null) {
      // An index inherits collations from its table, so the table's definition is part of its key.
      const tableSql = tableSqlByName.get(object.table.toLowerCase()) ?? '';
      fingerprint.indexes[name] = cachedShape(`index\0${object.sql}\0${tableSql}`, () =>
        indexShape(db, object.name, object.table, sql),
      );
    } else if (object.type === 'trigger')
      // SQLite has only row triggers, so `FOR EACH ROW` is a spelling, not a difference.
      fingerprint.triggers[name] = {
        table: object.table.toLowerCase(),
        sql: sql.replace(/ for each row\b/, ''),
      };
    else if (object.type === 'view') fingerprint.views[name] = sql;
  }
  return fingerprint;
}

/** True when two fingerprints describe the same schema. */
export function sameSchema(a: SchemaFingerprint, b: SchemaFingerprint): boolean {
  return serialized(a) === serialized(b);
}

/**
 * Table and index shapes depend only on their stored definitions, so they are read once per
 * distinct definition: replaying a long history re-reads only what each step changed.
 */
const shapeCache = new Map<string, unknown>();
const SHAPE_CACHE_LIMIT = 5000;

function cachedShape<T>(key: string, read: () => T): T {
  let shape = shapeCache.get(key) as T | undefined;
  if (shape === undefined) {
    shape = read();
    if (shapeCache.size >= SHAPE_CACHE_LIMIT) shapeCache.clear();
    shapeCache.set(key, shape);
  }
  return shape;
}

const normalizedSql = memoize(5000, normalizeSql);

/** Fingerprints are compared often (once per step of a history) and never change once made. */
const serializations = new WeakMap<SchemaFingerprint, string>();

function serialized(fingerprint: SchemaFingerprint): string {
  let text = serializations.get(fingerprint);
  if (text === undefined) {
    text = JSON.stringify(fingerprint);
    serializations.set(fingerprint, text);
  }
  return text;
}

function tableShape(db: SqlDatabase, table: string): TableShape {
  const columns: Record<string, ColumnShape> = emptyRecord();
  const columnRows = queryRows(db, 'SELECT * FROM pragma_table_xinfo(?)', [table]);
  for (const row of columnRows.sort(byText('name'))) {
    columns[String(row.name).toLowerCase()] = {
      type: String(row.type).toUpperCase().replace(/\s+/g, ' ').trim(),
      notNull: row.notnull === 1,
      default: row.dflt_value === null ? null : normalizeDefault(String(row.dflt_value)),
      primaryKey: Number(row.pk),
      hidden: Number(row.hidden),
    };
  }
  const options = queryRows(db, 'SELECT wr, strict FROM pragma_table_list WHERE name = ?', [
    table,
  ])[0];
  return {
    columns,
    foreignKeys: foreignKeys(db, table),
    uniqueConstraints: queryRows(db, "SELECT name FROM pragma_index_list(?) WHERE origin = 'u'", [
      table,
    ])
      .map((row) => indexColumns(db, String(row.name)).join(','))
      .sort(),
    withoutRowid: options?.wr === 1,
    strict: options?.strict === 1,
  };
}

function foreignKeys(db: SqlDatabase, table: string): string[] {
  const byId = new Map<SqlValue | undefined, Record<string, SqlValue>[]>();
  for (const row of queryRows(db, 'SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq', [
    table,
  ])) {
    const group = byId.get(row.id) ?? [];
    group.push(row);
    byId.set(row.id, group);
  }
  return [...byId.values()]
    .map((rows) => {
      const first = rows[0] as Record<string, SqlValue>;
      const from = rows.map((row) => String(row.from).toLowerCase()).join(',');
      const to = rows.map((row) => (row.to === null ? '' : String(row.to).toLowerCase())).join(',');
      return `(${from})->${String(first.table).toLowerCase()}(${to}) on update ${String(first.on_update).toLowerCase()} on delete ${String(first.on_delete).toLowerCase()}`;
    })
    .sort();
}

function indexShape(db: SqlDatabase, index: string, table: string, sql: string): IndexShape {
  const unique = /^create unique index/.test(sql);
  // Normalised SQL has no space around parentheses: `…(x)where(x is null)` or `…(x)where x>1`.
  const whereAt = sql.search(/\)where\b/);
  return {
    table: table.toLowerCase(),
    columns: indexColumns(db, index, sql),
    unique,
    where: whereAt === -1 ? null : unwrapParentheses(sql.slice(whereAt + ')where'.length).trim()),
  };
}

function indexColumns(db: SqlDatabase, index: string, normalizedSql?: string): string[] {
  const keys = queryRows(db, 'SELECT * FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno', [
    index,
  ]);
  return keys.map((row) => {
    // An expression has no column name; only the definition can tell two expressions apart.
    const column = row.cid === -2 ? `expr:${normalizedSql ?? ''}` : String(row.name).toLowerCase();
    const collation =
      String(row.coll).toUpperCase() === 'BINARY'
        ? ''
        : ` collate ${String(row.coll).toLowerCase()}`;
    return `${column}${collation}${row.desc === 1 ? ' desc' : ''}`;
  });
}

/** Defaults as SQLite reports them, minus spelling: `(0)`, `CURRENT_TIMESTAMP`, `'x'`. */
function normalizeDefault(value: string): string {
  return unwrapParentheses(normalizedSql(value));
}

function byText(key: string) {
  return (a: Record<string, SqlValue>, b: Record<string, SqlValue>) =>
    String(a[key]).toLowerCase() < String(b[key]).toLowerCase() ? -1 : 1;
}

/** A record without a prototype, so a table named `constructor` or `__proto__` is just a key. */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
