/**
 * Random schemas for the fingerprint's property test: a schema as data, ways to write it out
 * (plainly, or respelled with other quoting, case, whitespace, comments, column and constraint
 * order, and constraints moved between column and table), and every single change of meaning
 * that can be made to it. Seeded, so a failure reproduces from its seed.
 */

/** A seeded generator of numbers in [0, 1) (mulberry32): the same seed, the same schema. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

/** A token of SQL the writer spells: a keyword, a name, or text it keeps as it is. */
type Token = { keyword: string } | { name: string } | { text: string };
type Expression = Token[];

const kw = (words: string): Token[] => words.split(' ').map((keyword) => ({ keyword }));
const nm = (name: string): Token => ({ name });
const tx = (text: string): Token => ({ text });

export interface Column {
  name: string;
  /** Keywords and size, as tokens; empty for a column with no type. */
  type: Token[];
  /** The type's words as SQLite would compare them, for choosing what a change can be. */
  typeName: string;
  notNull: { onConflict: string | null } | null;
  default: Expression | null;
  collation: string | null;
  generated: { expression: Expression; stored: boolean } | null;
}

export interface KeyColumn {
  name: string;
  collation: string | null;
  descending: boolean;
}

export interface Key {
  columns: KeyColumn[];
  onConflict: string | null;
  autoincrement: boolean;
}

export interface Check {
  name: string | null;
  expression: Expression;
  /** The column it can be written on (any column; a CHECK means the same either way). */
  column: string;
}

export interface ForeignKey {
  columns: string[];
  parent: string;
  parentColumns: string[];
  onDelete: string | null;
  deferred: boolean;
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey: Key | null;
  unique: Key[];
  checks: Check[];
  foreignKeys: ForeignKey[];
  withoutRowid: boolean;
  strict: boolean;
}

export interface Index {
  name: string;
  table: string;
  unique: boolean;
  terms: {
    expression: Expression;
    column: string | null;
    collation: string | null;
    descending: boolean;
  }[];
  where: Expression | null;
}

export interface Schema {
  tables: Table[];
  indexes: Index[];
  views: { name: string; table: string; columns: string[]; above: number }[];
  triggers: { name: string; table: string; timing: string; event: string; value: number }[];
  fullText: { name: string; columns: string[] }[];
}

/** Names that need quoting (keywords, spaces, quotes) among plain ones. */
const ODD_NAMES = ['order', 'group', 'My Col', 'x"y', 'check', 'select', 'Key Part'];
const STRICT_TYPES = ['INT', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'ANY'];
const LOOSE_TYPES = [
  ...STRICT_TYPES,
  'VARCHAR(20)',
  'NUMERIC',
  '',
  'DOUBLE PRECISION',
  'DECIMAL(10,2)',
];
const COLLATIONS = [null, 'NOCASE', 'RTRIM'];
const CONFLICTS = [null, 'ROLLBACK', 'FAIL', 'IGNORE', 'REPLACE'];
const ACTIONS = [null, 'CASCADE', 'SET NULL', 'RESTRICT', 'SET DEFAULT'];
const DEFAULTS = ["'draft'", '0', '-1', '2.5', 'NULL', "x'00ff'", 'CURRENT_TIMESTAMP', "'it''s'"];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

function typeTokens(type: string): Token[] {
  const sized = /^(\w+)\((.+)\)$/.exec(type);
  if (!sized) return type === '' ? [] : kw(type);
  return [...kw(sized[1] as string), tx('('), tx(sized[2] as string), tx(')')];
}

