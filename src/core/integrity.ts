import { MigrationError, messageOf } from './errors.ts';
import { queryRows } from './inspect.ts';
import type { SqlDatabase } from './types.ts';

/**
 * The proof that a migration left a database SQLite can read back and whose pages are whole.
 *
 * Ordinary SQL cannot damage a database: SQLite checks every change it makes. Two pragmas let a
 * migration write what SQLite then trusts blindly: `writable_schema`, which lets it edit the
 * schema table's text directly (a documented, expert way to change a schema), and
 * `schema_version`, the cookie that tells SQLite when to re-read that text. A migration that
 * mentions either is checked before it commits; any other is not, so ordinary runs pay nothing.
 */

/** Either pragma's name anywhere in the text: a comment or a string naming it costs one check. */
const SCHEMA_WRITING = /writable_schema|schema_version/i;

/** How many problems of `integrity_check` a message quotes. */
const PROBLEMS_QUOTED = 5;

/** True when `sql` may write the schema table or its cookie directly, and so must be checked. */
export function canDamageDatabase(sql: string): boolean {
  return SCHEMA_WRITING.test(sql);
}

/**
 * Re-reads the schema and runs `PRAGMA integrity_check`; throws `INTEGRITY_FAILED` with what
 * SQLite reported. SQLite keeps the schema it parsed before the migration edited its text, so
 * `writable_schema = RESET` (which also turns writing it off again) makes it parse the text the
 * migration left: a definition SQLite cannot parse fails here. `integrity_check`, not the
 * cheaper `quick_check`, because an edited index definition leaves an index whose entries no
 * longer match its table, which only `integrity_check` compares; pages a deleted schema row
 * orphaned, and rows that break a rewritten NOT NULL or CHECK, both find.
 */
export function assertReadableAndWhole(db: SqlDatabase, migrationName: string): void {
  let problems: string[];
  try {
    db.run('PRAGMA writable_schema = RESET');
    problems = queryRows(db, 'PRAGMA integrity_check').flatMap((row) =>
      String(Object.values(row)[0]).split('\n'),
    );
  } catch (error) {
    throw damaged(migrationName, messageOf(error), error);
  }
  problems = problems.filter((problem) => !problem.startsWith('*** in database'));
  if (problems.length === 1 && problems[0] === 'ok') return;
  const more =
    problems.length > PROBLEMS_QUOTED ? ` and ${problems.length - PROBLEMS_QUOTED} more` : '';
  throw damaged(migrationName, `${problems.slice(0, PROBLEMS_QUOTED).join('; ')}${more}`);
}

/**
 * After a migration that may have written the schema failed and was rolled back: writing the
 * schema off again (it is the connection's setting, which no rollback undoes) and the schema
 * re-read from the restored text.
 */
export function stopSchemaWriting(db: SqlDatabase): void {
  db.run('PRAGMA writable_schema = RESET');
}

function damaged(migrationName: string, said: string, cause?: unknown): MigrationError {
  return new MigrationError(
    'INTEGRITY_FAILED',
    `${migrationName}: leaves a database SQLite reports as damaged (${said}); it writes the schema directly (writable_schema or schema_version), so fix what it writes there`,
    { migrationName, cause },
  );
}
