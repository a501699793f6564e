import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The native `sqlite3` shell, for fixtures written (and files read back) by real SQLite.
 * `scripts/ensure-tools.sh`, the first step of `npm test`, installs it where it is missing, so a
 * test that needs it fails loudly rather than skipping.
 */
export const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find(existsSync) ?? 'sqlite3';

/** Output of one run of the shell. */
export interface ShellResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs the shell on a database file with `input` on stdin (`sqlite3 -bail file.db < input`).
 * Fixtures need no durability, and without `synchronous = OFF` every autocommitted statement of a
 * fixture script waits for the disk, which makes the suite ten times slower.
 */
export function sqlite3(dbPath: string, input: string, flags: string[] = []): ShellResult {
  const result = spawnSync(
    SQLITE3,
    ['-bail', '-cmd', 'PRAGMA synchronous = OFF', ...flags, dbPath],
    {
      input,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (result.error)
    throw new Error(
      `could not run the sqlite3 shell (${SQLITE3}): ${result.error.message}; run scripts/ensure-tools.sh to install it`,
    );
  if (result.status !== 0 || result.stderr.trim() !== '')
    throw new Error(`sqlite3 ${dbPath} exited ${result.status}: ${result.stderr.trim()}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Rows of one query, read by the shell in JSON mode. */
export function sqlite3Rows(dbPath: string, query: string): Record<string, unknown>[] {
  const { stdout } = sqlite3(dbPath, query, ['-json']);
  return stdout.trim() === '' ? [] : (JSON.parse(stdout) as Record<string, unknown>[]);
}

/** The shell's version line, e.g. `3.40.1 2022-12-28 …`. */
export function sqlite3Version(): string {
  const result = spawnSync(SQLITE3, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0)
    throw new Error(
      `the sqlite3 shell is missing (${SQLITE3}); run scripts/ensure-tools.sh to install it`,
    );
  return result.stdout.trim();
}

/** A folder for database files, removed by `dispose`. */
export interface ScratchFolder {
  path(name: string): string;
  write(name: string, bytes: Uint8Array): string;
  read(name: string): Uint8Array;
  dispose(): void;
}

/** Makes a temporary folder for database files. */
export function scratchFolder(): ScratchFolder {
  const dir = mkdtempSync(join(tmpdir(), 'sqljs-migrate-core-'));
  return {
    path: (name) => join(dir, name),
    write(name, bytes) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
