import { fingerprintTable, rowidAliasOf } from '../fingerprint.ts';
import { quoteIdentifier, quoteString, tokenize } from '../sql-text.ts';
import { readTableDefinition } from '../stored-definition.ts';
import type { MigrationStep } from './steps.ts';

/**
 * One column a rebuild copies: into `to` of the new table from `from` of the old one, where null
 * stands for the rowid. Keeping rowids keeps whatever refers to them (an FTS table's docids).
 */
export interface CopiedColumn {
  to: string | null;
  from: string | null;
}

/**
 * What a rebuild can copy from the old table into the new: every column both define (the new
 * one storing it, not generating it), and the rowid where both tables have one: into the new
 * table's INTEGER PRIMARY KEY when that column is new, else as the rowid itself.
 */
export function copiedColumns(beforeSql: string, afterSql: string): CopiedColumn[] {
  const before = readTableDefinition(beforeSql);
  const after = readTableDefinition(afterSql);
  const had = new Map(before.columns.map((column) => [column.name.toLowerCase(), column.name]));
  const copied: CopiedColumn[] = after.columns
    .filter((column) => column.generated === null && had.has(column.name.toLowerCase()))
    .map((column) => ({ to: column.name, from: had.get(column.name.toLowerCase()) as string }));
  // A column called rowid hides the rowid from SQL, so then there is none to copy.
  const rowidHidden = [...before.columns, ...after.columns].some((column) =>
    ['rowid', 'oid', '_rowid_'].includes(column.name.toLowerCase()),
  );
  if (before.withoutRowid || after.withoutRowid || rowidHidden) return copied;
  const alias = rowidAliasOf(after);
  if (alias === null) copied.push({ to: null, from: null });
  else if (!copied.some((column) => column.to?.toLowerCase() === alias))
    copied.push({
      to: after.columns.find((c) => c.name.toLowerCase() === alias)?.name ?? alias,
      from: null,
    });
  return copied;
}

/**
 * The new columns no row of the old table can fill: NOT NULL, without a default, not generated,
 * not filled from the rowid. A table that gains one cannot keep its rows.
 */
export function unfillableColumns(beforeSql: string, afterSql: string): string[] {
  const copied = new Set(
    copiedColumns(beforeSql, afterSql).flatMap((column) =>
      column.to === null ? [] : [column.to.toLowerCase()],
    ),
  );
  const shape = fingerprintTable(afterSql);
  return readTableDefinition(afterSql)
    .columns.filter((column) => {
      const name = column.name.toLowerCase();
      const own = shape.columns[name];
      const noDefault = own?.default === null || own?.default === 'null';
      return !copied.has(name) && column.generated === null && own?.notNull === true && noDefault;
    })
    .map((column) => column.name);
}

/** What a rebuild is given: the table's names and definitions, and whether its rows go along. */
export interface RebuildRequest {
  /** The table's name in the old schema and in the new (equal but for their spelling). */
  before: string;
  after: string;
  beforeSql: string;
  afterSql: string;
  /** A name no object of either schema has, for the new table until it takes the old one's. */
  temporaryName: string;
  /** False when the rows cannot be copied (no column in common, or one no row can fill). */
  keepRows: boolean;
  /** What changes, one item each (`column me: dropped`), for the comment above it. */
  changes: string[];
}

/**
 * SQLite's procedure for the changes `ALTER TABLE` cannot make
 * (https://www.sqlite.org/lang_altertable.html#otheralter), in the order it prescribes: the new
 * table is created under a name of its own, filled, the old one dropped, and the new one renamed
 * to the old name. Renaming the old table away first instead would make SQLite (3.26 on) point
 * every foreign key, trigger and view that names it at the renamed table, which is then dropped.
 * Foreign keys are off around the migration, so the drop takes no row of another table with it.
 */
export function rebuildTable(request: RebuildRequest): MigrationStep {
  const { before, after, temporaryName } = request;
  const temporary = quoteIdentifier(temporaryName);
  const statements: MigrationStep['statements'] = [
    {
      comment: '1. The new definition, under a name of its own.',
      sql: renamedDefinition(request.afterSql, temporary),
    },
  ];
  const copied = copiedColumns(request.beforeSql, request.afterSql);
  if (request.keepRows) {
    const name = (column: string | null) => (column === null ? 'rowid' : quoteIdentifier(column));
    statements.push({
      comment: '2. Every row, with the columns both definitions have.',
      sql: `INSERT INTO ${temporary} (${copied.map((c) => name(c.to)).join(', ')})\n  SELECT ${copied.map((c) => name(c.from)).join(', ')} FROM ${quoteIdentifier(before)}`,
    });
    if (keepsCounter(request)) {
      statements.push(
        {
          comment: `   The AUTOINCREMENT counter goes along, so ids ${before} gave out are never given again.`,
          sql: `DELETE FROM sqlite_sequence WHERE name = ${quoteString(temporaryName)}`,
        },
        {
          sql: `INSERT INTO sqlite_sequence (name, seq)\n  SELECT ${quoteString(temporaryName)}, seq FROM sqlite_sequence WHERE name = ${quoteString(before)}`,
        },
      );
    }
  } else {
    statements.push({
      comment: `2. No row is copied (data loss, allowed): ${copied.length === 0 ? 'the two definitions share no column' : 'the new one has a NOT NULL column no row has a value for'}.`,
      sql: null,
    });
  }
  statements.push(
    {
      comment: '3. The old table goes, with its indexes and triggers.',
      sql: `DROP TABLE ${quoteIdentifier(before)}`,
    },
    {
      comment: `4. The new table takes its name: foreign keys that name ${after} now refer to it.`,
      sql: `ALTER TABLE ${temporary} RENAME TO ${quoteIdentifier(after)}`,
    },
  );
  return {
    comments: [
      `Rebuild ${after}: ${request.changes.join('; ')}.`,
      'ALTER TABLE cannot make these changes; its indexes, triggers and the views that read it are created again below.',
    ],
    statements,
  };
}

/** Both definitions have AUTOINCREMENT and the key is copied, so the counter can go along. */
function keepsCounter(request: RebuildRequest): boolean {
  const autoincrement = (sql: string) => fingerprintTable(sql).primaryKey.includes('autoincrement');
  return autoincrement(request.beforeSql) && autoincrement(request.afterSql);
}

/** `CREATE TABLE name …` with another name: the name is the token after `TABLE` (and a schema). */
function renamedDefinition(sql: string, name: string): string {
  const tokens = tokenize(sql);
  const table = tokens.findIndex((token) => token.kind === 'word' && /^table$/i.test(token.value));
  const first = tokens[table + 1];
  const qualified = tokens[table + 2]?.value === '.' && tokens[table + 3] !== undefined;
  const last = qualified ? tokens[table + 3] : first;
  if (!first || !last) return sql;
  return `${sql.slice(0, first.start)}${name}${sql.slice(last.end)}`;
}
