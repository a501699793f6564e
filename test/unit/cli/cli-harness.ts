import { spawnSync } from 'node:child_process';
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
import { afterEach } from 'vitest';

/** The repository root: the CLI runs from here so `--import tsx` resolves. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CLI_ENTRY = join(REPO_ROOT, 'src/cli/main.ts');

/** What one CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a real subprocess, the way `npm run cli --` does. */
export function runCli(args: string[]): CliRun {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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

/** Writes `files` (name → SQL) into a new folder `name` under `parent`; returns its path. */
export function writeFolder(parent: string, name: string, files: Record<string, string>): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
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
