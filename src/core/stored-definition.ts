import {
  normalizedSql,
  normalizeSql,
  type SqlToken,
  tokenize,
  unwrapParentheses,
} from './sql-text.ts';

/**
 * A stored `CREATE TABLE` statement read into its parts, spelling aside: names as written but
 * unquoted, keywords and conflict actions in lower case, expressions in the normal form of
 * `normalizeSql`. Column constraints that act on the table (a key, UNIQUE, CHECK, REFERENCES) are
 * listed with the table's own, which is what they are to SQLite.
 */
export interface TableDefinition {
  columns: ColumnDefinition[];
  primaryKey: KeyDefinition | null;
  unique: KeyDefinition[];
  checks: CheckDefinition[];
  foreignKeys: ForeignKeyDefinition[];
  withoutRowid: boolean;
  strict: boolean;
  /** Text this reader did not expect, normalised: kept so that nothing it skipped goes unseen. */
  unread: string[];
}

export interface ColumnDefinition {
  name: string;
  /** The column's definition as written, constraints included: what `ADD COLUMN` would take. */
  source: string;
  /** The declared type in upper case, one space between words: `VARCHAR(255)`, `UNSIGNED BIG INT`. */
  type: string;
  notNull: boolean;
  /** The NOT NULL constraint's `ON CONFLICT` action, when it has one. */
  notNullOnConflict: string | null;
  default: string | null;
  collation: string | null;
  generated: { expression: string; stored: boolean } | null;
}

export interface KeyDefinition {
  columns: { name: string; collation: string | null; descending: boolean }[];
  onConflict: string | null;
  autoincrement: boolean;
  /** Written on the column (`id INTEGER PRIMARY KEY`) rather than as a table constraint. */
  onColumn: boolean;
}

export interface CheckDefinition {
  name: string | null;
  expression: string;
}

export interface ForeignKeyDefinition {
  columns: string[];
  parent: string;
  /** Empty when the clause names none: the parent's primary key. */
  parentColumns: string[];
  onDelete: string;
  onUpdate: string;
  /** `DEFERRABLE INITIALLY DEFERRED`: checked at commit, not after each statement. */
  deferred: boolean;
}

/** A stored `CREATE INDEX` statement read into its parts, as `TableDefinition` reads a table. */
export interface IndexDefinition {
  table: string;
  unique: boolean;
  columns: IndexedTerm[];
  where: string | null;
  unread: string[];
}

export interface IndexedTerm {
  /** The term in normal form: a column's name, or an expression. */
  expression: string;
  /** The name, when the term is a lone name (a column, if the table has one of that name). */
  name: string | null;
  collation: string | null;
  descending: boolean;
}

/** Reads a table's stored definition (`sqlite_schema.sql`). */
export function readTableDefinition(sql: string): TableDefinition {
  const table: TableDefinition = {
    columns: [],
    primaryKey: null,
    unique: [],
    checks: [],
    foreignKeys: [],
    withoutRowid: false,
    strict: false,
    unread: [],
  };
  const all = new Cursor(sql, tokenize(sql));
  const body = all.skipToGroup();
  if (!body) {
    table.unread.push(normalizeSql(sql));
    return table;
  }
  for (const element of body.split()) {
    if (element.isWord('CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'))
      readTableConstraints(element, table);
    else readColumn(element, table);
    if (!element.done()) table.unread.push(element.rest());
  }
  for (const option of all.split()) {
    if (option.accept('WITHOUT', 'ROWID')) table.withoutRowid = true;
    else if (option.accept('STRICT')) table.strict = true;
    if (!option.done()) table.unread.push(option.rest());
  }
  return table;
}

/** Reads an index's stored definition (`sqlite_schema.sql`). */
export function readIndexDefinition(sql: string): IndexDefinition {
  const all = new Cursor(sql, tokenize(sql));
  const index: IndexDefinition = {
    table: '',
    unique: all.accept('CREATE', 'UNIQUE'),
    columns: [],
    where: null,
    unread: [],
  };
  if (!all.skipPastWord('ON')) {
    index.unread.push(normalizeSql(sql));
    return index;
  }
  index.table = all.name();
  const terms = all.group();
  if (!terms) {
    index.unread.push(normalizeSql(sql));
    return index;
  }
  for (const term of terms.split()) index.columns.push(readIndexedTerm(term));
  if (all.accept('WHERE')) index.where = all.rest();
  if (!all.done()) index.unread.push(all.rest());
  return index;
}

