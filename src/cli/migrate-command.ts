import { type MigrationProgress, runMigrations } from '../index.ts';
import type { CommandResult, ProgressSink } from './command-result.ts';
import { databaseInUseError, databaseInUseWarning } from './database-companion-files.ts';
import { formatReport } from './format-report.ts';
import { loadSqlJs, openDatabase, readingDatabase } from './open-database.ts';
import type { CommandLine } from './parse-command-line.ts';
import { readDatabaseFile } from './read-database-file.ts';
import { readMigrationFolder } from './read-migration-folder.ts';
import { replaceDatabaseFile } from './write-database-file.ts';

/** Byte offsets 18 and 19 of the header: 2 and 2 mark a database in WAL mode. */
const WAL_HEADER_OFFSETS = [18, 19] as const;

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

  const db = openDatabase(await loadSqlJs(), file.bytes, path);
  try {
    const report = readingDatabase(path, () =>
      runMigrations(db, set.migrations, {
        schema: set.schema,
        dryRun,
        checkDrift: set.schema !== undefined,
        // Progress only: the logger would repeat on stderr what the summary says (drift, plan).
        onProgress: (p) => reportProgress(p, progress),
      }),
    );
    // A missing file is created even when the run had nothing to write into it.
    const written = !dryRun && (report.changed || created);
    if (written) replaceDatabaseFile(file, keepJournalMode(db.export(), file.bytes));
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
        report,
      },
      text: formatReport(report, context),
    };
  } finally {
    db.close();
  }
}

/** One line as each step starts, so a long migration shows which one is running. */
function reportProgress(progress: MigrationProgress, sink: ProgressSink): void {
  if (progress.event !== 'start') return;
  if (progress.phase === 'schema') {
    sink(`creating the schema from ${progress.name ?? 'the schema'}`);
  } else if (progress.phase === 'migration') {
    sink(`running ${progress.name ?? ''} (${progress.index}/${progress.total})`);
  }
}

/**
 * sql.js exports every database in rollback-journal mode. A WAL database keeps its mode, which
 * SQLite stores only in these two header bytes, so the app that chose WAL finds it unchanged.
 */
function keepJournalMode(exported: Uint8Array, original: Uint8Array | null): Uint8Array {
  const wasWal = original !== null && WAL_HEADER_OFFSETS.every((i) => original[i] === 2);
  if (wasWal) for (const i of WAL_HEADER_OFFSETS) exported[i] = 2;
  return exported;
}
