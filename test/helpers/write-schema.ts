/**
 * Writes a random schema (`random-schema.ts`) out as SQL: plainly, every constraint where the
 * schema first put it, or respelled with every choice that keeps the meaning drawn at random —
 * quoting, case, whitespace, comments, column and constraint order, constraints moved between
 * column and table, `ALTER TABLE … ADD COLUMN`, and the defaults SQLite spells out or leaves out.
 */
import {
  type Column,
  type Index,
  type KeyColumn,
  kw,
  nm,
  pick,
  type Random,
  type Schema,
  type Table,
  type Token,
  tx,
} from './random-schema.ts';

/**
 * How to write a schema out. `plain` writes every constraint where the schema first put it, in
 * one spelling; a respelling draws every choice that keeps the meaning from `random`.
 */
interface Spelling {
  random: Random | null;
}

/** The SQL that builds `schema`, plainly or (given `random`) respelled. */
export function writeSchema(schema: Schema, random: Random | null = null): string {
  const spelling: Spelling = { random };
  const statements: Token[][] = [];
  const tables = shuffled(spelling, schema.tables);
  const later: Token[][] = [];
  for (const table of tables) {
    const { create, alters } = writeTable(table, spelling);
    statements.push(create);
    later.push(...alters);
  }
  statements.push(...later);
  for (const index of shuffled(spelling, schema.indexes))
    statements.push(writeIndex(index, spelling));
  for (const view of schema.views)
    statements.push([
      ...kw('CREATE VIEW'),
      nm(view.name),
      ...kw('AS SELECT'),
      ...view.columns.flatMap((column, i) => (i === 0 ? [nm(column)] : [tx(','), nm(column)])),
      ...kw('FROM'),
      nm(view.table),
      ...kw('WHERE'),
      nm(view.columns[0] as string),
      tx('>'),
      tx(String(view.above)),
    ]);
  for (const trigger of schema.triggers)
    statements.push([
      ...kw('CREATE TRIGGER'),
      nm(trigger.name),
      ...kw(`${trigger.timing} ${trigger.event} ON`),
      nm(trigger.table),
      ...(choose(spelling, 0.5) ? kw('FOR EACH ROW') : []),
      ...kw('BEGIN SELECT'),
      tx(String(trigger.value)),
      tx(';'),
      ...kw('END'),
    ]);
  for (const fullText of schema.fullText)
    statements.push([
      ...kw('CREATE VIRTUAL TABLE'),
      nm(fullText.name),
      ...kw('USING'),
      { keyword: 'fts4' },
      tx('('),
      ...fullText.columns.flatMap((column, i) => (i === 0 ? [nm(column)] : [tx(','), nm(column)])),
      tx(')'),
    ]);
  return statements.map((tokens) => `${spell(tokens, spelling)};`).join('\n');
}

