import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { MigrationLayout } from '../../../src/index.ts';
import { appFolder, writeFiles } from '../../helpers/other-tools.ts';

/** The repository root, where `npm run cli` runs and relative paths in a test start. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** What one CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process, as the bin does, with its output kept as text. */
export async function runCli(args: string[]): Promise<CliRun> {
  const run = { code: null as number | null, stdout: '', stderr: '' };
  run.code = await main(args, {
    stdout: (text) => {
      run.stdout += text;
    },
    stderr: (text) => {
      run.stderr += text;
    },
  });
  return run;
}

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed after the test. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqljs-migrate-cli-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * Writes `files` (path → text; a path may go through folders, as Prisma's and drizzle-kit's do)
 * into a new folder `name` under `parent`; returns its path.
 */
export function writeFolder(parent: string, name: string, files: Record<string, string>): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  return dir;
}

/**
 * The small app of `other-tools.ts` in a layout, as its tool writes it, with the snapshot
 * drizzle-kit keeps beside its last migration; `extra` files added. Returns the folder's path.
 */
export function appToolFolder(layout: MigrationLayout, extra: Record<string, string> = {}): string {
  const files = { ...appFolder(layout), ...extra };
  if (layout === 'drizzle-kit')
    files['meta/0002_snapshot.json'] = JSON.stringify({ version: '6', id: 'posts', prevId: 'x' });
  return writeFolder(makeTempDir(), 'migrations', files);
}

/** The bytes, inode and modification time of a file: equal snapshots mean it was not touched. */
export function snapshot(path: string): { bytes: Buffer; ino: number; mtimeMs: number } {
  const stat = statSync(path);
  return { bytes: readFileSync(path), ino: stat.ino, mtimeMs: stat.mtimeMs };
}

/** The names in a folder, sorted. */
export function listFolder(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Every path under a folder, its subfolders' included, sorted. */
export function listTree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

export const CREATE_NOTES = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n';
export const CREATE_TAGS =
  'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n';
export const ADD_NOTE_TITLE = "ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';\n";

/** A small, correct history: two migrations and the schema they build. */
export const GOOD_SET: Record<string, string> = {
  '001_create_notes.sql': CREATE_NOTES,
  '002_create_tags.sql': CREATE_TAGS,
  'schema.sql': CREATE_NOTES + CREATE_TAGS,
};

/**
 * A database migrated to the first migration of its folder, then `pending` migrations written
 * beside it, which `migrate` would run: `notes.db` at `001_create_notes.sql` unless `first` and
 * `fileName` say otherwise.
 */
export async function databaseWithPending(
  pending: Record<string, string>,
  {
    first = { '001_create_notes.sql': CREATE_NOTES },
    fileName = 'notes.db',
  }: { first?: Record<string, string>; fileName?: string } = {},
): Promise<{ root: string; dir: string; file: string }> {
  const root = makeTempDir();
  const dir = writeFolder(root, 'migrations', first);
  const file = join(root, fileName);
  const run = await runCli(['migrate', file, '--dir', dir]);
  expect(run.code, run.stderr).toBe(0);
  for (const [name, sql] of Object.entries(pending)) writeFileSync(join(dir, name), sql);
  return { root, dir, file };
}