/** Words that end a column's type: each begins a column constraint. */
const CONSTRAINT_WORDS = [
  'CONSTRAINT',
  'PRIMARY',
  'NOT',
  'NULL',
  'UNIQUE',
  'CHECK',
  'DEFAULT',
  'COLLATE',
  'REFERENCES',
  'GENERATED',
  'AS',
];

function readColumn(element: Cursor, table: TableDefinition): void {
  const source = element.source();
  const name = element.name();
  const column: ColumnDefinition = {
    name,
    source,
    type: element.typeName(CONSTRAINT_WORDS),
    notNull: false,
    notNullOnConflict: null,
    default: null,
    collation: null,
    generated: null,
  };
  table.columns.push(column);
  const key = (descending: boolean) => [{ name, collation: null, descending }];
  readConstraints(element, (constraintName) => {
    if (element.accept('PRIMARY', 'KEY')) {
      const descending = element.accept('DESC');
      if (!descending) element.accept('ASC');
      const onConflict = element.conflictClause();
      const autoincrement = element.accept('AUTOINCREMENT');
      table.primaryKey = { columns: key(descending), onConflict, autoincrement, onColumn: true };
    } else if (element.accept('NOT', 'NULL')) {
      column.notNull = true;
      column.notNullOnConflict = element.conflictClause();
    } else if (element.accept('NULL')) element.conflictClause();
    else if (element.accept('UNIQUE')) {
      const onConflict = element.conflictClause();
      table.unique.push({ columns: key(false), onConflict, autoincrement: false, onColumn: true });
    } else if (element.accept('CHECK'))
      table.checks.push({ name: constraintName, expression: element.expression() });
    else if (element.accept('DEFAULT')) column.default = element.defaultValue();
    else if (element.accept('COLLATE')) column.collation = element.name();
    else if (element.accept('REFERENCES')) table.foreignKeys.push(readReferences(element, [name]));
    else if (element.accept('GENERATED', 'ALWAYS', 'AS') || element.acceptBeforeGroup('AS')) {
      const expression = element.expression();
      const stored = element.accept('STORED');
      if (!stored) element.accept('VIRTUAL');
      column.generated = { expression, stored };
    } else return false;
    return true;
  });
}

function readTableConstraints(element: Cursor, table: TableDefinition): void {
  readConstraints(element, (constraintName) => {
    if (element.accept('PRIMARY', 'KEY')) {
      const key = readKey(element);
      if (!key) return false;
      table.primaryKey = key;
    } else if (element.accept('UNIQUE')) {
      const key = readKey(element);
      if (!key) return false;
      table.unique.push(key);
    } else if (element.accept('CHECK')) {
      table.checks.push({ name: constraintName, expression: element.expression() });
      // Parsed, and ignored by SQLite: a CHECK has no conflict resolution of its own.
      element.conflictClause();
    } else if (element.accept('FOREIGN', 'KEY')) {
      const columns = (element.group()?.split() ?? []).map((column) => column.name());
      if (!element.accept('REFERENCES')) return false;
      table.foreignKeys.push(readReferences(element, columns));
    } else return false;
    return true;
  });
}

/**
 * Reads constraints one after another, each after its `CONSTRAINT name` if it has one, until
 * `read` (told the name) meets one it does not know and says so; the rest is left unread.
 */
function readConstraints(element: Cursor, read: (constraintName: string | null) => boolean): void {
  while (!element.done()) {
    const constraintName = element.accept('CONSTRAINT') ? element.name() : null;
    if (!read(constraintName)) return;
  }
}

/** `(a COLLATE nocase, b DESC AUTOINCREMENT) ON CONFLICT …` after PRIMARY KEY or UNIQUE. */
function readKey(element: Cursor): KeyDefinition | null {
  const items = element.group()?.split();
  if (!items) return null;
  // Only a table's PRIMARY KEY takes it there, before the closing parenthesis.
  const autoincrement = items.at(-1)?.acceptAtEnd('AUTOINCREMENT') ?? false;
  const columns = items.map((item) => {
    const term = readIndexedTerm(item);
    return {
      name: term.name ?? term.expression,
      collation: term.collation,
      descending: term.descending,
    };
  });
  return { columns, onConflict: element.conflictClause(), autoincrement, onColumn: false };
}

