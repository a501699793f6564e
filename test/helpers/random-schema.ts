/**
 * Random schemas for the fingerprint's property test: a schema as data, drawn from a seeded
 * generator (so a failure reproduces from its seed), with every kind of column and constraint,
 * CHECK, COLLATE, generated columns, WITHOUT ROWID and STRICT tables, partial and expression
 * indexes, views, triggers and FTS4 tables. `write-schema.ts` writes one out, `schema-changes.ts`
 * changes one thing in it.
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

export type Random = () => number;

/** A token of SQL the writer spells: a keyword, a name, or text it keeps as it is. */
export type Token = { keyword: string } | { name: string } | { text: string };
export type Expression = Token[];

export const kw = (words: string): Token[] => words.split(' ').map((keyword) => ({ keyword }));
export const nm = (name: string): Token => ({ name });
export const tx = (text: string): Token => ({ text });

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
export const STRICT_TYPES = ['INT', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'ANY'];
export const LOOSE_TYPES = [
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

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

export function typeTokens(type: string): Token[] {
  const sized = /^(\w+)\((.+)\)$/.exec(type);
  if (!sized) return type === '' ? [] : kw(type);
  return [...kw(sized[1] as string), tx('('), tx(sized[2] as string), tx(')')];
}

/** A table with nothing in it yet. */
export function emptyTable(name: string, strict: boolean): Table {
  return {
    name,
    columns: [],
    primaryKey: null,
    unique: [],
    checks: [],
    foreignKeys: [],
    withoutRowid: false,
    strict,
  };
}

/** A column of that type (`''` for none) with no constraint. */
export function plainColumn(name: string, typeName: string): Column {
  return {
    name,
    type: typeTokens(typeName),
    typeName,
    notNull: null,
    default: null,
    collation: null,
    generated: null,
  };
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
    const table = emptyTable(freshName('t'), strict);
    const columnCount = 2 + Math.floor(random() * 4);
    for (let c = 0; c < columnCount; c++) {
      const typeName = pick(random, strict ? STRICT_TYPES : LOOSE_TYPES);
      table.columns.push({
        ...plainColumn(freshName('c'), typeName),
        notNull: chance(random, 0.3) ? { onConflict: pick(random, CONFLICTS) } : null,
        default: chance(random, 0.3) ? [tx(pick(random, DEFAULTS))] : null,
        collation: pick(random, COLLATIONS),
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

/** SQLite's rule, less its DESC quirk (the schemas here never put DESC on an INTEGER key). */
export function isRowidAlias(table: Table): boolean {
  const key = table.primaryKey;
  const only = key?.columns.length === 1 ? key.columns[0] : undefined;
  const type = table.columns.find((column) => column.name === only?.name)?.typeName;
  return !table.withoutRowid && type === 'INTEGER';
}
