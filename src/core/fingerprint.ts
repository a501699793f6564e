import { listSchemaObjects } from './inspect.ts';
import { memoize } from './memo.ts';
import { normalizedSql } from './sql-text.ts';
import {
  type ForeignKeyDefinition,
  type IndexDefinition,
  type KeyDefinition,
  readIndexDefinition,
  readTableDefinition,
  type TableDefinition,
} from './stored-definition.ts';
import type { SqlDatabase } from './types.ts';

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
  /** `(a,b)->parent(x,y) on update … on delete …`, then ` deferred` for a deferred key; sorted. */
  foreignKeys: string[];
  /**
   * UNIQUE constraints: their columns with any collation and direction, then the `ON CONFLICT`
   * action when it is not the default; sorted. One that repeats the primary key or another
   * UNIQUE constraint is left out, as SQLite leaves it out.
   */
  uniqueConstraints: string[];
  /** CHECK constraints, a column's and the table's alike: `(expression)`, or `name (expression)`; sorted. */
  checks: string[];
  /**
   * How the primary key behaves beyond which columns it has (their `primaryKey` positions):
   * `autoincrement`, `on conflict …`, and its columns' directions and collations where they are
   * not the column's own; empty for none or a plain key. Whether it is the rowid's alias follows
   * from the rest: its one column's type, WITHOUT ROWID, and `desc`, which an alias never has.
   */
  primaryKey: string[];
  withoutRowid: boolean;
  strict: boolean;
  /** Parts of the definition the reader did not expect, in normal form (normally absent). */
  unread?: string[];
}

export interface ColumnShape {
  type: string;
  notNull: boolean;
  /** The NOT NULL constraint's `ON CONFLICT` action (`replace`, `ignore`, …); null for ABORT. */
  notNullOnConflict: string | null;
  default: string | null;
  /** Position in the primary key (1-based), 0 when not part of it. */
  primaryKey: number;
  /** 0 normal, 2/3 generated columns, as `PRAGMA table_xinfo` says. */
  hidden: number;
  /** The column's collation in lower case; null for SQLite's default, BINARY. */
  collation: string | null;
  /** A generated column's expression in normal form; null for a column that stores what it is given. */
  generated: string | null;
}

export interface IndexShape {
  table: string;
  /** Key columns in order; an expression as `expr:` and its normal form. */
  columns: string[];
  unique: boolean;
  /** The normalised WHERE clause of a partial index. */
  where: string | null;
  /** Parts of the definition the reader did not expect, in normal form (normally absent). */
  unread?: string[];
}

/**
 * Reads the schema of a database into its fingerprint: the app's tables, not the ledgers of this
 * runner or of other tools, nor the tables named in `ignored` (an app's own ledger).
 */
