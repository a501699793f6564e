import { verifyMigrations } from '../index.ts';
import type { CommandLine } from './arguments.ts';
import {
  databaseInUseError,
  databaseInUseWarning,
  readDatabaseFile,
  replaceDatabaseFile,
} from './database-file.ts';
import { readMigrationFolder } from './migrations-folder.ts';
import { formatReport, formatVerification } from './output.ts';
import {
  createEmptyDatabase,
  loadSqlJs,
  migrateWithin,
  type ProgressSink,
} from './run-in-memory.ts';

/** What a command hands back to `main`: the exit code and both ways to print it. */
export interface CommandResult {
  exitCode: 0 | 1;
  /** The `--json` document. */
  json: Record<string, unknown>;
  /** The human summary. */
  text: string;
}

/**
 * `migrate` and `status`: migrate the file in memory and, for a real `migrate` that changed
 * something, replace it atomically. `status` is a dry run that only reports. Any error
 * propagates before the file is touched.
 */
export async function runMigrateCommand(
  commandLine: CommandLine & { command: 'migrate' | 'status'; file: string },
  progress: ProgressSink,
): Promise<CommandResult> {
  const { command, file: path } = commandLine;
  const set = readMigrationFolder(commandLine.dir, commandLine);
  const file = readDatabaseFile(path);
  const created = file.bytes === null;
  const dryRun = command === 'status' || commandLine.dryRun;
  if (file.companions.length > 0) {
    // Refuse before any work; replaceDatabaseFile checks again just before the rename.
    if (!dryRun) throw databaseInUseError(path, file.companions);
    progress(databaseInUseWarning(path, file.companions));
  }
  if (created) progress(`${path} does not exist: starting a fresh database`);

  const result = await migrateWithin(
    commandLine.timeoutSeconds,
    {
      path,
      bytes: file.bytes,
      migrations: set.migrations,
      schema: set.schema,
      dryRun,
      adoptFrom: commandLine.adoptFrom ?? undefined,
      dropAdoptedLedger: commandLine.dropAdoptedLedger,
    },
    progress,
  );
  const written = result.bytes !== null;
  if (result.bytes !== null) replaceDatabaseFile(file, result.bytes);
  const context = {
    command,
    file: path,
    created: created && written,
    written,
    schemaSource: set.schemaSource,
  };
  return {
    exitCode: 0,
    json: {
      ok: true,
      command,
      file: path,
      dir: commandLine.dir,
      created: context.created,
      written,
      report: result.report,
    },
    text: formatReport(result.report, context),
  };
}

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
