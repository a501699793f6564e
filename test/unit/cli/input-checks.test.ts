import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOOD_SET, listFolder, makeTempDir, runCli, snapshot, writeFolder } from './cli-harness.ts';

describe('sqljs-migrate input checks', () => {
  it('exits 2 for a file that is not a SQLite database, naming the file', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');
    writeFileSync(file, 'this is a text file, not a database\n');
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [UNREADABLE_INPUT]: ${file}: not a SQLite database`);
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 2 for an empty file instead of treating it as a fresh database', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'empty.db');
    writeFileSync(file, '');

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: empty, not a SQLite database`);
    expect(listFolder(root)).toEqual(['empty.db', 'migrations']);
  });

  it('exits 2 for a bad migration file name, naming the file', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { ...GOOD_SET, 'add-tags.sql': 'SELECT 1;' });

    const run = await runCli(['migrate', join(root, 'notes.db'), '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error \[BAD_NAME\]: .*add-tags\.sql/);
    expect(listFolder(root)).toEqual(['migrations']);
  });

  it('exits 2 for two migrations sharing one number', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { ...GOOD_SET, '002_other.sql': 'SELECT 1;' });

    const run = await runCli(['verify', '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [DUPLICATE_NUMBER]');
  });

  it('exits 2 for a migrations folder that does not exist, naming it', async () => {
    const root = makeTempDir();
    const missing = join(root, 'nowhere');

    const run = await runCli(['verify', '--dir', missing]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${missing}: cannot read the migrations folder: no such file`);
  });

  it('exits 2 for a --schema file that does not exist, naming it', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const missing = join(root, 'other-schema.sql');

    const run = await runCli(['verify', '--dir', dir, '--schema', missing]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${missing}: cannot read: no such file`);
  });

  it('exits 2 when a write-ahead log beside the file still holds data, naming it', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');
    expect((await runCli(['migrate', file, '--dir', dir])).code).toBe(0);
    writeFileSync(`${file}-wal`, 'uncheckpointed pages');
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [DATABASE_IN_USE]: ${file}: ${file}-wal exists beside it`);
    expect(snapshot(file)).toEqual(before);
  });

  it('reports an input error as one JSON document with --json', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');
    writeFileSync(file, 'not a database');

    const run = await runCli(['status', file, '--dir', dir, '--json']);

    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      command: 'status',
      error: { code: 'UNREADABLE_INPUT', file },
    });
  });
});
