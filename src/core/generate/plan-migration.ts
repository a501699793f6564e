import type { ColumnShape, TableShape } from '../fingerprint.ts';
import type { SchemaObject } from '../inspect.ts';
import { schemaChanges } from '../schema-diff.ts';
import { quoteIdentifier } from '../sql-text.ts';
import { readTableDefinition } from '../stored-definition.ts';
import { addColumnStatements } from './add-column.ts';
import { copiedColumns, rebuildTable, unfillableColumns } from './rebuild.ts';
import { mentionedNames, type SchemaModel } from './schema-model.ts';
import type { MigrationStep } from './steps.ts';

/** What becomes of a table of the old schema, and so of its rows. */
export type TableFate =
  /** Unchanged, or changed by `ADD COLUMN`: its rows stay where they are. */
  | 'kept'
  /** Rebuilt, its rows copied. */
  | 'rebuilt'
  /** Rebuilt without its rows, or dropped, or (a virtual table) dropped and created again. */
  | 'lost';

/** The migration from one schema to another, as steps, with what it costs. */
export interface MigrationPlan {
  steps: MigrationStep[];
  /** True when it drops or rebuilds a table: foreign keys must be off around it. */
  framed: boolean;
  /** Each change that loses data, in words: `table tokens is dropped with its rows`. */
  losses: string[];
  /** What running it can run into, in words. */
  warnings: string[];
  /** Every table of the old schema by its lower-case name. */
  fates: Map<string, TableFate>;
}

/**
 * How to bring `before` to `after` (whose tables already carry any renames): which tables are
 * created, kept, altered by `ADD COLUMN`, rebuilt or dropped, and which indexes, views and
 * triggers go and come with them. Steps run in this order: triggers and views that go or that
 * read a table about to be rebuilt or dropped are dropped first (SQLite checks every view and
 * trigger when the rebuild renames its table), then changed indexes; tables are dropped,
 * created, altered and rebuilt; then indexes, views (each after those it reads) and triggers are
 * created.
 */
export function planMigration(before: SchemaModel, after: SchemaModel): MigrationPlan {
  const plan: MigrationPlan = {
    steps: [],
    framed: false,
    losses: [],
    warnings: [],
    fates: new Map(),
  };
  const tables = planTables(before, after, plan);
  const gone = new Set([...plan.fates].filter(([, fate]) => fate !== 'kept').map(([name]) => name));
  const { views, triggers, indexes } = planDependents(before, after, gone);

  const drop =
    (kind: string, map: Map<string, SchemaObject>, reasons: Map<string, string>) =>
    (name: string) => ({
      comment: reasons.get(name),
      sql: `DROP ${kind} ${quoteIdentifier((map.get(name) as SchemaObject).name)}`,
    });
  addStep(
    plan,
    ['Triggers and views that change, go, or read a table that is rebuilt or dropped.'],
    [
      ...[...triggers.dropped.keys()].map(drop('TRIGGER', before.triggers, triggers.dropped)),
      ...inDependencyOrder([...views.dropped.keys()], before.views)
        .reverse()
        .map(drop('VIEW', before.views, views.dropped)),
    ],
  );
  addStep(
    plan,
    ['Indexes that change or go.'],
    [...indexes.dropped.keys()].map(drop('INDEX', before.indexes, indexes.dropped)),
  );
  addStep(plan, ['Tables that go, with their rows (data loss, allowed).'], tables.dropped);
  addStep(plan, ['New tables.'], tables.created);
  addStep(plan, ['New columns.'], tables.altered);
  plan.steps.push(...tables.rebuilt);
  const create = (names: Iterable<string>, map: Map<string, SchemaObject>) =>
    [...names].map((name) => ({ sql: (map.get(name) as SchemaObject).sql as string }));
  addStep(plan, ['Indexes.'], create(inSchemaOrder(indexes.created, after.indexes), after.indexes));
  addStep(
    plan,
    ['Views.'],
    create(inDependencyOrder([...views.created], after.views), after.views),
  );
  addStep(
    plan,
    ['Triggers.'],
    create(inSchemaOrder(triggers.created, after.triggers), after.triggers),
  );
  warnAboutNewUniqueIndexes(before, after, indexes.created, plan);
  warnAboutOrphans(after, plan);
  return plan;
}

