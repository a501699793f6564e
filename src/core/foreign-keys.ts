import { MigrationError } from './errors.ts';
import { queryRows, tableExists } from './inspect.ts';
import { quoteIdentifier } from './sql-text.ts';
import type { SqlDatabase, SqlValue } from './types.ts';

/**
 * The rows that break a foreign key, as a count per dangling reference: the child table, the
 * foreign key's columns, the parent table and the missing key the rows hold.
 *
 * A row is known by that reference rather than by its rowid or its content: a table rebuild
 * (SQLite's 12-step procedure) renumbers rowids, can renumber an INTEGER PRIMARY KEY too when it
 * copies rows without it, and adds or drops columns, so an orphan from before it must still be
 * found the same after it; a WITHOUT ROWID table reports no rowid at all. What stays is the key
 * the row fails to find. Two rows holding the same missing key through the same columns are one
 * reference counted twice, so a migration that fixes one and adds another of those is not told
 * apart from one that did neither — it leaves no new missing key behind.
 */
export type ForeignKeyViolations = Map<
  string,
  { table: string; columns: string[]; parent: string; rows: number }
>;

/** Every row that breaks a foreign key now (see `ForeignKeyViolations`). */
export function foreignKeyViolations(db: SqlDatabase): ForeignKeyViolations {
  const violations: ForeignKeyViolations = new Map();
  const checkRowsByTable = new Map<string, Record<string, SqlValue>[]>();
  for (const row of queryRows(db, 'PRAGMA foreign_key_check')) {
    const table = String(row.table);
    const rows = checkRowsByTable.get(table);
    if (rows) rows.push(row);
    else checkRowsByTable.set(table, [row]);
  }
  for (const [table, checkRows] of checkRowsByTable) {
    const keys = foreignKeysOf(db, table);
    const missingKeys =
      checkRows[0]?.rowid === null
        ? missingKeysWithoutRowid(
            db,
            table,
            keys,
            new Set(checkRows.map((row) => Number(row.fkid))),
          )
        : missingKeysByRowid(db, table, keys);
    for (const { key, values } of missingKeys) {
      const identity = JSON.stringify([table.toLowerCase(), key.from, key.parent, values]);
      const counted = violations.get(identity);
      if (counted) counted.rows++;
      else violations.set(identity, { table, columns: key.from, parent: key.parent, rows: 1 });
    }
  }
  return violations;
}

/**
 * The same violations told in the names their tables and columns have after renames, so rows
 * that broke a key before a migration renamed its table are not taken for new ones after it.
 * `table` and `column` map a lower-case name (a column by its table's new name) to its new one.
 */
export function renamedViolations(
  violations: ForeignKeyViolations,
  renamed: { table(name: string): string; column(table: string, name: string): string },
): ForeignKeyViolations {
  const result: ForeignKeyViolations = new Map();
  for (const [identity, violation] of violations) {
    const [table, from, parent, values] = JSON.parse(identity) as [
      string,
      string[],
      string,
      unknown,
    ];
    const newTable = renamed.table(table).toLowerCase();
    const columns = from.map((column) => renamed.column(newTable, column).toLowerCase());
    const key = JSON.stringify([newTable, columns, renamed.table(parent).toLowerCase(), values]);
    result.set(key, {
      table: renamed.table(violation.table),
      columns,
      parent: renamed.table(violation.parent),
      rows: violation.rows,
    });
  }
  return result;
}

/**
 * Refuses to commit a migration that added rows breaking a foreign key. Rows that broke one
 * before it ran (an app that kept foreign keys off can leave them) are not its doing, and are
 * not held against it. Returns the violations it found, which are the next migration's before.
 */
export function assertForeignKeys(
  db: SqlDatabase,
  migrationName: string,
  before: ForeignKeyViolations = new Map(),
): ForeignKeyViolations {
  const violations = foreignKeyViolations(db);
  const added = addedViolations(before, violations);
  if (added === null) return violations;
  throw new MigrationError(
    'FOREIGN_KEY_VIOLATION',
    `${migrationName}: ${added}; fix the migration's data step`,
    { migrationName },
  );
}

/**
 * The rows breaking a foreign key in `after` that did not in `before`, in words (`leaves 2 more
 * row(s) that break a foreign key (in …)`); null when there are none.
 */
