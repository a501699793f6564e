import { verifyMigrations } from '../index.ts';
import type { CommandResult } from './command-result.ts';
import { formatVerification } from './format-verification.ts';
import { createEmptyDatabase, loadSqlJs } from './open-database.ts';
import type { CommandLine } from './parse-command-line.ts';
import { readMigrationFolder } from './read-migration-folder.ts';

/**
 * `verify`: build the database from empty through every migration, check detection recognizes
 * each intermediate version and that the end result matches the schema. Fails with exit 1.
 */
export async function runVerifyCommand(commandLine: CommandLine): Promise<CommandResult> {
  const set = readMigrationFolder(commandLine.dir, commandLine);
  const sql = await loadSqlJs();
  const report = verifyMigrations(set.migrations, {
    schema: set.schema,
    createDatabase: () => createEmptyDatabase(sql),
  });
  return {
    exitCode: report.ok ? 0 : 1,
    json: { ok: report.ok, command: 'verify', file: null, dir: commandLine.dir, report },
    text: formatVerification(report, commandLine.dir, set.schemaSource),
  };
}
