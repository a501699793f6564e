/**
 * Small lexical helpers over SQL text: where a statement really starts, which line that is, and
 * a normal form that ignores case, quoting, comments and whitespace so two spellings of one
 * definition compare equal.
 */

import { memoize } from './memo.ts';

/** The position of the first character at or after `from` that is not whitespace or a comment. */
export function skipTrivia(sql: string, from: number): number {
  let i = from;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (/\s/.test(char)) i++;
    else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else break;
  }
  return i;
}

/** The 1-based line number of a position in a text. */
export function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * SQL in a canonical form: comments dropped, identifiers unquoted, everything but string
 * literals lower-cased, whitespace collapsed and removed around punctuation, no trailing `;`.
 */
export function normalizeSql(sql: string): string {
  // Code and string literals are kept apart: a literal is data, so its spacing and case count.
  const parts: { literal: boolean; text: string }[] = [];
  const pushCode = (text: string) => {
    const last = parts[parts.length - 1];
    if (last && !last.literal) last.text += text;
    else parts.push({ literal: false, text });
  };
  let i = 0;
  while (i < sql.length) {
    const start = skipTrivia(sql, i);
    if (start > i) {
      pushCode(' ');
      i = start;
      continue;
    }
    const char = sql[i] as string;
    if (char === "'") {
      const end = endOfQuoted(sql, i, "'");
      parts.push({ literal: true, text: sql.slice(i, end) });
      i = end;
    } else if (char === '"' || char === '`' || char === '[') {
      const close = char === '[' ? ']' : char;
      const end = endOfQuoted(sql, i, close);
      pushCode(
        sql
          .slice(i + 1, end - 1)
          .split(close + close)
          .join(close)
          .toLowerCase(),
      );
      i = end;
    } else {
      pushCode(char.toLowerCase());
      i++;
    }
  }
  return parts
    .map((part) =>
      part.literal
        ? part.text
        : part.text.replace(/\s+/g, ' ').replace(/ ?([(),;=<>!+*/%&|~.-]) ?/g, '$1'),
    )
    .join('')
    .trim()
    .replace(/;+$/, '');
}

/**
 * `normalizeSql`, remembered: schemas repeat the same defaults, checks and view bodies, and a
 * replayed history reads the same definitions at every step.
 */
export const normalizedSql = memoize(5000, normalizeSql);

/** One token of SQL text. Whitespace and comments are not tokens. */
export interface SqlToken {
  /**
   * `word`: a bare name or keyword; `identifier`: a name in `"…"`, `[…]` or `` `…` ``; `string`:
   * a `'…'` literal; `blob`: `x'…'`; `number`; `punctuation`: any other single character.
   */
  kind: 'word' | 'identifier' | 'string' | 'blob' | 'number' | 'punctuation';
  /** Quoted names and strings without their quotes; everything else as written. */
  value: string;
  start: number;
  end: number;
}

/** Splits SQL text into tokens, the way SQLite's tokenizer would. */
export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = skipTrivia(sql, 0);
  while (i < sql.length) {
    const start = i;
    const char = sql[i] as string;
    let kind: SqlToken['kind'];
    let value: string | undefined;
    if (char === "'" || char === '"' || char === '`' || char === '[') {
      const close = char === '[' ? ']' : char;
      i = endOfQuoted(sql, i, close);
      kind = char === "'" ? 'string' : 'identifier';
      const inner = sql.slice(start + 1, i - 1);
      value = close === ']' ? inner : inner.split(close + close).join(close);
    } else if (/[xX]/.test(char) && sql[i + 1] === "'") {
      i = endOfQuoted(sql, i + 1, "'");
      kind = 'blob';
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      i = matchEnd(NUMBER, sql, i);
      kind = 'number';
    } else if (WORD_START.test(char)) {
      i = matchEnd(WORD, sql, i);
      kind = 'word';
    } else {
      i++;
      kind = 'punctuation';
    }
    tokens.push({ kind, value: value ?? sql.slice(start, i), start, end: i });
    i = skipTrivia(sql, i);
  }
  return tokens;
}

const NUMBER = /0[xX][0-9a-fA-F_]+|([0-9_]+(\.[0-9_]*)?|\.[0-9_]+)([eE][+-]?[0-9_]+)?/y;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD = /[A-Za-z0-9_$\u0080-\uffff]+/y;

/** Where a match of a sticky pattern that starts at `from` ends (at least one character on). */
function matchEnd(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.test(text) ? pattern.lastIndex : from + 1;
}

/** A name as a quoted identifier, which SQLite never takes for a keyword or a string. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Text as a string literal: `it's` as `'it''s'`. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** An expression without parentheses that wrap all of it: `((a) or (b))` becomes `(a) or (b)`. */
export function unwrapParentheses(text: string): string {
  let result = text;
  while (result.startsWith('(') && closingParenthesis(result) === result.length - 1)
    result = result.slice(1, -1).trim();
  return result;
}

/** Where the parenthesis opened at position 0 closes, string literals skipped; -1 if never. */
function closingParenthesis(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") i = endOfQuoted(text, i, "'") - 1;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The position just after a quoted run that starts at `start` (doubled quotes escape). */
function endOfQuoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
