import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADD_NOTE_TITLE,
  CREATE_NOTES,
  CREATE_TAGS,
  databaseWithPending,
  GOOD_SET,
  listFolder,
  makeTempDir,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

describe('sqljs-migrate migrate', () => {
  it('creates a missing database file and says so', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${file} does not exist: starting a fresh database`);
    expect(run.stdout).toContain(`${file}: fresh database, a new file`);
    expect(snapshot(file).bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(listFolder(root)).toEqual(['migrations', 'notes.db']);
  });

  it('leaves the bytes and modification time alone when run a second time', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');
    expect((await runCli(['migrate', file, '--dir', dir])).code).toBe(0);
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('unchanged, already up to date');
    expect(snapshot(file)).toEqual(before);
  });

  it('applies a pending migration and replaces the file', async () => {
    const { dir, file } = await databaseWithPending({ '002_create_tags.sql': CREATE_TAGS });

    const run = await runCli(['migrate', file, '--dir', dir, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const { report, written } = JSON.parse(run.stdout);
    expect(written).toBe(true);
    expect(report.executed).toEqual(['002_create_tags.sql']);
    expect(report.alreadyApplied).toEqual(['001_create_notes.sql']);
  });

  it('keeps the database byte-identical and leaves no temp file when a migration fails mid-file', async () => {
    const { root, dir, file } = await databaseWithPending({
      '002_tags_then_typo.sql': `${CREATE_TAGS}INSERT INTO tags (name) VALUES ('first');\nINSERT INTO tagz (name) VALUES ('second');\n`,
    });
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [SQL_FAILED]');
    expect(run.stderr).toContain('002_tags_then_typo.sql');
    expect(run.stderr).toContain('no such table: tagz');
    expect(snapshot(file)).toEqual(before);
    expect(listFolder(root)).toEqual(['migrations', 'notes.db']);
  });

  it('says the file is unchanged, not that earlier migrations of the run stay applied, when a later one fails', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', {
      '001_notes.sql': CREATE_NOTES,
      '002_index.sql': 'CREATE INDEX i ON notes (no_such_column);\n',
    });
    const file = join(root, 'app.db');
    // A database with no tables yet: the run executes 001 in memory, then 002 fails.
    spawnSync('sqlite3', [file, 'PRAGMA user_version = 7;']);
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--no-schema']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `002_index.sql line 1: no such column: no_such_column (${file} is unchanged)`,
    );
    expect(run.stderr).not.toContain('stay applied');
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 1 and keeps the file when an applied migration was edited since', async () => {
    const { dir, file } = await databaseWithPending({});
    writeFileSync(join(dir, '001_create_notes.sql'), `${CREATE_NOTES}-- edited after release\n`);
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [CHECKSUM_MISMATCH]');
    expect(snapshot(file)).toEqual(before);
  });

  it('leaves the file byte-identical with --dry-run and says what would run', async () => {
    const { dir, file } = await databaseWithPending({ '002_create_tags.sql': CREATE_TAGS });
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--dry-run']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/002_create_tags\.sql\s+would execute/);
    expect(run.stdout).toContain('not written');
    expect(snapshot(file)).toEqual(before);
  });

  it('does not create a missing file with --dry-run', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);

    const run = await runCli(['migrate', join(root, 'notes.db'), '--dir', dir, '--dry-run']);

    expect(run.code, run.stderr).toBe(0);
    expect(listFolder(root)).toEqual(['migrations']);
  });

  it('prints exactly one JSON document on stdout with --json, progress on stderr', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');

    const run = await runCli(['migrate', file, '--dir', dir, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: true, command: 'migrate', file, created: true });
    expect(document.report.state).toBe('fresh');
    expect(run.stderr).toContain('starting a fresh database');
  });

  it('prints a migration failure as one JSON document with the error code', async () => {
    const { dir, file } = await databaseWithPending({
      '002_broken.sql': 'CREATE TABLE broken (;\n',
    });

    const run = await runCli(['migrate', file, '--dir', dir, '--json']);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      command: 'migrate',
      error: { name: 'MigrationError', code: 'SQL_FAILED', migrationName: '002_broken.sql' },
    });
  });

  it('keeps a WAL database in WAL mode and readable by the sqlite3 shell', async () => {
    const { dir, file } = await databaseWithPending({ '002_add_note_title.sql': ADD_NOTE_TITLE });
    const sqlite3 = (sql: string) =>
      spawnSync('sqlite3', [file, sql], { encoding: 'utf8' }).stdout.trim();
    expect(sqlite3('PRAGMA journal_mode=WAL;')).toBe('wal');

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(sqlite3('PRAGMA journal_mode;')).toBe('wal');
    expect(sqlite3('PRAGMA integrity_check;')).toBe('ok');
    expect(sqlite3('SELECT migration_name FROM schema_migrations ORDER BY 1;')).toBe(
      '001_create_notes.sql\n002_add_note_title.sql',
    );
  });

  it('refuses a migration that leaves a schema SQLite cannot read, and keeps the file', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { '001_a.sql': 'CREATE TABLE a (x INTEGER);\n' });
    const file = join(root, 'app.db');
    expect((await runCli(['migrate', file, '--dir', dir])).code).toBe(0);
    writeFileSync(
      join(dir, '002_bad.sql'),
      "PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE a (x INTEGER' WHERE name='a';\n",
    );
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [INTEGRITY_FAILED]: 002_bad.sql: leaves a database');
    expect(run.stderr).toContain('malformed database schema (a)');
    expect(run.stderr).toContain(`(${file} is unchanged)`);
    expect(snapshot(file)).toEqual(before);
  });
});
