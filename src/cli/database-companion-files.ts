import { lstatSync } from 'node:fs';
import { CliError } from './cli-error.ts';

/**
 * The files SQLite keeps beside a database: `-wal` and `-shm` while any connection has it open
 * in WAL mode (both exist, the log often empty, as long as the program runs), `-journal` during
 * a write in rollback mode (or left behind by one that was interrupted).
 */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** One companion file found beside a database. */
export interface CompanionFile {
  path: string;
  /** True when it holds bytes: committed changes not yet in the main file, or a pending undo. */
  holdsData: boolean;
}

/**
 * The companion files that exist beside the database, looked up beside each of `databasePaths`
 * (the path as given and the symlink's target, since programs open either). Their mere presence
 * matters, whatever their size: an empty `-wal` with a `-shm` means a program has the database
 * open right now, and replacing the file would leave that program writing to the old one.
 */
export function findCompanionFiles(...databasePaths: string[]): CompanionFile[] {
  const found = new Map<string, CompanionFile>();
  for (const databasePath of new Set(databasePaths)) {
    for (const suffix of COMPANION_SUFFIXES) {
      const path = databasePath + suffix;
      const size = sizeIfPresent(path);
      if (size !== null && !found.has(path)) found.set(path, { path, holdsData: size !== 0 });
    }
  }
  return [...found.values()];
}

/** The file's size, or null when it does not exist; a file that cannot be examined counts as full. */
function sizeIfPresent(path: string): number | null {
  try {
    return lstatSync(path).size;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : Number.POSITIVE_INFINITY;
  }
}

/** `a`, `a and b`, `a, b and c`: the companion files' paths for a message. */
function listCompanionFiles(files: readonly CompanionFile[]): string {
  const paths = files.map((file) => file.path);
  return paths.length <= 1
    ? (paths[0] ?? '')
    : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
}

/**
 * Why `migrate` will not replace a database that has companion files: the rename would swap the
 * file under the program that has it open, whose later writes would go to the old, unlinked
 * file and be lost; and a `-journal` may be the undo record of an interrupted write.
 */
export function databaseInUseError(path: string, companions: readonly CompanionFile[]): CliError {
  return new CliError(
    'DATABASE_IN_USE',
    `${path}: ${listCompanionFiles(companions)} ${existVerb(companions)} beside it, so a ` +
      'program has this database open (or a write to it was interrupted); replacing the file ' +
      "now would lose that program's later writes. Stop the program using it, or checkpoint " +
      `and close it (with no other program attached, sqlite3 ${path} ` +
      '"PRAGMA wal_checkpoint(TRUNCATE)" removes -wal and -shm), then retry (nothing was changed)',
    { file: path },
  );
}

/** What `status` and `--dry-run` say on stderr when they read a database that has companions. */
export function databaseInUseWarning(path: string, companions: readonly CompanionFile[]): string {
  const withData = companions.filter((file) => file.holdsData);
  const stale =
    withData.length === 0
      ? ''
      : `, and ${listCompanionFiles(withData)} ${withData.length === 1 ? 'holds' : 'hold'} ` +
        'changes not in it yet, so this report may be out of date';
  return (
    `warning: ${path}: ${listCompanionFiles(companions)} ${existVerb(companions)} beside it, so ` +
    `a program may have this database open; this report reads the file alone${stale}; ` +
    'migrate will refuse to write until they are gone'
  );
}

function existVerb(files: readonly CompanionFile[]): string {
  return files.length === 1 ? 'exists' : 'exist';
}