/** `REFERENCES parent (x, y) ON DELETE … ON UPDATE … MATCH … DEFERRABLE INITIALLY DEFERRED`. */
function readReferences(element: Cursor, columns: string[]): ForeignKeyDefinition {
  const key: ForeignKeyDefinition = {
    columns,
    parent: element.name(),
    parentColumns: element.isGroup() ? (element.group()?.split() ?? []).map((c) => c.name()) : [],
    onDelete: 'no action',
    onUpdate: 'no action',
    deferred: false,
  };
  while (!element.done()) {
    if (element.accept('ON', 'DELETE')) key.onDelete = element.action();
    else if (element.accept('ON', 'UPDATE')) key.onUpdate = element.action();
    // SQLite parses MATCH and ignores it: every foreign key matches SIMPLE.
    else if (element.accept('MATCH')) element.name();
    else if (element.accept('NOT', 'DEFERRABLE')) {
      if (element.accept('INITIALLY')) element.name();
      key.deferred = false;
    } else if (element.accept('DEFERRABLE')) {
      key.deferred = element.accept('INITIALLY', 'DEFERRED');
      if (!key.deferred) element.accept('INITIALLY', 'IMMEDIATE');
    } else break;
  }
  return key;
}

/** `expression [COLLATE name] [ASC|DESC]`, as in an index or a key's column list. */
function readIndexedTerm(item: Cursor): IndexedTerm {
  const descending = item.acceptAtEnd('DESC');
  if (!descending) item.acceptAtEnd('ASC');
  // Parentheses group without meaning in SQLite's grammar, so `(a COLLATE x)` is `a COLLATE x`.
  item.unwrap();
  const collation = item.collateAtEnd();
  item.unwrap();
  const name = item.loneName();
  return { expression: name ?? item.rest(), name, collation, descending };
}

/**
 * A window on the tokens of one statement, read from the front (and, for an indexed term, the
 * back). Every `accept` compares bare words case-insensitively and consumes them only when all
 * match; quoted names never match a keyword.
 */
class Cursor {
  constructor(
    private readonly sql: string,
    private readonly tokens: SqlToken[],
    private at = 0,
    private end = tokens.length,
  ) {}

  done(): boolean {
    return this.at >= this.end;
  }

  isWord(...words: string[]): boolean {
    return words.includes(this.wordAt(this.at));
  }

  accept(...words: string[]): boolean {
    if (this.at + words.length > this.end) return false;
    if (!words.every((word, i) => this.wordAt(this.at + i) === word)) return false;
    this.at += words.length;
    return true;
  }

  /** `AS` only where a generated column's `AS (` follows: alone, `AS` may also be a type name. */
  acceptBeforeGroup(word: string): boolean {
    if (this.wordAt(this.at) !== word || this.tokens[this.at + 1]?.value !== '(') return false;
    this.at++;
    return true;
  }

  acceptAtEnd(word: string): boolean {
    if (this.end <= this.at || this.wordAt(this.end - 1) !== word) return false;
    this.end--;
    return true;
  }

  /** The collation of a trailing `COLLATE name`, consumed; null when there is none. */
  collateAtEnd(): string | null {
    if (this.end - this.at < 2 || this.wordAt(this.end - 2) !== 'COLLATE') return null;
    const name = (this.tokens[this.end - 1] as SqlToken).value;
    this.end -= 2;
    return name;
  }

  /** Drops parentheses around everything that is left. */
  unwrap(): void {
    while (this.isGroup() && this.closing(this.at) === this.end - 1) {
      this.at++;
      this.end--;
    }
  }

  /** The one name that is left, if that is all that is left. */
  loneName(): string | null {
    const token = this.tokens[this.at];
    if (this.end - this.at !== 1 || !token) return null;
    return token.kind === 'word' || token.kind === 'identifier' || token.kind === 'string'
      ? token.value
      : null;
  }

  name(): string {
    const token = this.tokens[this.at];
    if (!token || this.done()) return '';
    this.at++;
    // `schema.name`: the schema is not part of the name.
    if (this.tokens[this.at]?.value === '.' && this.at + 1 < this.end) {
      this.at++;
      return this.name();
    }
    return token.value;
  }

  /** A type name: the words before the first constraint, with any `(size)` after them. */
  typeName(stopWords: string[]): string {
    let text = '';
    let previous: SqlToken | undefined;
    while (!this.done()) {
      const token = this.tokens[this.at] as SqlToken;
      const word = this.wordAt(this.at);
      if (stopWords.includes(word)) {
        const generated = word === 'GENERATED' && this.wordAt(this.at + 1) !== 'ALWAYS';
        const as = word === 'AS' && this.tokens[this.at + 1]?.value !== '(';
        if (!generated && !as) break;
      }
      const wordLike = token.kind !== 'punctuation';
      if (previous && wordLike && previous.kind !== 'punctuation') text += ' ';
      text += wordLike ? token.value.toUpperCase() : token.value;
      previous = token;
      this.at++;
    }
    return text;
  }

