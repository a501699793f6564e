import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFrom } from '../../helpers/sqljs.ts';
import {
  CREATE_NOTES,
  CREATE_TAGS,
  GOOD_SET,
  listFolder,
  makeTempDir,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

/**
 * A database at 001 whose last page is an overflow page a long note only half fills, so its
 * tail is unused; and a folder whose 002 is pending, so `migrate` would write.
 */
function databaseWithUnusedTail() {
  const root = makeTempDir();
  const dir = writeFolder(root, 'migrations', {
    '001_create_notes.sql': CREATE_NOTES,
    '002_create_tags.sql': CREATE_TAGS,
  });
  const db = databaseFrom(CREATE_NOTES);
  db.run('INSERT INTO notes (body) VALUES (?)', ['a long note '.repeat(700)]);
  const bytes = db.export();
  return { root, dir, bytes };
}

/** How many zero bytes end `bytes`. */
function zeroTail(bytes: Uint8Array): number {
  let n = 0;
  while (n < bytes.length && bytes[bytes.length - 1 - n] === 0) n++;
  return n;
}

describe('sqljs-migrate input checks', () => {
  it('exits 2 for a file that is not a SQLite database, naming the file', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');
    writeFileSync(file, 'this is a text file, not a database\n'.repeat(5));
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [UNREADABLE_INPUT]: ${file}: it does not begin with SQLite's header`,
    );
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

  it('exits 2 for a file cut inside the unused tail of its last page, as the page refuses it', async () => {
    const { root, dir, bytes } = databaseWithUnusedTail();
    const cut = Math.min(zeroTail(bytes), 64);
    expect(cut).toBeGreaterThan(0);
    const file = join(root, 'notes.db');
    writeFileSync(file, bytes.subarray(0, bytes.length - cut));
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [UNREADABLE_INPUT]: ${file}: the file is cut off:`);
    expect(run.stderr).toContain('not a whole number of 4096-byte pages');
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 2 for a file that fails quick_check, as the page refuses it', async () => {
    const { root, dir, bytes } = databaseWithUnusedTail();
    // Page 2 is the notes table's only leaf; swapping its first two cell pointers (at 8 and 10
    // of its header) puts its rows out of order, which quick_check reports.
    const damaged = Uint8Array.from(bytes);
    const leaf = 4096 + 8;
    damaged.set([...bytes.subarray(leaf + 2, leaf + 4), ...bytes.subarray(leaf, leaf + 2)], leaf);
    const file = join(root, 'notes.db');
    writeFileSync(file, damaged);
    const before = snapshot(file);

    const run = await runCli(['status', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [UNREADABLE_INPUT]: ${file}: damaged: SQLite's quick_check`,
    );
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 2 for a migration file that is not UTF-8, naming it and the byte, and writes nothing', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const latin1 = join(dir, '003_accents.sql');
    writeFileSync(latin1, Buffer.from("INSERT INTO tags (name) VALUES ('caf\xe9');\n", 'latin1'));
    const file = join(root, 'notes.db');

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [UNREADABLE_INPUT]: ${latin1}: not UTF-8 text: the byte 0xe9 at offset 36 (counting from 0; line 1)`,
    );
    expect(listFolder(root)).toEqual(['migrations']);
  });
});