/**
 * The views, triggers and indexes that go and come: those that change, and with them those that
 * read a table that is rebuilt or dropped (`gone`) or a view that goes, which must go before
 * the rebuild renames its table and come back after.
 */
function planDependents(before: SchemaModel, after: SchemaModel, gone: Set<string>) {
  const views = changedObjects(before.views, after.views, (name) => {
    const a = before.fingerprint.views[name];
    return a !== undefined && a === after.fingerprint.views[name];
  });
  // A view that reads a dropped view or table goes too, and so on.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, view] of before.views) {
      const read = views.dropped.has(name) ? undefined : firstRead(view, gone, views.dropped);
      if (read === undefined) continue;
      views.dropped.set(name, goesWith(read, after.views.has(name)));
      if (after.views.has(name)) views.created.add(name);
      grew = true;
    }
  }
  const triggers = changedObjects(before.triggers, after.triggers, (name) => {
    const a = before.fingerprint.triggers[name];
    const b = after.fingerprint.triggers[name];
    return a !== undefined && b !== undefined && a.sql === b.sql && a.table === b.table;
  });
  for (const [name, trigger] of before.triggers) {
    const read = triggers.dropped.has(name) ? undefined : firstRead(trigger, gone, views.dropped);
    if (read === undefined) continue;
    triggers.dropped.set(name, goesWith(read, after.triggers.has(name)));
    if (after.triggers.has(name)) triggers.created.add(name);
  }
  const indexes = changedObjects(before.indexes, after.indexes, (name) => {
    const a = before.fingerprint.indexes[name];
    return a !== undefined && JSON.stringify(a) === JSON.stringify(after.fingerprint.indexes[name]);
  });
  for (const [name, index] of after.indexes) {
    const table = index.table.toLowerCase();
    if (gone.has(table) || !before.tables.has(table)) indexes.created.add(name);
  }
  // An index of a table that goes, goes with it.
  for (const [name, index] of before.indexes)
    if (gone.has(index.table.toLowerCase())) indexes.dropped.delete(name);
  return { views, triggers, indexes };
}

/** The table steps, each a list of statements (rebuilds are steps of their own). */
function planTables(before: SchemaModel, after: SchemaModel, plan: MigrationPlan) {
  const dropped: MigrationStep['statements'] = [];
  const created: MigrationStep['statements'] = [];
  const altered: MigrationStep['statements'] = [];
  const rebuilt: MigrationStep[] = [];
  const taken = new Set([...before.objects, ...after.objects].map((o) => o.name.toLowerCase()));
  const changes = schemaChanges(before.fingerprint, after.fingerprint);
  const changesOf = (name: string) =>
    changes
      .filter((change) => change.kind === 'table' && change.object === name)
      .map((change) => change.detail);
  const dropTable = (object: SchemaObject, loss: string) => {
    plan.losses.push(loss);
    plan.fates.set(object.name.toLowerCase(), 'lost');
    dropped.push({ sql: `DROP TABLE ${quoteIdentifier(object.name)}` });
  };
  for (const [name, old] of before.tables) {
    const next = after.tables.get(name);
    const beforeShape = before.fingerprint.tables[name];
    const afterShape = after.fingerprint.tables[name];
    if (!next) {
      dropTable(
        old,
        `${old.virtual ? 'virtual table' : 'table'} ${old.name} is dropped with its rows`,
      );
    } else if (old.virtual || next.virtual) {
      const same =
        old.virtual &&
        next.virtual &&
        before.fingerprint.virtualTables[name] === after.fingerprint.virtualTables[name];
      if (same) plan.fates.set(name, 'kept');
      else {
        dropTable(
          old,
          `${old.virtual ? 'virtual table' : 'table'} ${old.name} is dropped with its rows, to be created again as ${next.virtual ? 'a virtual table' : 'a table'} of another definition`,
        );
        created.push({ sql: next.sql as string });
      }
    } else if (JSON.stringify(beforeShape) === JSON.stringify(afterShape)) {
      plan.fates.set(name, 'kept');
    } else {
      const adding = addColumnStatements(next.name, old.sql as string, next.sql as string);
      if (adding) {
        plan.fates.set(name, 'kept');
        altered.push(...adding.map((sql) => ({ sql })));
        warnAboutTightening(next.name, beforeShape, afterShape, plan, 'ADD COLUMN');
      } else {
        rebuilt.push(rebuild(old, next, taken, changesOf(name), plan));
        if (plan.fates.get(name) === 'rebuilt')
          warnAboutTightening(next.name, beforeShape, afterShape, plan, 'copy');
      }
    }
  }
  for (const [name, next] of after.tables)
    if (!before.tables.has(name)) created.push({ sql: next.sql as string });
  plan.framed ||= dropped.length > 0 || rebuilt.length > 0;
  return { dropped, created, altered, rebuilt };
}

