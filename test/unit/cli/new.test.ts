import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/cli/cli-error.ts';
import { writeMigrationFile } from '../../../src/cli/migrations-folder.ts';
import { listFolder, makeTempDir, REPO_ROOT, runCli, writeFolder } from './cli-harness.ts';

/** Every file and folder under `root`, as paths relative to it. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

/** A copy of the demo's migrations folder, to write into. */
function demoFolder(): string {
  const dir = join(makeTempDir(), 'migrations');
  cpSync(join(REPO_ROOT, 'migrations'), dir, { recursive: true });
  return dir;
}

describe('sqljs-migrate new', () => {
  it('writes the next migration of the folder, empty but for a comment', async () => {
    const dir = demoFolder();

    const run = await runCli(['new', 'add note pinned', '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    const file = join(dir, '009_add_note_pinned.sql');
    expect(run.stdout).toBe(`${file} written: an empty migration, for its SQL\n`);
    expect(readFileSync(file, 'utf8')).toBe(
      `-- 009_add_note_pinned.sql: what this migration does, and why.\n-- Make the same change in schema.sql: \`sqljs-migrate verify --dir ${dir}\` checks that they agree.\n`,
    );
    expect(listFolder(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('starts a folder with no migration at 001', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', { 'schema.sql': '' });

    const run = await runCli(['new', 'create_notes', '--dir', dir, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const file = join(dir, '001_create_notes.sql');
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, command: 'new', file, dir, written: true });
    expect(listFolder(dir)).toEqual(['001_create_notes.sql', 'schema.sql']);
  });

  it.each([
    [
      'a folder that does not exist',
      (root: string) => ['new', 'x', '--dir', join(root, 'missing')],
      'UNREADABLE_INPUT',
      'cannot read the migrations folder: no such file or directory',
    ],
    [
      'a description with no letter or digit',
      (root: string) => ['new', '!!', '--dir', writeFolder(root, 'migrations', {})],
      'BAD_NAME',
      `"!!": a migration's description needs a letter or a digit`,
    ],
    [
      'a folder holding a misnamed migration',
      (root: string) => ['new', 'x', '--dir', writeFolder(root, 'migrations', { 'notes.sql': '' })],
      'BAD_NAME',
      "notes.sql: a migration's file name must look like",
    ],
  ])('exits 2 for %s, writing nothing', async (_, args, code, message) => {
    const root = makeTempDir();
    const command = args(root);
    const before = tree(root);

    const run = await runCli(command);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [${code}]`);
    expect(run.stderr).toContain(message);
    expect(tree(root)).toEqual(before);
  });

  it.each([
    [['new', '--dir', 'migrations'], 'new needs a NAME'],
    [['new', 'a', 'b', '--dir', 'migrations'], 'new takes one NAME; unexpected "b"'],
    [
      ['new', 'a', '--dir', 'migrations', '--name', 'b'],
      '--name applies to diff only (new takes NAME as its operand)',
    ],
    [['new', 'a', '--dir', 'migrations', '--dry-run'], '--dry-run applies to migrate and diff'],
    [
      ['new', 'a', '--dir', 'migrations', '--schema', 'x.sql'],
      '--schema applies to migrate, status, verify and diff',
    ],
  ])('exits 2 for %j, saying why', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [USAGE]: ${message}`);
  });
});

describe('writeMigrationFile', () => {
  it('never writes over a file of the same name, and leaves nothing behind', () => {
    const dir = writeFolder(makeTempDir(), 'migrations', { '002_taken.sql': 'SELECT 1;\n' });

    let thrown: unknown;
    try {
      writeMigrationFile(dir, '002_taken.sql', 'SELECT 2;\n');
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('WRITE_FAILED');
    expect((thrown as Error).message).toBe(
      `${join(dir, '002_taken.sql')}: could not write: a file of that name exists (nothing was written)`,
    );
    expect(readFileSync(join(dir, '002_taken.sql'), 'utf8')).toBe('SELECT 1;\n');
    expect(listFolder(dir)).toEqual(['002_taken.sql']);
  });

  it('writes the whole text, synced', () => {
    const dir = writeFolder(makeTempDir(), 'migrations', {});
    writeFileSync(join(dir, '001_a.sql'), '');

    expect(writeMigrationFile(dir, '002_b.sql', 'SELECT 2;\n')).toBe(join(dir, '002_b.sql'));
    expect(readFileSync(join(dir, '002_b.sql'), 'utf8')).toBe('SELECT 2;\n');
  });
});
