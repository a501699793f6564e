import { isMigrationError } from '../index.ts';
import { isCliError } from './cli-error.ts';

/** Migration codes that mean the migration files themselves are misnamed: fix the input, exit 2. */
const INPUT_MIGRATION_CODES = new Set(['BAD_NAME', 'DUPLICATE_NUMBER']);

/**
 * The exit code for an error that stopped a command:
 * - a `CliError` exits as its code says (usage and unreadable or in-use input 2, the rest 1);
 *   the command handlers turn anything thrown while opening or reading the database into an
 *   `UNREADABLE_INPUT` `CliError`, so a damaged or unsupported file exits 2 naming it;
 * - a `MigrationError` exits 1 (a migration failed or was refused; the file is untouched), except
 *   a misnamed migration file (`BAD_NAME`, `DUPLICATE_NUMBER`), which is bad input: 2;
 * - anything else is a fault of this program: 1, printed with its message.
 */
export function exitCodeFor(error: unknown): 1 | 2 {
  if (isCliError(error)) return error.exitCode;
  if (isMigrationError(error)) return INPUT_MIGRATION_CODES.has(error.code) ? 2 : 1;
  return 1;
}
