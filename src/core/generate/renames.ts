import { MigrationError } from '../errors.ts';
import { readTableDefinition } from '../stored-definition.ts';
import type { SchemaModel } from './schema-model.ts';

/** A rename the caller asked for, checked against both schemas, names spelled as they spell them. */
export type Rename =
  | { kind: 'table'; from: string; to: string }
  /** `table` is the table's name once any table renames have run. */
  | { kind: 'column'; table: string; from: string; to: string };

/** What the two schemas are called in messages. */
export interface SchemaLabels {
  /** The schema the migration starts from: `the schema the migrations build`, say. */
  from: string;
  /** The schema it must give: `schema.sql`, say. */
  to: string;
}

/**
 * Reads renames written `old_table=new_table` or `table.old_column=new_column` (the table by
 * either name) and checks each against the schemas: the old name only in `before`, the new one
 * only in `after`, each name renamed once. Table renames come first, as they must run first.
 */
export function resolveRenames(
  specs: readonly string[],
  before: SchemaModel,
  after: SchemaModel,
  labels: SchemaLabels,
): Rename[] {
  const tables: Rename[] = [];
  const columns: Rename[] = [];
  const renamedTables = new Map<string, string>();
  const parsed = specs.map((spec) => ({ spec, ...parseRename(spec) }));
  for (const { spec, table, from, to } of parsed) {
    if (table !== null) continue;
    const old = before.tables.get(from.toLowerCase());
    const renamed = after.tables.get(to.toLowerCase());
    if (!old) throw badRename(spec, `${labels.from} has no table ${from}`);
    if (!renamed) throw badRename(spec, `${labels.to} has no table ${to}`);
    if (after.tables.has(from.toLowerCase()))
      throw badRename(spec, `${labels.to} still has a table ${from}, so it was not renamed`);
    if (before.tables.has(to.toLowerCase()))
      throw badRename(spec, `${labels.from} already has a table ${to}`);
    if (renamedTables.has(old.name.toLowerCase()))
      throw badRename(spec, `table ${from} is renamed twice`);
    if ([...renamedTables.values()].includes(renamed.name.toLowerCase()))
      throw badRename(spec, `two tables are renamed to ${to}`);
    renamedTables.set(old.name.toLowerCase(), renamed.name.toLowerCase());
    tables.push({ kind: 'table', from: old.name, to: renamed.name });
  }
  const renamedColumns = new Set<string>();
  for (const { spec, table, from, to } of parsed) {
    if (table === null) continue;
    const [oldTable, newTable] = tablePair(table, renamedTables, before, after);
    if (!oldTable) throw badRename(spec, `${labels.from} has no table ${table}`);
    if (!newTable) throw badRename(spec, `${labels.to} has no table ${table}`);
    const oldColumns = readTableDefinition(oldTable.sql as string).columns;
    const newColumns = readTableDefinition(newTable.sql as string).columns;
    const named = (list: typeof oldColumns, name: string) =>
      list.find((column) => column.name.toLowerCase() === name.toLowerCase());
    const old = named(oldColumns, from);
    const renamed = named(newColumns, to);
    const where = `${labels.from}'s table ${oldTable.name}`;
    if (!old) throw badRename(spec, `${where} has no column ${from}`);
    if (!renamed)
      throw badRename(spec, `${labels.to}'s table ${newTable.name} has no column ${to}`);
    if (named(newColumns, from))
      throw badRename(spec, `${labels.to}'s table ${newTable.name} still has a column ${from}`);
    if (named(oldColumns, to)) throw badRename(spec, `${where} already has a column ${to}`);
    const key = `${oldTable.name.toLowerCase()}.${old.name.toLowerCase()}`;
    if (renamedColumns.has(key)) throw badRename(spec, `column ${from} is renamed twice`);
    renamedColumns.add(key);
    columns.push({ kind: 'column', table: newTable.name, from: old.name, to: renamed.name });
  }
  return [...tables, ...columns];
}

/** The table a column rename names, before and after: it may go by its old or its new name. */
function tablePair(
  table: string,
  renamedTables: Map<string, string>,
  before: SchemaModel,
  after: SchemaModel,
) {
  const lower = table.toLowerCase();
  const oldName =
    [...renamedTables].find(([, to]) => to === lower)?.[0] ??
    (before.tables.has(lower) ? lower : undefined);
  const newName = oldName === undefined ? undefined : (renamedTables.get(oldName) ?? oldName);
  return [
    oldName === undefined ? undefined : before.tables.get(oldName),
    newName === undefined ? undefined : after.tables.get(newName),
  ] as const;
}

/** `old=new` or `table.old=new`; names are not trimmed of quotes, since none are needed. */
function parseRename(spec: string): { table: string | null; from: string; to: string } {
  const equals = spec.indexOf('=');
  const left = spec.slice(0, equals);
  const to = spec.slice(equals + 1).trim();
  const dot = left.indexOf('.');
  const table = dot === -1 ? null : left.slice(0, dot).trim();
  const from = (dot === -1 ? left : left.slice(dot + 1)).trim();
  if (equals === -1 || from === '' || to === '' || table === '' || to.includes('=')) {
    throw badRename(spec, 'write a rename as old_table=new_table or table.old_column=new_column');
  }
  return { table, from, to };
}

function badRename(spec: string, reason: string): MigrationError {
  return new MigrationError('BAD_RENAME', `rename ${spec}: ${reason}`);
}
