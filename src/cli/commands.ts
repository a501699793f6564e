import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  generateMigration,
  type NextMigrationFile,
  nextMigration,
  verifyMigrations,
} from '../index.ts';
import type { CommandLine } from './arguments.ts';
import { unreadable } from './cli-error.ts';
import {
  databaseInUseError,
  databaseInUseWarning,
  readDatabaseFile,
  replaceDatabaseFile,
} from './database-file.ts';
import {
  readMigrationFiles,
  readMigrationFolder,
  writeMigrationFiles,
} from './migrations-folder.ts';
import { formatDiff, formatReport, formatVerification, formatWrittenBeside } from './output.ts';
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

/** What `diff` names the migration when `--name` does not: the file name says the rest. */
const DEFAULT_DIFF_NAME = 'update_schema';

/**
 * `new`: the next migration of the folder, empty but for a comment, named and laid out as the
 * folder's tool would write it (`nextMigration`): its file, and for some layouts a down file or
 * drizzle-kit's snapshot and journal entry, all written or none.
 */
export function runNewCommand(commandLine: CommandLine & { name: string }): CommandResult {
  const { dir } = commandLine;
  const next = nextMigration(readMigrationFiles(dir, { snapshots: true }), commandLine.name, {
    layout: commandLine.layout ?? undefined,
    snapshotId: randomUUID(),
  });
  const files = next.files(
    `-- ${next.name}: what this migration does, and why.\n-- Make the same change in schema.sql: \`sqljs-migrate verify --dir ${dir}\` checks that they agree.\n`,
  );
  const [file] = writeMigrationFiles(dir, files);
  return {
    exitCode: 0,
    json: { ok: true, command: 'new', file, dir, written: true, ...alsoWritten(dir, files) },
    text: [
      `${file} written: an empty migration, for its SQL`,
      ...formatWrittenBeside(dir, files),
      '',
    ].join('\n'),
  };
}

/** `files` for the JSON document, where the migration is more than its one file. */
function alsoWritten(dir: string, files: readonly NextMigrationFile[]): { files?: string[] } {
  return files.length > 1 ? { files: files.map((file) => join(dir, file.path)) } : {};
}

/**
 * `diff`: the next migration, written from the difference between the schema the folder's
 * migrations build and the schema file, once the core has proven it on a copy with rows. With
 * `--dry-run` it is printed (stdout) instead of written, and what was found goes to stderr.
 */
export async function runDiffCommand(
  commandLine: CommandLine,
  progress: ProgressSink,
): Promise<CommandResult> {
  const { dir } = commandLine;
  const folder = readMigrationFiles(dir, { snapshots: true });
  const set = readMigrationFolder(
    dir,
    { schemaFile: commandLine.schemaFile, noSchema: false, layout: commandLine.layout },
    folder,
  );
  if (set.schema === undefined || set.schemaSource === null) {
    throw unreadable(
      join(dir, 'schema.sql'),
      'no such file: diff writes the migration that brings the migrations to the schema in it; write it, or name another file with --schema',
    );
  }
  const next = nextMigration(folder, commandLine.name ?? DEFAULT_DIFF_NAME, {
    layout: commandLine.layout ?? undefined,
    snapshotId: randomUUID(),
  });
  const { name } = next;
  const sql = await loadSqlJs();
  const migration = generateMigration(set.migrations, set.schema, {
    createDatabase: () => createEmptyDatabase(sql),
    renames: commandLine.renames,
    allowDataLoss: commandLine.allowDataLoss,
    name,
    schemaName: set.schemaSource,
    breakpoints: next.breakpoints,
  });
  const context = { dir, name, schemaSource: set.schemaSource, dryRun: commandLine.dryRun };
  const output = formatDiff(migration, context);
  // The layout's files around the SQL: dbmate's directives, a down file, drizzle-kit's journal.
  const files = migration.sql === '' ? [] : next.files(output.file);
  const written = files.length === 0 || commandLine.dryRun ? null : writeMigrationFiles(dir, files);
  if (commandLine.dryRun && !commandLine.json) for (const line of output.lines) progress(line);
  return {
    exitCode: 0,
    json: {
      ok: true,
      command: 'diff',
      dir,
      file: files.length === 0 ? null : join(dir, name),
      written: written !== null,
      ...alsoWritten(dir, files),
      migration: { ...migration, sql: migration.sql === '' ? '' : output.file },
    },
    text: commandLine.dryRun
      ? (files[0]?.text ?? output.file)
      : [...output.lines, ...(written === null ? [] : formatWrittenBeside(dir, files)), ''].join(
          '\n',
        ),
  };
}
