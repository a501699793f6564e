import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError, unreadable } from './cli-error.ts';
import { type CompanionFile, findCompanionFiles } from './database-companion-files.ts';

/** Every SQLite 3 database file begins with these 16 bytes. */
const SQLITE_HEADER = 'SQLite format 3\0';

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
 * Reads a database file and checks it is one. A path that does not exist is a fresh database,
 * but its folder must exist. Throws an `UNREADABLE_INPUT` `CliError` naming the file otherwise.
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
  if (!hasSqliteHeader(bytes)) {
    throw unreadable(path, 'not a SQLite database (it does not start with "SQLite format 3")');
  }
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

/** True when the bytes start with SQLite's 16-byte magic string. */
function hasSqliteHeader(bytes: Uint8Array): boolean {
  if (bytes.length < SQLITE_HEADER.length) return false;
  for (let i = 0; i < SQLITE_HEADER.length; i++) {
    if (bytes[i] !== SQLITE_HEADER.charCodeAt(i)) return false;
  }
  return true;
}