function rebuild(
  old: SchemaObject,
  next: SchemaObject,
  taken: Set<string>,
  changes: string[],
  plan: MigrationPlan,
): MigrationStep {
  const beforeSql = old.sql as string;
  const afterSql = next.sql as string;
  const kept = new Set(readTableDefinition(afterSql).columns.map((c) => c.name.toLowerCase()));
  const beforeColumns = readTableDefinition(beforeSql).columns;
  for (const column of beforeColumns)
    if (!kept.has(column.name.toLowerCase()) && column.generated === null)
      plan.losses.push(`column ${next.name}.${column.name} is dropped with its values`);
  const unfillable = unfillableColumns(beforeSql, afterSql);
  const keepRows = unfillable.length === 0 && copiedColumns(beforeSql, afterSql).length > 0;
  if (unfillable.length > 0)
    plan.losses.push(
      `the rows of ${next.name} are dropped: its new column${unfillable.length > 1 ? 's' : ''} ${unfillable.join(', ')} ${unfillable.length > 1 ? 'are' : 'is'} NOT NULL without a default, so no row has a value for ${unfillable.length > 1 ? 'them' : 'it'}`,
    );
  plan.fates.set(old.name.toLowerCase(), keepRows ? 'rebuilt' : 'lost');
  let temporaryName = `new_${next.name}`;
  for (let n = 2; taken.has(temporaryName.toLowerCase()); n++)
    temporaryName = `new_${next.name}_${n}`;
  taken.add(temporaryName.toLowerCase());
  return rebuildTable({
    before: old.name,
    after: next.name,
    beforeSql,
    afterSql,
    temporaryName,
    keepRows,
    changes,
  });
}

/**
 * What a copy into the new definition (or `ADD COLUMN`, which checks the rows it adds to) runs
 * into on rows the old definition allowed: a column now NOT NULL or of another type, a new
 * CHECK, UNIQUE constraint or foreign key.
 */
function warnAboutTightening(
  table: string,
  before: TableShape | undefined,
  after: TableShape | undefined,
  plan: MigrationPlan,
  how: 'copy' | 'ADD COLUMN',
): void {
  if (!before || !after) return;
  const fails = `the ${how} fails on a database`;
  for (const [name, column] of Object.entries(after.columns)) {
    const old: ColumnShape | undefined = before.columns[name];
    if (!old) continue;
    if (column.notNull && !old.notNull)
      plan.warnings.push(`${table}.${name} is now NOT NULL: ${fails} where it holds NULL`);
    if (column.type !== old.type)
      plan.warnings.push(
        `${table}.${name} is now of type ${column.type || '(none)'}, not ${old.type || '(none)'}: the copy converts its values as SQLite converts into that type${after.strict ? ', and fails on one the STRICT table cannot hold' : ''}`,
      );
  }
  const added = (list: 'checks' | 'uniqueConstraints' | 'foreignKeys') =>
    after[list].filter((item) => !before[list].includes(item));
  for (const check of added('checks'))
    plan.warnings.push(`${table} has a new CHECK ${check}: ${fails} whose rows break it`);
  if (how === 'ADD COLUMN') return;
  if (after.strict && !before.strict)
    plan.warnings.push(
      `${table} is now STRICT: ${fails} where a value does not fit its column's type`,
    );
  for (const unique of added('uniqueConstraints'))
    plan.warnings.push(`${table} has a new UNIQUE (${unique}): ${fails} where two rows share it`);
  for (const key of added('foreignKeys'))
    plan.warnings.push(
      `${table} has a new foreign key ${key}: the migration fails its foreign key check on a database where a row refers to a missing one`,
    );
}

