import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/cli/cli-error.ts';
import { readDatabaseFile, replaceDatabaseFile } from '../../../src/cli/database-file.ts';
import { databaseFrom } from '../../helpers/sqljs.ts';
import { listFolder, makeTempDir } from './cli-harness.ts';

/** Two small databases: the file as read, and what replaces it. */
const OLD_BYTES = Buffer.from(databaseFrom('CREATE TABLE old_pages (x);').export());
const NEW_BYTES = databaseFrom('CREATE TABLE new_pages (x);').export();

function fileWithOldBytes() {
  const dir = makeTempDir();
  const path = join(dir, 'app.db');
  writeFileSync(path, OLD_BYTES);
  return { dir, path };
}

describe('replaceDatabaseFile', () => {
  it('replaces the contents and leaves no temp file', () => {
    const { dir, path } = fileWithOldBytes();

    replaceDatabaseFile(readDatabaseFile(path), NEW_BYTES);

    expect(new Uint8Array(readFileSync(path))).toEqual(NEW_BYTES);
    expect(listFolder(dir)).toEqual(['app.db']);
  });

  it('refuses, and writes nothing, when the file changed after it was read', () => {
    const { dir, path } = fileWithOldBytes();
    const file = readDatabaseFile(path);
    writeFileSync(path, 'SQLite format 3\0written by another program');

    let thrown: unknown;
    try {
      replaceDatabaseFile(file, NEW_BYTES);
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('CHANGED_DURING_RUN');
    expect(readFileSync(path, 'latin1')).toBe('SQLite format 3\0written by another program');
    expect(listFolder(dir)).toEqual(['app.db']);
  });

  it('keeps the permission bits of the file it replaces', () => {
    const { path } = fileWithOldBytes();
    chmodSync(path, 0o600);

    replaceDatabaseFile(readDatabaseFile(path), NEW_BYTES);

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlink to its target and keeps the link', () => {
    const { dir, path } = fileWithOldBytes();
    const link = join(dir, 'current.db');
    symlinkSync(path, link);

    replaceDatabaseFile(readDatabaseFile(link), NEW_BYTES);

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(new Uint8Array(readFileSync(path))).toEqual(NEW_BYTES);
  });

  it('refuses, and writes nothing, when a program opened the file after it was read', () => {
    const { dir, path } = fileWithOldBytes();
    const file = readDatabaseFile(path);
    writeFileSync(`${path}-wal`, '');
    writeFileSync(`${path}-shm`, '');

    let thrown: unknown;
    try {
      replaceDatabaseFile(file, NEW_BYTES);
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('DATABASE_IN_USE');
    expect(readFileSync(path)).toEqual(OLD_BYTES);
    expect(listFolder(dir)).toEqual(['app.db', 'app.db-shm', 'app.db-wal']);
  });
});