export function addedViolations(
  before: ForeignKeyViolations,
  after: ForeignKeyViolations,
): string | null {
  let added = 0;
  let first: { table: string; parent: string } | undefined;
  for (const [identity, now] of after) {
    const extra = now.rows - (before.get(identity)?.rows ?? 0);
    if (extra > 0) {
      added += extra;
      first ??= now;
    }
  }
  if (!first) return null;
  return `leaves ${added} more row(s) that break a foreign key (in ${first.table}, referring to missing ${first.parent} rows)`;
}

interface ForeignKey {
  parent: string;
  /** The child's columns, in key order. */
  from: string[];
  /** The parent's columns, in key order; empty when the key names none (its primary key). */
  to: string[];
}

interface MissingKey {
  key: ForeignKey;
  values: unknown[];
}

function foreignKeysOf(db: SqlDatabase, table: string): Map<number, ForeignKey> {
  const keys = new Map<number, ForeignKey>();
  for (const row of queryRows(db, 'SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq', [
    table,
  ])) {
    const id = Number(row.id);
    const key = keys.get(id) ?? { parent: String(row.table).toLowerCase(), from: [], to: [] };
    key.from.push(String(row.from).toLowerCase());
    if (row.to !== null) key.to.push(String(row.to));
    keys.set(id, key);
  }
  return keys;
}

/** SQLite names each violating row by its rowid: read the key it holds from that row. */
function missingKeysByRowid(
  db: SqlDatabase,
  table: string,
  keys: Map<number, ForeignKey>,
): MissingKey[] {
  const columns = [...new Set([...keys.values()].flatMap((key) => key.from))];
  const rows = queryRows(
    db,
    `SELECT check_row.fkid AS "fkid", ${columns.map((column, i) => `child.${quoteIdentifier(column)} AS "c${i}"`).join(', ')}
     FROM pragma_foreign_key_check(?) AS check_row
     JOIN main.${quoteIdentifier(table)} AS child ON child.rowid = check_row.rowid`,
    [table],
  );
  return rows.flatMap((row) => {
    const key = keys.get(Number(row.fkid));
    if (!key) return [];
    return [
      { key, values: key.from.map((column) => plainValue(row[`c${columns.indexOf(column)}`])) },
    ];
  });
}

/**
 * A WITHOUT ROWID table's violations come with no rowid, so its rows are looked up here the way
 * SQLite's check does: key columns all non-NULL, and no parent row with equal values (the parent
 * column on the left, so the comparison uses its collation, as the parent key's index does), or
 * no parent table at all.
 */
function missingKeysWithoutRowid(
  db: SqlDatabase,
  table: string,
  keys: Map<number, ForeignKey>,
  violatedIds: Set<number>,
): MissingKey[] {
  const missing: MissingKey[] = [];
  for (const id of violatedIds) {
    const key = keys.get(id);
    if (!key) continue;
    const parentColumns = key.to.length > 0 ? key.to : primaryKeyOf(db, key.parent);
    const parentExists = tableExists(db, key.parent) && parentColumns.length > 0;
    const match = key.from
      .map(
        (column, i) =>
          `parent.${quoteIdentifier(parentColumns[i] ?? '')} = child.${quoteIdentifier(column)}`,
      )
      .join(' AND ');
    const rows = queryRows(
      db,
      `SELECT ${key.from.map((column, i) => `child.${quoteIdentifier(column)} AS "c${i}"`).join(', ')}
       FROM main.${quoteIdentifier(table)} AS child
       WHERE ${key.from.map((column) => `child.${quoteIdentifier(column)} IS NOT NULL`).join(' AND ')}
       ${parentExists ? `AND NOT EXISTS (SELECT 1 FROM main.${quoteIdentifier(key.parent)} AS parent WHERE ${match})` : ''}`,
    );
    for (const row of rows)
      missing.push({ key, values: key.from.map((_, i) => plainValue(row[`c${i}`])) });
  }
  return missing;
}

/** The parent's primary key columns in key order; none when the parent table does not exist. */
function primaryKeyOf(db: SqlDatabase, table: string): string[] {
  return queryRows(db, 'SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [
    table,
  ]).map((row) => String(row.name));
}

/** A value JSON keeps apart from every other: blobs as hex, tagged so no text can equal one. */
export function plainValue(value: SqlValue | undefined): unknown {
  return value instanceof Uint8Array
    ? { blob: Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('') }
    : (value ?? null);
}