/** Rows that refer to rows the migration drops (allowed) are left referring to nothing. */
function warnAboutOrphans(after: SchemaModel, plan: MigrationPlan): void {
  const lost = new Set([...plan.fates].filter(([, fate]) => fate === 'lost').map(([name]) => name));
  for (const [name, table] of after.tables) {
    if (table.virtual || lost.has(name)) continue;
    const parents = readTableDefinition(table.sql as string).foreignKeys.map((key) =>
      key.parent.toLowerCase(),
    );
    for (const parent of new Set(parents.filter((p) => lost.has(p))))
      plan.warnings.push(
        `${table.name} refers to ${parent}, whose rows are dropped: the migration fails its foreign key check on a database where a row of ${table.name} refers to one of them`,
      );
  }
}

function warnAboutNewUniqueIndexes(
  before: SchemaModel,
  after: SchemaModel,
  created: Set<string>,
  plan: MigrationPlan,
): void {
  for (const name of created) {
    const index = after.fingerprint.indexes[name];
    if (!index?.unique || !before.tables.has(index.table)) continue;
    if (before.fingerprint.indexes[name]?.unique) continue;
    plan.warnings.push(
      `index ${(after.indexes.get(name) as SchemaObject).name} is UNIQUE on ${index.table}, which has rows: creating it fails on a database where two rows share its key`,
    );
  }
}

/**
 * Objects of one kind that go (dropped, each with why, for its comment) and come (created)
 * between two schemas.
 */
function changedObjects(
  before: Map<string, SchemaObject>,
  after: Map<string, SchemaObject>,
  same: (name: string) => boolean,
): { dropped: Map<string, string>; created: Set<string> } {
  const dropped = new Map<string, string>();
  const created = new Set<string>();
  for (const name of before.keys()) {
    if (!after.has(name)) dropped.set(name, 'Not in the new schema.');
    else if (!same(name))
      dropped.set(name, 'Changed: created again below, as the new schema has it.');
  }
  for (const name of after.keys()) if (!before.has(name) || dropped.has(name)) created.add(name);
  return { dropped, created };
}

/** The first of these tables or views (lower-case names) a view or trigger mentions. */
function firstRead(
  object: SchemaObject,
  ...names: { has(name: string): boolean }[]
): string | undefined {
  for (const mentioned of mentionedNames(object.sql as string))
    if (names.some((set) => set.has(mentioned))) return mentioned;
  return undefined;
}

/** Why an object that reads `read` is dropped with it. */
function goesWith(read: string, comesBack: boolean): string {
  return `Reads ${read}, which is rebuilt or dropped${comesBack ? ': created again below' : ', and is not in the new schema'}.`;
}

/** Views in an order they can be created in: each after the views it reads. */
function inDependencyOrder(names: string[], views: Map<string, SchemaObject>): string[] {
  const wanted = new Set(names);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (!wanted.has(name) || ordered.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const read of mentionedNames(views.get(name)?.sql as string))
      if (read !== name) visit(read);
    ordered.push(name);
  };
  for (const name of inSchemaOrder(wanted, views)) visit(name);
  return ordered;
}

/** Names in the order the schema lists its objects. */
function inSchemaOrder(names: Set<string>, map: Map<string, SchemaObject>): string[] {
  return [...map.keys()].filter((name) => names.has(name));
}

function addStep(
  plan: MigrationPlan,
  comments: string[],
  statements: MigrationStep['statements'],
): void {
  if (statements.length > 0) plan.steps.push({ comments, statements });
}
