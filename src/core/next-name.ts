import { MigrationError } from './errors.ts';
import { NATIVE_NAME } from './layouts.ts';
import { sortMigrations } from './names.ts';

/** A number of this many digits that reads as a date and time (`20250114093000`) is a timestamp. */
const TIMESTAMP_DIGITS = 14;

/** The width of a number where a folder has none yet: `001_…`. */
const DEFAULT_WIDTH = 3;

/** Where a folder has no number yet to follow: the first number, or the current time. */
export type FirstNumber = string | 'timestamp';

/**
 * The name of the migration that comes after `existing` (a folder's migration file names), for a
 * change described in words (`add note pinned`): numbered as the folder numbers its files (one
 * past the highest, zero-padded to the same width, or the current time where the numbers are
 * timestamps), its words joined as the folder's descriptions join theirs (`_` or `-`). For the
 * layouts of other tools, `nextMigration` names the next migration and its files.
 */
export function nextMigrationName(
  existing: readonly string[],
  description: string,
  now: Date = new Date(),
): string {
  // The same checks the runner makes, so a name is never chosen beside a file it would refuse.
  const numbers = sortMigrations(existing.map((name) => ({ name, sql: '' }))).map(
    (migration) => NATIVE_NAME.exec(migration.name) as RegExpExecArray,
  );
  const words = descriptionWords(description);
  return `${nextNumber(
    numbers.map((match) => match[1] as string),
    now,
    '1'.padStart(DEFAULT_WIDTH, '0'),
  )}_${joinWords(
    words,
    numbers.map((match) => match[2] as string),
  )}.sql`;
}

/** The words of a description (`Add note, pinned!.sql` → Add, note, pinned); refused without one. */
export function descriptionWords(description: string): string[] {
  const words = description
    .replace(/\.sql$/i, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  if (words.length === 0) {
    throw new MigrationError(
      'BAD_NAME',
      `"${description}": a migration's description needs a letter or a digit (say what the migration does: add_note_pinned)`,
    );
  }
  return words;
}

/** Words joined as the folder's `descriptions` join theirs: `-` where they all do, else `_`. */
export function joinWords(words: readonly string[], descriptions: readonly string[]): string {
  const separator =
    descriptions.some((text) => text.includes('-')) &&
    !descriptions.some((text) => text.includes('_'))
      ? '-'
      : '_';
  return words.join(separator);
}

/**
 * The number after `digits` (each as written, in ascending order of value), written the way they
 * are; `first` where there are none.
 */
export function nextNumber(digits: readonly string[], now: Date, first: FirstNumber): string {
  const last = digits.at(-1);
  if (last === undefined) return first === 'timestamp' ? timestampOf(now) : first;
  const next = BigInt(last) + 1n;
  if (digits.every(isTimestamp)) {
    const stamp = timestampOf(now);
    return BigInt(stamp) > next ? stamp : String(next);
  }
  // Zero-padded numbers keep name order equal to run order; unpadded ones stay unpadded.
  const width = Math.max(
    ...digits.filter((text) => text.startsWith('0')).map((text) => text.length),
    0,
  );
  return String(next).padStart(width, '0');
}

function isTimestamp(digits: string): boolean {
  if (digits.length !== TIMESTAMP_DIGITS) return false;
  const [month, day, hour, minute, second] = [4, 6, 8, 10, 12].map((at) =>
    Number(digits.slice(at, at + 2)),
  ) as [number, number, number, number, number];
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60
  );
}

/** `YYYYMMDDHHMMSS` in UTC, as golang-migrate, dbmate, Prisma and sqlx write their timestamps. */
function timestampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, TIMESTAMP_DIGITS);
}
