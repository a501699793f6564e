/**
 * Rows for a database built from a random schema (`random-schema.ts`), written by the test from
 * what it knows of the schema, apart from the rows the migration writer generates for its own
 * proof: three per table, a number in every column (as digits in a STRICT TEXT column), foreign
 * keys filled from their parent's rows, and what SQLite refuses left out.
 */
import type { Database } from 'sql.js';
import { isRowidAlias, type Schema } from './random-schema.ts';

const ROWS = 3;

/** Writes the rows; returns how many each table got. */
export function fillRows(db: Database, schema: Schema): Map<string, number> {
  const keys = new Map<string, unknown[]>();
  const counts = new Map<string, number>();
  for (const table of schema.tables) {
    const key = table.primaryKey?.columns.length === 1 ? table.primaryKey.columns[0]?.name : null;
    const written: unknown[] = [];
    for (let row = 0; row < ROWS; row++) {
      const values = new Map<string, unknown>();
      for (const [index, column] of table.columns.entries()) {
        if (column.generated) continue;
        const number = 100 * (row + 1) + index;
        const alias = isRowidAlias(table) && column.name === key;
        const strictType = table.strict ? column.typeName : 'ANY';
        values.set(
          column.name,
          alias
            ? number
            : strictType === 'TEXT'
              ? String(number)
              : strictType === 'BLOB'
                ? column.notNull
                  ? new Uint8Array([row, index])
                  : null
                : number,
        );
      }
      for (const foreignKey of table.foreignKeys) {
        const parentKeys = keys.get(foreignKey.parent) ?? [];
        values.set(
          foreignKey.columns[0] as string,
          parentKeys[row % Math.max(parentKeys.length, 1)] ?? null,
        );
      }
      const names = [...values.keys()];
      try {
        db.run(
          `INSERT INTO ${quoted(table.name)} (${names.map(quoted).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
          [...values.values()] as never,
        );
        written.push(key === null || key === undefined ? null : values.get(key));
      } catch {
        // A row this schema refuses (a CHECK it breaks) is left out.
      }
    }
    keys.set(table.name, written);
    counts.set(table.name, written.length);
  }
  for (const fullText of schema.fullText)
    for (let row = 0; row < ROWS; row++)
      db.run(
        `INSERT INTO ${quoted(fullText.name)} (${fullText.columns.map(quoted).join(', ')}) VALUES (${fullText.columns.map(() => `'words ${row}'`).join(', ')})`,
      );
  // A key SQLite cannot match in its parent (a REAL child of a TEXT key compares as '100.0'):
  // such rows are left out, so every row the migration must keep is a row it can keep.
  const [check] = db.exec('PRAGMA foreign_key_check');
  for (const [table, rowid] of check?.values ?? []) {
    const where = rowid === null ? '' : ` WHERE rowid = ${Number(rowid)}`;
    db.run(`DELETE FROM ${quoted(String(table))}${where}`);
  }
  for (const table of counts.keys()) {
    const [result] = db.exec(`SELECT count(*) FROM ${quoted(table)}`);
    counts.set(table, Number(result?.values[0]?.[0]));
  }
  return counts;
}

/** Rows of the given columns (`rowid` for the rowid), each as JSON, sorted. */
export function rowsOf(db: Database, table: string, columns: string[]): string[] {
  const list = columns.map((column) => (column === 'rowid' ? 'rowid' : quoted(column))).join(', ');
  const [result] = db.exec(`SELECT ${list} FROM ${quoted(table)}`);
  return (result?.values ?? [])
    .map((row) => JSON.stringify(row.map((v) => (v instanceof Uint8Array ? [...v] : v))))
    .sort();
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