/** A random schema: a few related tables with every kind of column and constraint, and more. */
export function randomSchema(random: Random): Schema {
  const schema: Schema = { tables: [], indexes: [], views: [], triggers: [], fullText: [] };
  const tableCount = 1 + Math.floor(random() * 3);
  let nameSerial = 0;
  const freshName = (prefix: string) =>
    chance(random, 0.15)
      ? `${pick(random, ODD_NAMES)} ${nameSerial++}`
      : `${prefix}${nameSerial++}`;
  for (let t = 0; t < tableCount; t++) {
    const strict = chance(random, 0.25);
    const table: Table = {
      name: freshName('t'),
      columns: [],
      primaryKey: null,
      unique: [],
      checks: [],
      foreignKeys: [],
      withoutRowid: false,
      strict,
    };
    const columnCount = 2 + Math.floor(random() * 4);
    for (let c = 0; c < columnCount; c++) {
      const typeName = pick(random, strict ? STRICT_TYPES : LOOSE_TYPES);
      table.columns.push({
        name: freshName('c'),
        type: typeTokens(typeName),
        typeName,
        notNull: chance(random, 0.3) ? { onConflict: pick(random, CONFLICTS) } : null,
        default: chance(random, 0.3) ? [tx(pick(random, DEFAULTS))] : null,
        collation: pick(random, COLLATIONS),
        generated: null,
      });
    }
    const [first, second] = table.columns as [Column, Column];
    if (chance(random, 0.3)) {
      first.type = kw('INTEGER');
      first.typeName = 'INTEGER';
      first.default = null;
      table.primaryKey = {
        columns: [{ name: first.name, collation: null, descending: false }],
        onConflict: pick(random, CONFLICTS),
        autoincrement: chance(random, 0.4),
      };
    } else if (chance(random, 0.6)) {
      const keyColumns = chance(random, 0.5) ? [first, second] : [first];
      table.primaryKey = {
        columns: keyColumns.map((column) => ({
          name: column.name,
          collation: chance(random, 0.2) ? 'NOCASE' : null,
          descending: column.typeName !== 'INTEGER' && chance(random, 0.3),
        })),
        onConflict: pick(random, CONFLICTS),
        autoincrement: false,
      };
      table.withoutRowid = chance(random, 0.4);
    }
    const keyNames = new Set(table.primaryKey?.columns.map((column) => column.name));
    for (const column of table.columns.slice(1)) {
      if (keyNames.has(column.name)) continue;
      if (chance(random, 0.25))
        table.unique.push({
          columns: [
            {
              name: column.name,
              collation: chance(random, 0.2) ? 'NOCASE' : null,
              descending: chance(random, 0.2),
            },
          ],
          onConflict: pick(random, CONFLICTS),
          autoincrement: false,
        });
      if (chance(random, 0.25))
        table.checks.push({
          name: chance(random, 0.4) ? freshName('ck') : null,
          expression: [
            nm(column.name),
            tx(pick(random, ['>', '<>', '>='])),
            tx(String(Math.floor(random() * 9))),
          ],
          column: column.name,
        });
    }
    const plain = table.columns.filter((column) => !keyNames.has(column.name));
    const last = plain.at(-1);
    const source = plain.at(0);
    if (last && source && last !== source && chance(random, 0.3)) {
      last.default = null;
      last.generated = {
        expression: [
          nm(source.name),
          tx(pick(random, ['*', '+', '||'])),
          tx(String(2 + Math.floor(random() * 5))),
        ],
        stored: chance(random, 0.5),
      };
    }
    const parent = schema.tables.find((candidate) => candidate.primaryKey?.columns.length === 1);
    const child = plain.find((column) => column.generated === null && column !== last);
    if (parent && child && chance(random, 0.6)) {
      const parentKey = parent.primaryKey?.columns[0]?.name as string;
      table.foreignKeys.push({
        columns: [child.name],
        parent: parent.name,
        parentColumns: chance(random, 0.5) ? [parentKey] : [],
        onDelete: pick(random, ACTIONS),
        deferred: chance(random, 0.3),
      });
    }
    schema.tables.push(table);
  }
  for (const table of schema.tables) {
    const indexable = table.columns.filter((column) => column.generated === null);
    for (let i = 0; i < Math.floor(random() * 3); i++) {
      const column = pick(random, indexable);
      const asExpression = chance(random, 0.3);
      schema.indexes.push({
        name: freshName('ix'),
        table: table.name,
        unique: chance(random, 0.3),
        terms: [
          {
            expression: asExpression
              ? [tx('lower'), tx('('), nm(column.name), tx(')')]
              : [nm(column.name)],
            column: asExpression ? null : column.name,
            collation: chance(random, 0.3) ? pick(random, ['NOCASE', 'RTRIM', 'BINARY']) : null,
            descending: chance(random, 0.3),
          },
        ],
        where: chance(random, 0.3) ? [nm(column.name), ...kw('IS NOT NULL')] : null,
      });
    }
    if (chance(random, 0.4))
      schema.views.push({
        name: freshName('v'),
        table: table.name,
        columns: table.columns.slice(0, 2).map((column) => column.name),
        above: Math.floor(random() * 9),
      });
    if (chance(random, 0.3))
      schema.triggers.push({
        name: freshName('tr'),
        table: table.name,
        timing: pick(random, ['BEFORE', 'AFTER']),
        event: pick(random, ['INSERT', 'DELETE', 'UPDATE']),
        value: Math.floor(random() * 9),
      });
  }
  if (chance(random, 0.3))
    schema.fullText.push({ name: freshName('fts'), columns: ['title', 'body'] });
  return schema;
}

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

