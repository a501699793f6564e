import type { ColumnShape, IndexShape, SchemaFingerprint, TableShape } from './fingerprint.ts';
import type { ObjectKind, SchemaDifference } from './types.ts';

/**
 * The words a difference is told in. Drift compares a database with the schema it should have;
 * a change compares a schema before and after a run. One comparison serves both.
 */
interface Wording {
  /** An object or column only on the expected (drift) or before (change) side. */
  absent: string;
  columnAbsent: string;
  /** An object or column only on the actual (drift) or after (change) side. */
  present: string;
  columnPresent: string;
  /** The same object with two definitions. */
  differs(actual: string, expected: string): string;
  redefined: string;
}

const DRIFT: Wording = {
  absent: 'missing from the database',
  columnAbsent: 'missing',
  present: 'only in the database',
  columnPresent: 'only in the database',
  differs: (actual, expected) => `${actual}, expected ${expected}`,
  redefined: 'has a different definition',
};

const CHANGE: Wording = {
  absent: 'dropped',
  columnAbsent: 'dropped',
  present: 'created',
  columnPresent: 'added',
  differs: (after, before) => `${before} → ${after}`,
  redefined: 'redefined',
};

/** One difference in words: `column notes.title: missing in the database`, say. */
export function describeDifference(difference: SchemaDifference): string {
  return `${difference.kind} ${difference.object}: ${difference.detail}`;
}

/**
 * How `actual` differs from `expected`, object by object, in words a person can act on. An empty
 * list means the schemas are the same.
 */
export function diffSchemas(
  actual: SchemaFingerprint,
  expected: SchemaFingerprint,
): SchemaDifference[] {
  return compareSchemas(actual, expected, DRIFT);
}

/** What a run did to a schema: objects created, dropped or redefined, columns added or dropped. */
export function schemaChanges(
  before: SchemaFingerprint,
  after: SchemaFingerprint,
): SchemaDifference[] {
  return compareSchemas(after, before, CHANGE);
}

function compareSchemas(
  actual: SchemaFingerprint,
  expected: SchemaFingerprint,
  words: Wording,
): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  const add = (kind: ObjectKind, object: string, table: string, detail: string) =>
    differences.push({ kind, object, table, detail });

  compareKeyed(actual.tables, expected.tables, {
    missing: (name) => add('table', name, name, words.absent),
    extra: (name) => add('table', name, name, words.present),
    both: (name, got, want) => {
      for (const detail of diffTables(got, want, words)) add('table', name, name, detail);
    },
  });
  compareKeyed(actual.virtualTables, expected.virtualTables, {
    missing: (name) => add('virtual table', name, name, words.absent),
    extra: (name) => add('virtual table', name, name, words.present),
    both: (name, got, want) => {
      if (got !== want) add('virtual table', name, name, `defined as ${words.differs(got, want)}`);
    },
  });
  compareKeyed(actual.indexes, expected.indexes, {
    missing: (name, want) => add('index', name, want.table, words.absent),
    extra: (name, got) => add('index', name, got.table, words.present),
    both: (name, got, want) => {
      if (JSON.stringify(got) !== JSON.stringify(want))
        add(
          'index',
          name,
          want.table,
          `is ${words.differs(describeIndex(got), describeIndex(want))}`,
        );
    },
  });
  compareKeyed(actual.triggers, expected.triggers, {
    missing: (name, want) => add('trigger', name, want.table, words.absent),
    extra: (name, got) => add('trigger', name, got.table, words.present),
    both: (name, got, want) => {
      if (got.sql !== want.sql) add('trigger', name, want.table, words.redefined);
    },
  });
  compareKeyed(actual.views, expected.views, {
    missing: (name) => add('view', name, name, words.absent),
    extra: (name) => add('view', name, name, words.present),
    both: (name, got, want) => {
      if (got !== want) add('view', name, name, words.redefined);
    },
  });
  return differences;
}

function diffTables(got: TableShape, want: TableShape, words: Wording): string[] {
  const details: string[] = [];
  compareKeyed(got.columns, want.columns, {
    missing: (name) => details.push(`column ${name}: ${words.columnAbsent}`),
    extra: (name) => details.push(`column ${name}: ${words.columnPresent}`),
    both: (name, have, need) => {
      const differs = (label: string, actual: string, expected: string) => {
        if (actual !== expected)
          details.push(`column ${name}: ${label}${words.differs(actual, expected)}`);
      };
      differs('type ', have.type || '(none)', need.type || '(none)');
      differs('', nullability(have), nullability(need));
      differs('default ', have.default ?? '(none)', need.default ?? '(none)');
      differs('primary key position ', String(have.primaryKey), String(need.primaryKey));
      differs('collation ', have.collation ?? 'binary', need.collation ?? 'binary');
      differs('', generation(have), generation(need));
    },
  });
  const listDiff = (label: string, have: string[], need: string[]) => {
    for (const item of need)
      if (!have.includes(item)) details.push(`${label} ${item}: ${words.columnAbsent}`);
    for (const item of have)
      if (!need.includes(item)) details.push(`${label} ${item}: ${words.columnPresent}`);
  };
  listDiff('foreign key', got.foreignKeys, want.foreignKeys);
  listDiff('unique constraint on', got.uniqueConstraints, want.uniqueConstraints);
  listDiff('check', got.checks, want.checks);
  const keyOf = (shape: TableShape) => shape.primaryKey.join(', ') || 'plain';
  if (keyOf(got) !== keyOf(want))
    details.push(`primary key: ${words.differs(keyOf(got), keyOf(want))}`);
  if (got.withoutRowid !== want.withoutRowid) details.push('WITHOUT ROWID differs');
  if (got.strict !== want.strict) details.push('STRICT differs');
  listDiff('definition text', got.unread ?? [], want.unread ?? []);
  return details;
}

function nullability(column: ColumnShape): string {
  if (!column.notNull) return 'nullable';
  const onConflict = column.notNullOnConflict;
  return onConflict === null ? 'NOT NULL' : `NOT NULL ON CONFLICT ${onConflict.toUpperCase()}`;
}

function generation(column: ColumnShape): string {
  if (column.generated === null) return 'not generated';
  return `generated as (${column.generated}) ${column.hidden === 3 ? 'stored' : 'virtual'}`;
}

function describeIndex(index: IndexShape): string {
  const where = index.where === null ? '' : ` where ${index.where}`;
  const unread = index.unread ? ` (${index.unread.join(' ')})` : '';
  return `${index.unique ? 'unique ' : ''}on ${index.table}(${index.columns.join(', ')})${where}${unread}`;
}

function compareKeyed<T>(
  actual: Record<string, T>,
  expected: Record<string, T>,
  on: {
    missing: (name: string, want: T) => void;
    extra: (name: string, got: T) => void;
    both: (name: string, got: T, want: T) => void;
  },
): void {
  for (const [name, want] of Object.entries(expected)) {
    const got = Object.hasOwn(actual, name) ? actual[name] : undefined;
    if (got === undefined) on.missing(name, want);
    else on.both(name, got, want);
  }
  for (const [name, got] of Object.entries(actual))
    if (!Object.hasOwn(expected, name)) on.extra(name, got);
}
