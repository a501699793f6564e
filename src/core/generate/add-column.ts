import { fingerprintTable } from '../fingerprint.ts';
import { quoteIdentifier, tokenize } from '../sql-text.ts';
import {
  type ColumnDefinition,
  readTableDefinition,
  type TableDefinition,
} from '../stored-definition.ts';

/**
 * The `ALTER TABLE … ADD COLUMN` statements that turn a table defined by `beforeSql` into one
 * defined by `afterSql`, or null when that takes more than adding columns SQLite can add (the
 * table is then rebuilt). SQLite's rules for a column added to a table that has rows:
 * no PRIMARY KEY or UNIQUE, no STORED generated column, a constant default, a non-NULL default
 * when it is NOT NULL, a NULL default when it has a foreign key. And the result must be the
 * table `afterSql` defines: SQLite appends each column's text to the stored definition, so
 * that text, appended, must read as the same table.
 */
export function addColumnStatements(
  table: string,
  beforeSql: string,
  afterSql: string,
): string[] | null {
  const before = readTableDefinition(beforeSql);
  const after = readTableDefinition(afterSql);
  const had = new Set(before.columns.map((column) => column.name.toLowerCase()));
  const kept = new Set(after.columns.map((column) => column.name.toLowerCase()));
  if ([...had].some((name) => !kept.has(name))) return null;
  const added = after.columns.filter((column) => !had.has(column.name.toLowerCase()));
  if (added.length === 0 || !added.every((column) => canAdd(column, after))) return null;
  const appended = withColumnsAppended(
    beforeSql,
    added.map((column) => column.source),
  );
  if (appended === null) return null;
  if (JSON.stringify(fingerprintTable(appended)) !== JSON.stringify(fingerprintTable(afterSql)))
    return null;
  return added.map((column) => `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN ${column.source}`);
}

function canAdd(column: ColumnDefinition, table: TableDefinition): boolean {
  const name = column.name.toLowerCase();
  const names = (columns: { name: string }[]) => columns.map((c) => c.name.toLowerCase());
  if (table.primaryKey && names(table.primaryKey.columns).includes(name)) return false;
  if (table.unique.some((key) => names(key.columns).includes(name))) return false;
  if (column.generated) return !column.generated.stored;
  const defaultValue =
    column.default === null || /^null$/i.test(column.default) ? null : column.default;
  if (defaultValue !== null && !isConstant(defaultValue)) return false;
  if (column.notNull && defaultValue === null) return false;
  const referencing = table.foreignKeys.some((key) =>
    key.columns.some((c) => c.toLowerCase() === name),
  );
  return !(referencing && defaultValue !== null);
}

/**
 * A default SQLite can give rows that already exist: a literal (a number, signed or not, a
 * string, a blob, TRUE, FALSE), as the stored definition spells it. `CURRENT_TIMESTAMP` and
 * expressions are worked out per row, which `ADD COLUMN` refuses.
 */
function isConstant(text: string): boolean {
  return (
    /^[+-]?(\d[\d_]*(\.[\d_]*)?|\.[\d_]+)(e[+-]?\d+)?$/i.test(text) ||
    /^[+-]?0x[0-9a-f_]+$/i.test(text) ||
    /^'([^']|'')*'$/.test(text) ||
    /^x'[0-9a-f]*'$/i.test(text) ||
    /^(true|false)$/i.test(text)
  );
}

/** The table definition with column definitions added at the end, as `ADD COLUMN` writes them. */
function withColumnsAppended(sql: string, columns: string[]): string | null {
  const close = closingOfBody(sql);
  if (close === -1) return null;
  return `${sql.slice(0, close)}, ${columns.join(', ')}${sql.slice(close)}`;
}

/** Where the parenthesis that closes the table's body is, in the text; -1 when there is none. */
function closingOfBody(sql: string): number {
  let depth = 0;
  for (const token of tokenize(sql)) {
    if (token.kind !== 'punctuation') continue;
    if (token.value === '(') depth++;
    else if (token.value === ')' && --depth === 0) return token.start;
  }
  return -1;
}
