import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADD_NOTE_TITLE,
  CREATE_NOTES,
  databaseWithPending,
  listFolder,
  makeTempDir,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

/** The migration pending beside a database at 001, so `migrate` would write. */
const PENDING = { '002_add_note_title.sql': ADD_NOTE_TITLE };

/** What SQLite leaves beside a database while a program has it open in WAL mode. */
function openInWalMode(file: string): void {
  writeFileSync(`${file}-wal`, '');
  writeFileSync(`${file}-shm`, '');
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sqljs-migrate beside a database another program has open', () => {
  it('refuses to migrate when an empty -wal and a -shm exist, naming the file', async () => {
    const { file } = await databaseWithPending(PENDING);
    openInWalMode(file);
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', join(file, '..', 'migrations')]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [DATABASE_IN_USE]: ${file}: ${file}-wal and ${file}-shm exist beside it`,
    );
    expect(run.stderr).toContain('Stop the program using it, or checkpoint and close it');
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses to migrate when an empty -journal exists', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    writeFileSync(`${file}-journal`, '');
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: ${file}-journal exists beside it`);
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses to create a fresh database beside a leftover -wal', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { '001_create_notes.sql': CREATE_NOTES });
    const file = join(root, 'notes.db');
    writeFileSync(`${file}-wal`, '');

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [DATABASE_IN_USE]');
    expect(listFolder(root)).toEqual(['migrations', 'notes.db-wal']);
  });

  it('reports the refusal as one JSON document with --json', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    openInWalMode(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--json']);

    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      command: 'migrate',
      error: { name: 'CliError', code: 'DATABASE_IN_USE', file },
    });
  });

  it('still reports status, with a warning on stderr', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    openInWalMode(file);

    const run = await runCli(['status', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('002_add_note_title.sql');
    expect(run.stderr).toContain(
      `warning: ${file}: ${file}-wal and ${file}-shm exist beside it, so a program may have`,
    );
    expect(run.stderr).toContain('migrate will refuse to write until they are gone');
  });

  it('warns that the report may be out of date when the -wal holds changes', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    writeFileSync(`${file}-wal`, 'uncheckpointed pages');

    const run = await runCli(['status', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${file}-wal holds changes not in it yet`);
  });

  it('still runs --dry-run, with a warning, and writes nothing', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    openInWalMode(file);
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--dry-run']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`warning: ${file}: ${file}-wal and ${file}-shm exist`);
    expect(snapshot(file)).toEqual(before);
  });

  it('keeps the writes of a sqlite3 shell that has the database open in WAL mode', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    const shell = spawn('sqlite3', [file], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise((resolve) => shell.on('exit', resolve));
    shell.stdin.write('PRAGMA journal_mode=WAL;\nSELECT count(*) FROM notes;\n');
    await waitFor(() => existsSync(`${file}-shm`));

    const run = await runCli(['migrate', file, '--dir', dir]);
    shell.stdin.end("INSERT INTO notes (body) VALUES ('written while migrate ran');\n");
    await exited;

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [DATABASE_IN_USE]');
    const rows = spawnSync('sqlite3', [file, 'SELECT body FROM notes;'], { encoding: 'utf8' });
    expect(rows.stdout.trim()).toBe('written while migrate ran');
  });
});