  /** An `ON CONFLICT` action in lower case, consumed; null when there is none. */
  conflictClause(): string | null {
    return this.accept('ON', 'CONFLICT') ? this.name().toLowerCase() : null;
  }

  /** A foreign key action: `cascade`, `set null`, `no action`, … */
  action(): string {
    const first = this.name().toLowerCase();
    return first === 'set' || first === 'no' ? `${first} ${this.name().toLowerCase()}` : first;
  }

  /** A parenthesised expression, in normal form and without the parentheses. */
  expression(): string {
    return this.group()?.rest() ?? '';
  }

  /** A DEFAULT's value: a literal, a signed number, a name (SQLite's string) or `(expression)`. */
  defaultValue(): string {
    const token = this.tokens[this.at];
    if (!token) return '';
    if (token.value === '(') return unwrapParentheses(this.expression());
    const start = this.at;
    if (token.value === '+' || token.value === '-') this.at++;
    this.at = Math.min(this.at + 1, this.end);
    const word = this.wordAt(start);
    if ((token.kind === 'word' && !LITERAL_WORDS.has(word)) || token.kind === 'identifier')
      return `'${token.value.replaceAll("'", "''")}'`;
    return this.textOf(start, this.at);
  }

  isGroup(): boolean {
    return this.tokens[this.at]?.value === '(' && this.tokens[this.at]?.kind === 'punctuation';
  }

  /** The parenthesised group that starts here, as a cursor of its own; consumed. */
  group(): Cursor | null {
    if (!this.isGroup()) return null;
    const close = this.closing(this.at);
    if (close === -1) return null;
    const inner = new Cursor(this.sql, this.tokens, this.at + 1, close);
    this.at = close + 1;
    return inner;
  }

  /** Skips to the first parenthesised group and returns it. */
  skipToGroup(): Cursor | null {
    while (!this.done() && !this.isGroup()) this.at++;
    return this.group();
  }

  /** Skips past the first bare `word` outside parentheses; false when there is none. */
  skipPastWord(word: string): boolean {
    while (!this.done()) {
      if (this.isGroup()) this.group();
      else if (this.wordAt(this.at++) === word) return true;
    }
    return false;
  }

  /** What is left, cut at the commas outside parentheses, one cursor per piece. */
  split(): Cursor[] {
    const pieces: Cursor[] = [];
    let start = this.at;
    for (let i = this.at; i <= this.end; i++) {
      const token = this.tokens[i];
      if (i < this.end && token?.value === '(' && token.kind === 'punctuation') {
        i = this.closing(i);
        if (i === -1) break;
      } else if (i === this.end || (token?.value === ',' && token.kind === 'punctuation')) {
        if (i > start) pieces.push(new Cursor(this.sql, this.tokens, start, i));
        start = i + 1;
      }
    }
    this.at = this.end;
    return pieces;
  }

  /** What is left, as written; not consumed. */
  source(): string {
    const first = this.tokens[this.at];
    const last = this.tokens[this.end - 1];
    return first && last && this.end > this.at ? this.sql.slice(first.start, last.end) : '';
  }

  /** What is left, in normal form; consumed. */
  rest(): string {
    const text = this.textOf(this.at, this.end);
    this.at = this.end;
    return unwrapParentheses(text);
  }

  private textOf(from: number, to: number): string {
    const first = this.tokens[from];
    const last = this.tokens[to - 1];
    if (!first || !last || to <= from) return '';
    return normalizedSql(this.sql.slice(first.start, last.end));
  }

  /** Where the parenthesis at `open` closes, within this window; -1 when it does not. */
  private closing(open: number): number {
    let depth = 0;
    for (let i = open; i < this.end; i++) {
      const token = this.tokens[i] as SqlToken;
      if (token.kind !== 'punctuation') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')' && --depth === 0) return i;
    }
    return -1;
  }

  private wordAt(index: number): string {
    const token = this.tokens[index];
    return token?.kind === 'word' && index < this.end ? token.value.toUpperCase() : '';
  }
}

/** Words a DEFAULT takes as themselves; any other bare name is a string to SQLite. */
const LITERAL_WORDS = new Set([
  'NULL',
  'TRUE',
  'FALSE',
  'CURRENT_TIME',
  'CURRENT_DATE',
  'CURRENT_TIMESTAMP',
]);
