import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkDatabaseHeader, DATABASE_HEADER_BYTES } from '../index.ts';
import { CliError, describeFsError, unreadable } from './cli-error.ts';

/**
 * The database file on disk: read whole before anything runs, watched for the files SQLite keeps
 * beside a database a program has open, and replaced atomically once a run has succeeded.
 */

/** A database file as read from disk, or the note that it does not exist yet. */
export interface DatabaseFile {
  /** The path as the user gave it, for messages. */
  path: string;
  /** Where to write: the symlink's target when the path is a symlink. */
  realPath: string;
  /** The file's bytes; null when the file does not exist (a fresh database). */
  bytes: Uint8Array | null;
  /** Permission bits to keep when the file is replaced. */
  mode: number | null;
  /** `-wal`, `-shm`, `-journal` files beside it when it was read: a program may have it open. */
  companions: CompanionFile[];
}

/**
 * Reads a database file and checks its header by the rules the page applies to an upload (a
 * file cut off mid-page is refused by both). A path that does not exist is a fresh database, but
 * its folder must exist. Throws an `UNREADABLE_INPUT` `CliError` naming the file otherwise.
 * Companion files are only noted: reading is safe, and whether to write is the caller's call.
 */
export function readDatabaseFile(path: string): DatabaseFile {
  if (!existsSync(path)) return readMissingFile(path);

  const realPath = realpathSync(path);
  let bytes: Uint8Array;
  let mode: number;
  try {
    mode = statSync(realPath).mode & 0o7777;
    bytes = readFileSync(realPath);
  } catch (error) {
    throw unreadable(path, `cannot read it: ${describeFsError(error)}`, error);
  }
  if (bytes.length === 0) {
    throw unreadable(path, 'empty, not a SQLite database (delete it to start a fresh one)');
  }
  const header = checkDatabaseHeader(bytes.subarray(0, DATABASE_HEADER_BYTES), bytes.length);
  if (!header.ok) throw unreadable(path, header.reason);
  return { path, realPath, bytes, mode, companions: findCompanionFiles(path, realPath) };
}

function readMissingFile(path: string): DatabaseFile {
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw unreadable(path, `does not exist, and neither does its folder ${folder}`);
  }
  // A leftover -wal beside a missing file would be replayed into the new one by the next opener.
  return { path, realPath: path, bytes: null, mode: null, companions: findCompanionFiles(path) };
}

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
function findCompanionFiles(...databasePaths: string[]): CompanionFile[] {
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

/**
 * Replaces the database file with `bytes` so that a crash leaves either the old file or the new
 * one, never half of each: write a temporary file in the same folder, fsync it, rename it over.
 * Refuses when a program has the file open (its `-wal`, `-shm` or `-journal` exists, checked
 * again here because a program may have opened it during the run) or when the file changed since
 * it was read (another program wrote to it meanwhile).
 */
export function replaceDatabaseFile(file: DatabaseFile, bytes: Uint8Array): void {
  assertNotInUse(file);
  assertUnchangedSince(file);
  try {
    replaceAtomically(file.realPath, bytes, file.mode ?? 0o644);
  } catch (error) {
    throw new CliError(
      'WRITE_FAILED',
      `${file.path}: could not write: ${describeFsError(error)} (the file is unchanged)`,
      {
        file: file.path,
        cause: error,
      },
    );
  }
}

/**
 * Puts `bytes` at `path` so that a crash leaves the old file or the new one, never half of each:
 * a temporary file in the same folder, synced, renamed over it, then the folder synced. Throws the
 * file system's error with `path` as it was and nothing left beside it.
 */
export function replaceAtomically(path: string, bytes: Uint8Array, mode: number): void {
  const temporary = temporaryBeside(path);
  try {
    writeSynced(temporary, bytes, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** A temporary name beside `path`, hidden, that no other run picks. */
export function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes a new file (never an existing one) and syncs it to disk before returning. */
export function writeSynced(path: string, bytes: Uint8Array, mode: number): void {
  // 'wx': never follow or reuse an existing file under the temporary name.
  const fd = openSync(path, 'wx', mode);
  try {
    fchmodSync(fd, mode); // openSync's mode is filtered by the umask; keep the original bits.
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the rename itself durable; not every platform can fsync a folder, so it is best effort. */
export function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The rename is done; only its durability across a power cut is not guaranteed here.
  }
}

function assertNotInUse(file: DatabaseFile): void {
  const companions = findCompanionFiles(file.path, file.realPath);
  if (companions.length > 0) throw databaseInUseError(file.path, companions);
}

function assertUnchangedSince(file: DatabaseFile): void {
  const now = existsSync(file.realPath) ? readFileSync(file.realPath) : null;
  const unchanged =
    file.bytes === null ? now === null : now !== null && Buffer.from(file.bytes).equals(now);
  if (!unchanged) {
    throw new CliError(
      'CHANGED_DURING_RUN',
      `${file.path}: changed on disk while it was being migrated; nothing was written, run again`,
      { file: file.path },
    );
  }
}