/** SQLite's rule, less its DESC quirk (the schemas here never put DESC on an INTEGER key). */
function isRowidAlias(table: Table): boolean {
  const key = table.primaryKey;
  const only = key?.columns.length === 1 ? key.columns[0] : undefined;
  const type = table.columns.find((column) => column.name === only?.name)?.typeName;
  return !table.withoutRowid && type === 'INTEGER';
}

/**
 * Every change of one thing that changes what SQLite does (a constraint, a type, a collation, an
 * object), as a description and the changed schema. Each keeps the schema valid SQL.
 */
export function singleChanges(schema: Schema): { change: string; schema: Schema }[] {
  const changes: { change: string; schema: Schema }[] = [];
  const change = (description: string, edit: (copy: Schema) => void) => {
    const copy = structuredClone(schema);
    edit(copy);
    changes.push({ change: description, schema: copy });
  };
  for (const [t, table] of schema.tables.entries()) {
    const at = (copy: Schema) => copy.tables[t] as Table;
    const keyNames = new Set(table.primaryKey?.columns.map((column) => column.name));
    const inKey = (name: string) => keyNames.has(name);
    change(`${table.name}: a column added`, (copy) =>
      at(copy).columns.push({
        name: 'added_column',
        type: kw('TEXT'),
        typeName: 'TEXT',
        notNull: null,
        default: null,
        collation: null,
        generated: null,
      }),
    );
    for (const [c, column] of table.columns.entries()) {
      const col = (copy: Schema) => at(copy).columns[c] as Column;
      const where = `${table.name}.${column.name}`;
      const otherType = (table.strict ? STRICT_TYPES : LOOSE_TYPES).find(
        (type) =>
          type !== column.typeName &&
          type !== '' &&
          !(inKey(column.name) && table.primaryKey?.autoincrement),
      );
      if (otherType && !(table.primaryKey?.autoincrement && inKey(column.name)))
        change(`${where}: type ${otherType}`, (copy) => {
          col(copy).type = typeTokens(otherType);
          col(copy).typeName = otherType;
        });
      // Key columns of a WITHOUT ROWID or STRICT table (but a rowid alias) are NOT NULL either way.
      const impliedNotNull =
        inKey(column.name) && (table.withoutRowid || (table.strict && !isRowidAlias(table)));
      if (!impliedNotNull && column.generated === null)
        change(`${where}: NOT NULL toggled`, (copy) => {
          col(copy).notNull = column.notNull ? null : { onConflict: null };
        });
      if (column.notNull)
        change(`${where}: NOT NULL's conflict clause`, (copy) => {
          (col(copy).notNull as { onConflict: string | null }).onConflict =
            column.notNull?.onConflict === 'REPLACE' ? null : 'REPLACE';
        });
      if (column.generated === null && !(table.primaryKey?.autoincrement && inKey(column.name))) {
        change(`${where}: another default`, (copy) => {
          col(copy).default =
            column.default && JSON.stringify(column.default).includes('42')
              ? [tx('43')]
              : [tx('42')];
        });
        if (column.default)
          change(`${where}: no default`, (copy) => {
            col(copy).default = null;
          });
      }
      change(`${where}: another collation`, (copy) => {
        col(copy).collation = column.collation === 'NOCASE' ? 'RTRIM' : 'NOCASE';
      });
      if (column.generated) {
        change(`${where}: another generated expression`, (copy) => {
          col(copy).generated?.expression.push(tx('+'), tx('1'));
        });
        change(`${where}: generated stored or virtual`, (copy) => {
          (col(copy).generated as { stored: boolean }).stored = !column.generated?.stored;
        });
      }
    }
    const key = table.primaryKey;
    if (key) {
      change(`${table.name}: the key's conflict clause`, (copy) => {
        (at(copy).primaryKey as Key).onConflict = key.onConflict === 'REPLACE' ? null : 'REPLACE';
      });
      if (isRowidAlias(table))
        change(`${table.name}: AUTOINCREMENT toggled`, (copy) => {
          (at(copy).primaryKey as Key).autoincrement = !key.autoincrement;
        });
      else {
        change(`${table.name}: a key column's direction`, (copy) => {
          const first = (at(copy).primaryKey as Key).columns[0] as KeyColumn;
          first.descending = !first.descending;
        });
        change(`${table.name}: a key column's own collation`, (copy) => {
          const first = (at(copy).primaryKey as Key).columns[0] as KeyColumn;
          const own = table.columns.find((c) => c.name === first.name)?.collation ?? null;
          first.collation = (first.collation ?? own) === 'RTRIM' ? 'NOCASE' : 'RTRIM';
        });
        if (!key.autoincrement)
          change(`${table.name}: WITHOUT ROWID toggled`, (copy) => {
            at(copy).withoutRowid = !table.withoutRowid;
          });
      }
      if (
        !key.autoincrement &&
        !table.foreignKeys.length &&
        !schema.tables.some((other) => other.foreignKeys.some((fk) => fk.parent === table.name))
      )
        change(`${table.name}: no primary key`, (copy) => {
          at(copy).primaryKey = null;
          at(copy).withoutRowid = false;
        });
    }
    if (table.columns.every((column) => STRICT_TYPES.includes(column.typeName)))
      change(`${table.name}: STRICT toggled`, (copy) => {
        at(copy).strict = !table.strict;
      });
    for (const [u, unique] of table.unique.entries()) {
      change(`${table.name}: a UNIQUE constraint dropped`, (copy) => {
        at(copy).unique.splice(u, 1);
      });
      change(`${table.name}: a UNIQUE constraint's conflict clause`, (copy) => {
        (at(copy).unique[u] as Key).onConflict = unique.onConflict === 'IGNORE' ? null : 'IGNORE';
      });
    }
    const free = table.columns.find(
      (column) =>
        !inKey(column.name) &&
        !table.unique.some((u) => u.columns.length === 1 && u.columns[0]?.name === column.name),
    );
    if (free)
      change(`${table.name}: a UNIQUE constraint added`, (copy) => {
        at(copy).unique.push({
          columns: [{ name: free.name, collation: null, descending: false }],
          onConflict: null,
          autoincrement: false,
        });
      });
    for (const [k, check] of table.checks.entries()) {
      change(`${table.name}: a CHECK dropped`, (copy) => {
        at(copy).checks.splice(k, 1);
      });
      change(`${table.name}: a CHECK's expression`, (copy) => {
        (at(copy).checks[k] as Check).expression.push(...kw('OR'), tx('1'), tx('='), tx('0'));
      });
      change(`${table.name}: a CHECK named or not`, (copy) => {
        (at(copy).checks[k] as Check).name = check.name === null ? 'renamed_check' : null;
      });
    }
    const anyColumn = table.columns[0] as Column;
    change(`${table.name}: a CHECK added`, (copy) => {
      at(copy).checks.push({
        name: null,
        expression: [nm(anyColumn.name), ...kw('IS NOT NULL')],
        column: anyColumn.name,
      });
    });
    for (const [f, foreignKey] of table.foreignKeys.entries()) {
      change(`${table.name}: a foreign key dropped`, (copy) => {
        at(copy).foreignKeys.splice(f, 1);
      });
      change(`${table.name}: a foreign key's ON DELETE`, (copy) => {
        (at(copy).foreignKeys[f] as ForeignKey).onDelete =
          foreignKey.onDelete === 'CASCADE' ? null : 'CASCADE';
      });
      change(`${table.name}: a foreign key deferred or not`, (copy) => {
        (at(copy).foreignKeys[f] as ForeignKey).deferred = !foreignKey.deferred;
      });
    }
    if (
      !schema.views.some((v) => v.table === table.name) &&
      !schema.triggers.some((tr) => tr.table === table.name)
    )
      change(`${table.name}: dropped`, (copy) => {
        copy.tables.splice(t, 1);
        copy.indexes = copy.indexes.filter((index) => index.table !== table.name);
        for (const other of copy.tables)
          other.foreignKeys = other.foreignKeys.filter((fk) => fk.parent !== table.name);
      });
  }
  for (const [i, index] of schema.indexes.entries()) {
    const at = (copy: Schema) => copy.indexes[i] as Index;
    const table = schema.tables.find((t) => t.name === index.table) as Table;
    const term = index.terms[0] as Index['terms'][number];
    const own =
      term.column === null
        ? null
        : (table.columns.find((c) => c.name === term.column)?.collation ?? null);
    const effective = term.collation === 'BINARY' ? null : (term.collation ?? own);
    change(`${index.name}: dropped`, (copy) => {
      copy.indexes.splice(i, 1);
    });
    change(`${index.name}: UNIQUE toggled`, (copy) => {
      at(copy).unique = !index.unique;
    });
    change(`${index.name}: a term's direction`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).descending = !term.descending;
    });
    change(`${index.name}: a term's collation`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).collation =
        effective === 'NOCASE' ? 'RTRIM' : 'NOCASE';
    });
    change(`${index.name}: WHERE added or dropped`, (copy) => {
      at(copy).where = index.where ? null : [...term.expression, ...kw('IS NOT NULL')];
    });
    change(`${index.name}: another term`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).expression = [
        tx('('),
        ...term.expression,
        tx('||'),
        tx("'!'"),
        tx(')'),
      ];
      (at(copy).terms[0] as Index['terms'][number]).column = null;
    });
  }
  for (const [v, view] of schema.views.entries()) {
    change(`${view.name}: dropped`, (copy) => {
      copy.views.splice(v, 1);
    });
    change(`${view.name}: another WHERE`, (copy) => {
      (copy.views[v] as Schema['views'][number]).above = view.above + 1;
    });
  }
  for (const [r, trigger] of schema.triggers.entries()) {
    change(`${trigger.name}: dropped`, (copy) => {
      copy.triggers.splice(r, 1);
    });
    change(`${trigger.name}: another event`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).event =
        trigger.event === 'INSERT' ? 'DELETE' : 'INSERT';
    });
    change(`${trigger.name}: BEFORE or AFTER`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).timing =
        trigger.timing === 'AFTER' ? 'BEFORE' : 'AFTER';
    });
    change(`${trigger.name}: another body`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).value = trigger.value + 1;
    });
  }
  for (const [x, fullText] of schema.fullText.entries()) {
    change(`${fullText.name}: a column added`, (copy) => {
      (copy.fullText[x] as Schema['fullText'][number]).columns.push('extra');
    });
    change(`${fullText.name}: dropped`, (copy) => {
      copy.fullText.splice(x, 1);
    });
  }
  change('a table added', (copy) => {
    copy.tables.push({
      name: 'added_table',
      columns: [
        {
          name: 'a',
          type: [],
          typeName: '',
          notNull: null,
          default: null,
          collation: null,
          generated: null,
        },
      ],
      primaryKey: null,
      unique: [],
      checks: [],
      foreignKeys: [],
      withoutRowid: false,
      strict: false,
    });
  });
  return changes;
}