function writeTable(table: Table, spelling: Spelling): { create: Token[]; alters: Token[][] } {
  const key = table.primaryKey;
  const keyOnColumn =
    key !== null &&
    key.columns.length === 1 &&
    key.columns[0]?.collation === null &&
    choose(spelling, 0.5, true);
  const constraintsOf = new Map<string, Token[][]>();
  const tableConstraints: Token[][] = [];
  const onColumn = (column: string, tokens: Token[]) =>
    constraintsOf.set(column, [...(constraintsOf.get(column) ?? []), tokens]);
  if (key) {
    const conflict = conflictClause(key.onConflict, spelling);
    if (keyOnColumn) {
      const only = key.columns[0] as KeyColumn;
      onColumn(only.name, [
        ...kw('PRIMARY KEY'),
        ...(only.descending ? kw('DESC') : choose(spelling, 0.2) ? kw('ASC') : []),
        ...conflict,
        ...(key.autoincrement ? kw('AUTOINCREMENT') : []),
      ]);
    } else
      tableConstraints.push([
        ...kw('PRIMARY KEY'),
        tx('('),
        ...keyColumns(key.columns, spelling),
        ...(key.autoincrement ? kw('AUTOINCREMENT') : []),
        tx(')'),
        ...conflict,
      ]);
  }
  for (const unique of table.unique) {
    const only = unique.columns[0] as KeyColumn;
    const conflict = conflictClause(unique.onConflict, spelling);
    if (
      unique.columns.length === 1 &&
      only.collation === null &&
      !only.descending &&
      choose(spelling, 0.5, true)
    )
      onColumn(only.name, [...kw('UNIQUE'), ...conflict]);
    else
      tableConstraints.push([
        ...kw('UNIQUE'),
        tx('('),
        ...keyColumns(unique.columns, spelling),
        tx(')'),
        ...conflict,
      ]);
  }
  for (const check of table.checks) {
    const named = check.name === null ? [] : [...kw('CONSTRAINT'), nm(check.name)];
    const expression = choose(spelling, 0.3)
      ? [tx('('), ...check.expression, tx(')')]
      : check.expression;
    const tokens = [...named, ...kw('CHECK'), tx('('), ...expression, tx(')')];
    if (choose(spelling, 0.5, true)) onColumn(check.column, tokens);
    else tableConstraints.push(tokens);
  }
  for (const foreignKey of table.foreignKeys) {
    const references = [
      ...kw('REFERENCES'),
      nm(foreignKey.parent),
      ...(foreignKey.parentColumns.length > 0
        ? [tx('('), ...list(foreignKey.parentColumns), tx(')')]
        : []),
      ...(foreignKey.onDelete
        ? kw(`ON DELETE ${foreignKey.onDelete}`)
        : choose(spelling, 0.2)
          ? kw('ON DELETE NO ACTION')
          : []),
      ...(choose(spelling, 0.2) ? kw('MATCH SIMPLE') : []),
      ...(foreignKey.deferred
        ? kw('DEFERRABLE INITIALLY DEFERRED')
        : choose(spelling, 0.3)
          ? kw(
              pick(spelling.random as Random, [
                'DEFERRABLE INITIALLY IMMEDIATE',
                'NOT DEFERRABLE',
                'DEFERRABLE',
              ]),
            )
          : []),
    ];
    if (foreignKey.columns.length === 1 && choose(spelling, 0.5, true))
      onColumn(foreignKey.columns[0] as string, references);
    else
      tableConstraints.push([
        ...kw('FOREIGN KEY'),
        tx('('),
        ...list(foreignKey.columns),
        tx(')'),
        ...references,
      ]);
  }
  // A column no constraint of the table names can be added afterwards, as ALTER TABLE would.
  const named = new Set([
    ...(key?.columns.map((column) => column.name) ?? []),
    ...table.unique.flatMap((unique) => unique.columns.map((column) => column.name)),
    ...table.foreignKeys.flatMap((foreignKey) => foreignKey.columns),
    ...table.checks.map((check) => check.column),
    ...table.columns.flatMap((column) =>
      column.generated
        ? column.generated.expression.flatMap((t) => ('name' in t ? [t.name] : []))
        : [],
    ),
  ]);
  const addable = (column: Column) =>
    !named.has(column.name) &&
    column.generated === null &&
    !constraintsOf.has(column.name) &&
    (column.default === null || !/CURRENT|\(/.test(JSON.stringify(column.default))) &&
    (column.notNull === null ||
      (column.default !== null && JSON.stringify(column.default) !== JSON.stringify([tx('NULL')])));
  const columns = shuffled(spelling, table.columns);
  const added = spelling.random
    ? columns.filter((column, i) => i > 0 && addable(column) && choose(spelling, 0.3))
    : [];
  const definitions = columns
    .filter((column) => !added.includes(column))
    .map((column) => writeColumn(column, constraintsOf.get(column.name) ?? [], spelling));
  const options = [
    ...(table.withoutRowid ? [kw('WITHOUT ROWID')] : []),
    ...(table.strict ? [kw('STRICT')] : []),
  ];
  const create = [
    ...kw('CREATE TABLE'),
    nm(table.name),
    tx('('),
    ...joined([...definitions, ...shuffled(spelling, tableConstraints)]),
    tx(')'),
    ...joined(shuffled(spelling, options)),
  ];
  const alters = added.map((column) => [
    ...kw('ALTER TABLE'),
    nm(table.name),
    ...kw(choose(spelling, 0.5) ? 'ADD COLUMN' : 'ADD'),
    ...writeColumn(column, [], spelling),
  ]);
  return { create, alters };
}

function writeColumn(column: Column, constraints: Token[][], spelling: Spelling): Token[] {
  const own: Token[][] = [...constraints];
  if (column.notNull)
    own.push([...kw('NOT NULL'), ...conflictClause(column.notNull.onConflict, spelling)]);
  else if (choose(spelling, 0.1)) own.push(kw('NULL'));
  if (column.default) {
    const literal = !/CURRENT/.test(JSON.stringify(column.default));
    own.push([
      ...kw('DEFAULT'),
      ...(literal && choose(spelling, 0.3)
        ? [tx('('), ...column.default, tx(')')]
        : column.default),
    ]);
  }
  if (column.collation) own.push([...kw('COLLATE'), { keyword: column.collation }]);
  else if (choose(spelling, 0.15)) own.push(kw('COLLATE BINARY'));
  if (column.generated)
    own.push([
      // One token after a plain space (see spell): SQLite reads `GENERATED ALWAYS` as the end of
      // the type and cuts it, and the whitespace before it, off the type's text; a comment in
      // there would stay in the type.
      ...(choose(spelling, 0.5) ? [{ keyword: 'GENERATED ALWAYS' }] : []),
      ...kw('AS'),
      tx('('),
      ...column.generated.expression,
      tx(')'),
      ...(column.generated.stored ? kw('STORED') : choose(spelling, 0.5) ? kw('VIRTUAL') : []),
    ]);
  return [nm(column.name), ...column.type, ...shuffled(spelling, own).flat()];
}

function writeIndex(index: Index, spelling: Spelling): Token[] {
  return [
    ...kw(index.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX'),
    nm(index.name),
    ...kw('ON'),
    nm(index.table),
    tx('('),
    ...joined(
      index.terms.map((term) => [
        ...term.expression,
        ...(term.collation ? [...kw('COLLATE'), { keyword: term.collation }] : []),
        ...(term.descending ? kw('DESC') : choose(spelling, 0.2) ? kw('ASC') : []),
      ]),
    ),
    tx(')'),
    ...(index.where ? [...kw('WHERE'), ...index.where] : []),
  ];
}

function keyColumns(columns: KeyColumn[], spelling: Spelling): Token[] {
  return joined(
    columns.map((column) => [
      nm(column.name),
      ...(column.collation ? [...kw('COLLATE'), { keyword: column.collation }] : []),
      ...(column.descending ? kw('DESC') : choose(spelling, 0.2) ? kw('ASC') : []),
    ]),
  );
}

function conflictClause(action: string | null, spelling: Spelling): Token[] {
  if (action) return kw(`ON CONFLICT ${action}`);
  return choose(spelling, 0.2) ? kw('ON CONFLICT ABORT') : [];
}

function list(names: string[]): Token[] {
  return joined(names.map((name) => [nm(name)]));
}

function joined(parts: Token[][]): Token[] {
  return parts.flatMap((part, i) => (i === 0 ? part : [tx(','), ...part]));
}

/** A choice that keeps the meaning: `plain` (the first answer) when writing plainly. */
function choose(spelling: Spelling, probability: number, plain = false): boolean {
  return spelling.random ? spelling.random() < probability : plain;
}

function shuffled<T>(spelling: Spelling, items: readonly T[]): T[] {
  const copy = [...items];
  const random = spelling.random;
  if (!random) return copy;
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const RESERVED = new Set(['ORDER', 'GROUP', 'CHECK', 'SELECT', 'KEY']);

/** Tokens as text: in one plain spelling, or with quoting, case, spacing and comments drawn at random. */
function spell(tokens: Token[], spelling: Spelling): string {
  const random = spelling.random;
  let text = '';
  for (const [i, token] of tokens.entries()) {
    let word: string;
    if ('keyword' in token) word = random ? randomCase(token.keyword, random) : token.keyword;
    else if ('name' in token) word = quoteName(token.name, random);
    else word = token.text;
    const plainSpace = !random || ('keyword' in token && token.keyword === 'GENERATED ALWAYS');
    if (i > 0)
      text += plainSpace
        ? ' '
        : pick(random, [' ', ' ', '  ', '\n\t', ' /* why */ ', ' -- note\n']);
    text += word;
  }
  return text;
}

function randomCase(word: string, random: Random): string {
  return [...word]
    .map((char) => (random() < 0.5 ? char.toLowerCase() : char.toUpperCase()))
    .join('');
}

function quoteName(name: string, random: Random | null): string {
  const bareAllowed = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase());
  if (!random) return bareAllowed ? name : `"${name.replaceAll('"', '""')}"`;
  const cased = randomCase(name, random);
  const styles = [
    `"${cased.replaceAll('"', '""')}"`,
    ...(cased.includes(']') ? [] : [`[${cased}]`]),
    ...(cased.includes('`') ? [] : [`\`${cased}\``]),
    ...(bareAllowed ? [cased, cased] : []),
  ];
  return pick(random, styles);
}
