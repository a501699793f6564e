import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, describeFsError } from './cli-error.ts';
import { databaseInUseError, findCompanionFiles } from './database-companion-files.ts';
import type { DatabaseFile } from './read-database-file.ts';

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
  const folder = dirname(file.realPath);
  const tempPath = join(
    folder,
    `.${basename(file.realPath)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    writeSynced(tempPath, bytes, file.mode ?? 0o644);
    renameSync(tempPath, file.realPath);
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw new CliError(
      'WRITE_FAILED',
      `${file.path}: could not write: ${describeFsError(error)} (the file is unchanged)`,
      {
        file: file.path,
        cause: error,
      },
    );
  }
  syncFolder(folder);
}

function writeSynced(path: string, bytes: Uint8Array, mode: number): void {
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
function syncFolder(folder: string): void {
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