export function fingerprintSchema(
  db: SqlDatabase,
  ignored: readonly string[] = [],
): SchemaFingerprint {
  const fingerprint: SchemaFingerprint = {
    tables: emptyRecord(),
    virtualTables: emptyRecord(),
    indexes: emptyRecord(),
    triggers: emptyRecord(),
    views: emptyRecord(),
  };
  const objects = listSchemaObjects(db, ignored).sort((a, b) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1,
  );
  const tableSqlByName = new Map(
    objects.filter((o) => o.type === 'table').map((o) => [o.name.toLowerCase(), o.sql ?? '']),
  );
  for (const object of objects) {
    const name = object.name.toLowerCase();
    const sql = object.sql ?? '';
    if (object.type === 'table' && object.virtual)
      fingerprint.virtualTables[name] = normalizedSql(sql);
    else if (object.type === 'table') fingerprint.tables[name] = fingerprintTable(sql);
    else if (object.type === 'index' && object.sql !== null)
      // An index inherits collations from its table, so the table's definition is part of its key.
      // Stored SQL never holds a NUL (SQLite keeps it as a C string), so NUL joins the two.
      fingerprint.indexes[name] = indexShapeOf(
        `${sql}\0${tableSqlByName.get(object.table.toLowerCase()) ?? ''}`,
      );
    else if (object.type === 'trigger')
      // SQLite has only row triggers, so `FOR EACH ROW` is a spelling, not a difference.
      fingerprint.triggers[name] = {
        table: object.table.toLowerCase(),
        sql: normalizedSql(sql).replace(/ for each row\b/, ''),
      };
    else if (object.type === 'view') fingerprint.views[name] = normalizedSql(sql);
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
const tableDefinitionOf = memoize(5000, readTableDefinition);
/** The shape `fingerprintSchema` gives a table whose stored definition is `sql`. */
export const fingerprintTable: (sql: string) => TableShape = memoize(5000, (sql) =>
  tableShape(tableDefinitionOf(sql)),
);
const indexShapeOf = memoize(5000, (indexAndTableSql) => {
  const [indexSql = '', tableSql = ''] = indexAndTableSql.split('\0');
  return indexShape(readIndexDefinition(indexSql), tableDefinitionOf(tableSql));
});

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

/**
 * A table's shape from its stored definition alone: SQLite keeps every column constraint, CHECK,
 * collation and generated expression only there (no pragma reports them), and reading the text
 * asks SQLite nothing, so a schema of hundreds of tables is fingerprinted without a query per
 * table. What SQLite infers from a definition is inferred here the same way; the property test
 * holds the two to agreeing with SQLite's pragmas.
 */
function tableShape(table: TableDefinition): TableShape {
  const key = table.primaryKey;
  const keyColumns = (key?.columns ?? []).map((column) => column.name.toLowerCase());
  const alias = rowidAliasOf(table);
  const columns: Record<string, ColumnShape> = emptyRecord();
  const ownCollation = new Map<string, string | null>();
  for (const column of [...table.columns].sort(byName)) {
    const name = column.name.toLowerCase();
    const position = keyColumns.indexOf(name) + 1;
    ownCollation.set(name, collationName(column.collation));
    columns[name] = {
      type: column.type,
      // Key columns of a WITHOUT ROWID or STRICT table are NOT NULL whether or not they say so,
      // but for a STRICT table's rowid alias, which takes a new rowid for a NULL.
      notNull:
        column.notNull ||
        (position > 0 && (table.withoutRowid || (table.strict && alias !== name))),
      notNullOnConflict: column.notNull ? conflictAction(column.notNullOnConflict) : null,
      default: column.default,
      primaryKey: position,
      hidden: column.generated === null ? 0 : column.generated.stored ? 3 : 2,
      collation: collationName(column.collation),
      generated: column.generated?.expression ?? null,
    };
  }
  const keyed = (columnsOf: KeyDefinition['columns'], withDirection: boolean) =>
    columnsOf
      .map((column) => {
        const name = column.name.toLowerCase();
        const collation = effectiveCollation(column.collation, ownCollation.get(name) ?? null);
        const direction = withDirection && column.descending ? ' desc' : '';
        return `${name}${collation === null ? '' : ` collate ${collation}`}${direction}`;
      })
      .join(',');
  const shape: TableShape = {
    columns,
    foreignKeys: table.foreignKeys.map(describeForeignKey).sort(),
    uniqueConstraints: uniqueConstraints(table, alias === null, keyed),
    checks: table.checks
      .map(
        (check) =>
          `${check.name === null ? '' : `${check.name.toLowerCase()} `}(${check.expression})`,
      )
      .sort(),
    primaryKey: primaryKeyBehaviour(table, alias, ownCollation),
    withoutRowid: table.withoutRowid,
    strict: table.strict,
  };
  if (table.unread.length > 0) shape.unread = [...table.unread].sort();
  return shape;
}

/**
 * The column a rowid table's INTEGER PRIMARY KEY makes an alias of the rowid, or null. SQLite's
 * rule, quirks included: the declared type is exactly INTEGER, the key has that one column, and a
 * `PRIMARY KEY DESC` written on the column (not in a table constraint) makes it an ordinary key.
 */
export function rowidAliasOf(table: TableDefinition): string | null {
  const key = table.primaryKey;
  const only = key?.columns.length === 1 ? key.columns[0] : undefined;
  if (table.withoutRowid || !key || !only) return null;
  const column = table.columns.find((c) => c.name.toLowerCase() === only.name.toLowerCase());
  if (column?.type !== 'INTEGER' || (key.onColumn && only.descending)) return null;
  return only.name.toLowerCase();
}

function primaryKeyBehaviour(
  table: TableDefinition,
  alias: string | null,
  ownCollation: Map<string, string | null>,
): string[] {
  const key = table.primaryKey;
  if (!key) return [];
  const behaviour: string[] = [];
  if (key.autoincrement) behaviour.push('autoincrement');
  const onConflict = conflictAction(key.onConflict);
  if (onConflict !== null) behaviour.push(`on conflict ${onConflict}`);
  for (const column of key.columns) {
    const name = column.name.toLowerCase();
    const own = ownCollation.get(name) ?? null;
    const collation = effectiveCollation(column.collation, own);
    if (collation !== own) behaviour.push(`${name} collate ${collation ?? 'binary'}`);
    // The rowid's own order is fixed, so an alias's direction changes nothing.
    if (column.descending && alias === null) behaviour.push(`${name} desc`);
  }
  return behaviour.sort();
}

/**
 * SQLite makes one index per distinct UNIQUE constraint: one with the columns and collations of
 * the primary key's index (when the key is not the rowid) or of an earlier UNIQUE constraint adds
 * nothing, whatever its directions.
 */
function uniqueConstraints(
  table: TableDefinition,
  keyIsIndex: boolean,
  keyed: (columns: KeyDefinition['columns'], withDirection: boolean) => string,
): string[] {
  const seen = new Set<string>();
  if (table.primaryKey && keyIsIndex) seen.add(keyed(table.primaryKey.columns, false));
  const constraints: string[] = [];
  for (const unique of table.unique) {
    const identity = keyed(unique.columns, false);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const onConflict = conflictAction(unique.onConflict);
    constraints.push(
      `${keyed(unique.columns, true)}${onConflict === null ? '' : ` on conflict ${onConflict}`}`,
    );
  }
  return constraints.sort();
}

function describeForeignKey(key: ForeignKeyDefinition): string {
  const from = key.columns.map((column) => column.toLowerCase()).join(',');
  const to = key.parentColumns.map((column) => column.toLowerCase()).join(',');
  const deferred = key.deferred ? ' deferred' : '';
  return `(${from})->${key.parent.toLowerCase()}(${to}) on update ${key.onUpdate} on delete ${key.onDelete}${deferred}`;
}

function indexShape(index: IndexDefinition, table: TableDefinition): IndexShape {
  const ownCollation = new Map(
    table.columns.map((column) => [column.name.toLowerCase(), collationName(column.collation)]),
  );
  const shape: IndexShape = {
    table: index.table.toLowerCase(),
    columns: index.columns.map((term) => {
      const name = term.name?.toLowerCase();
      // A lone name is a column when the table has one; else (a string, say) an expression.
      const isColumn = name !== undefined && ownCollation.has(name);
      const collation = effectiveCollation(
        term.collation,
        isColumn ? (ownCollation.get(name) ?? null) : null,
      );
      const key = isColumn ? name : `expr:${term.expression}`;
      return `${key}${collation === null ? '' : ` collate ${collation}`}${term.descending ? ' desc' : ''}`;
    }),
    unique: index.unique,
    where: index.where,
  };
  if (index.unread.length > 0) shape.unread = [...index.unread].sort();
  return shape;
}

/** A collation by its lower-case name; null for BINARY, which is what no collation means. */
function collationName(collation: string | null): string | null {
  const name = collation?.toLowerCase() ?? null;
  return name === 'binary' ? null : name;
}

/**
 * The collation a key or index term compares with: its own when it names one (BINARY too, over
 * a column of another), else its column's (`inherited`, already a `collationName`).
 */
function effectiveCollation(explicit: string | null, inherited: string | null): string | null {
  return explicit === null ? inherited : collationName(explicit);
}

/** A conflict action; null for ABORT, which is what no `ON CONFLICT` means. */
function conflictAction(action: string | null): string | null {
  return action === 'abort' ? null : action;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1;
}

/** A record without a prototype, so a table named `constructor` or `__proto__` is just a key. */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
