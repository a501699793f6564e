/**
 * Edits of random schemas (`random-schema.ts`) for the migration writer's property test: every
 * change of one thing `schema-changes.ts` makes, and the edits a migration writer must tell
 * apart besides (renames, a column dropped, columns SQLite can or cannot add as they are, new
 * indexes, views, triggers and FTS tables). Names in a random schema are unique, so a rename
 * is a replacement of one string throughout.
 */
import {
  type Column,
  kw,
  nm,
  pick,
  plainColumn,
  type Random,
  type Schema,
  type Table,
  tx,
} from './random-schema.ts';
import { singleChanges } from './schema-changes.ts';

/** A schema after one or two edits, and the renames that say what was renamed. */
export interface EditedSchema {
  schema: Schema;
  changes: string[];
  /** `old_table=new_table` or `table.old_column=new_column`, as the writer takes them. */
  renames: string[];
}

/**
 * An edit drawn at random: half the time a rename first (of a table or of one of its columns),
 * then one more edit of any kind, which leaves the renamed name in place.
 */
export function randomEdits(schema: Schema, random: Random): EditedSchema {
  let edited: EditedSchema = { schema, changes: [], renames: [] };
  const renames = renameEdits(schema);
  if (renames.length > 0 && random() < 0.5) {
    const rename = pick(random, renames);
    edited = { schema: rename.schema, changes: [rename.change], renames: [rename.spec] };
  }
  const renamedTo = edited.renames.map((spec) => spec.slice(spec.indexOf('=') + 1));
  const candidates = otherEdits(edited.schema).filter(({ schema: next }) =>
    renamedTo.every((name) => JSON.stringify(next).includes(JSON.stringify(name))),
  );
  const other = pick(random, candidates);
  return {
    schema: other.schema,
    changes: [...edited.changes, other.change],
    renames: edited.renames,
  };
}

/** True when going from `before` to `after` (renames applied) drops data: a table, an FTS table or its definition, a stored column, or rows a new NOT NULL column without a default cannot take. */
export function losesData(before: Schema, after: Schema, renames: string[]): boolean {
  const renamed = renames.reduce(applyRename, before);
  for (const table of renamed.tables) {
    const next = after.tables.find((t) => t.name === table.name);
    if (!next || tableLosesData(table, next)) return true;
  }
  return renamed.fullText.some(
    (fts) =>
      JSON.stringify(fts) !== JSON.stringify(after.fullText.find((f) => f.name === fts.name)),
  );
}

/**
 * True when a table (renames applied) loses data as `next`: a stored column dropped, or a new
 * NOT NULL column without a default that no row has a value for.
 */
export function tableLosesData(table: Table, next: Table): boolean {
  const stored = (t: Table) => t.columns.filter((c) => c.generated === null).map((c) => c.name);
  if (stored(table).some((name) => !stored(next).includes(name))) return true;
  return next.columns.some(
    (column) =>
      !table.columns.some((c) => c.name === column.name) &&
      column.generated === null &&
      column.notNull !== null &&
      (column.default === null || JSON.stringify(column.default) === JSON.stringify([tx('NULL')])),
  );
}

interface Edit {
  change: string;
  schema: Schema;
}

function renameEdits(schema: Schema): (Edit & { spec: string })[] {
  const edits: (Edit & { spec: string })[] = [];
  for (const table of schema.tables) {
    const to = `${table.name}_renamed`;
    edits.push({
      change: `${table.name}: renamed`,
      spec: `${table.name}=${to}`,
      schema: applyRename(schema, `${table.name}=${to}`),
    });
    for (const column of table.columns) {
      const spec = `${table.name}.${column.name}=${column.name}_renamed`;
      edits.push({
        change: `${table.name}.${column.name}: renamed`,
        spec,
        schema: applyRename(schema, spec),
      });
    }
  }
  return edits;
}

/** Every single change, and the edits this test adds, each a copy of the schema. */
function otherEdits(schema: Schema): Edit[] {
  const edits: Edit[] = [...singleChanges(schema)];
  const edit = (change: string, apply: (copy: Schema) => void) => {
    const copy = structuredClone(schema);
    apply(copy);
    edits.push({ change, schema: copy });
  };
  const text = JSON.stringify(schema);
  for (const [t, table] of schema.tables.entries()) {
    const at = (copy: Schema) => copy.tables[t] as Table;
    const add = (change: string, column: Column) =>
      edit(`${table.name}: ${change}`, (copy) => at(copy).columns.push(column));
    add('a NOT NULL column with a constant default added', {
      ...plainColumn('added_flag', 'INTEGER'),
      notNull: { onConflict: null },
      default: [tx('0')],
    });
    add('a column defaulting to the time added', {
      ...plainColumn('added_stamp', 'TEXT'),
      default: kw('CURRENT_TIMESTAMP'),
    });
    add('a NOT NULL column without a default added', {
      ...plainColumn('added_required', 'INTEGER'),
      notNull: { onConflict: null },
    });
    const parent = schema.tables.find((p) => p !== table && p.primaryKey?.columns.length === 1);
    if (parent)
      edit(`${table.name}: a column with a foreign key added`, (copy) => {
        at(copy).columns.push(plainColumn('added_ref', 'INTEGER'));
        at(copy).foreignKeys.push({
          columns: ['added_ref'],
          parent: parent.name,
          parentColumns: [],
          onDelete: 'SET NULL',
          deferred: false,
        });
      });
    // A column nothing else names: its name occurs once in the whole schema.
    for (const [c, column] of table.columns.entries())
      if (table.columns.length > 1 && text.split(JSON.stringify(column.name)).length === 2)
        edit(`${table.name}.${column.name}: dropped`, (copy) => at(copy).columns.splice(c, 1));
    const first = table.columns.find((column) => column.generated === null) as Column;
    edit(`${table.name}: an index added`, (copy) =>
      copy.indexes.push({
        name: 'added_index',
        table: table.name,
        unique: false,
        terms: [
          { expression: [nm(first.name)], column: first.name, collation: null, descending: true },
        ],
        where: null,
      }),
    );
    edit(`${table.name}: a view added`, (copy) =>
      copy.views.push({ name: 'added_view', table: table.name, columns: [first.name], above: 3 }),
    );
    edit(`${table.name}: a trigger added`, (copy) =>
      copy.triggers.push({
        name: 'added_trigger',
        table: table.name,
        timing: 'AFTER',
        event: 'INSERT',
        value: 7,
      }),
    );
  }
  edit('an FTS table added', (copy) =>
    copy.fullText.push({ name: 'added_fts', columns: ['a', 'b'] }),
  );
  return edits;
}

/** The schema with a table or column renamed: the old name replaced wherever it occurs. */
export function applyRename(schema: Schema, spec: string): Schema {
  const [left = '', to = ''] = spec.split('=');
  const from = left.includes('.') ? left.slice(left.indexOf('.') + 1) : left;
  const replace = (value: unknown): unknown => {
    if (value === from) return to;
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, replace(v)]));
    return value;
  };
  return replace(schema) as Schema;
}
