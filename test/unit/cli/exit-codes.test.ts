import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, isCliError } from '../../../src/cli/cli-error.ts';
import { exitCodeFor, formatError } from '../../../src/cli/output.ts';
import { loadSqlJs, openFileInMemory } from '../../../src/cli/run-in-memory.ts';
import { MigrationError } from '../../../src/index.ts';
import { databaseFrom } from '../../helpers/sqljs.ts';
import { CREATE_NOTES, makeTempDir, runCli, snapshot, writeFolder } from './cli-harness.ts';

/** A database made by the sqlite3 shell from `sql`, and a folder with one migration. */
function databaseFromShell(sql: string) {
  const root = makeTempDir();
  const dir = writeFolder(root, 'migrations', {
    '001_create_notes.sql': CREATE_NOTES,
    'schema.sql': CREATE_NOTES,
  });
  const file = join(root, 'notes.db');
  const shell = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  expect(shell.status, shell.stderr).toBe(0);
  return { dir, file };
}

describe('exitCodeFor', () => {
  it('exits 1 for a migration that failed', () => {
    expect(exitCodeFor(new MigrationError('SQL_FAILED', '002_x.sql: no such table'))).toBe(1);
  });

  it('exits 2 for a misnamed migration file', () => {
    expect(exitCodeFor(new MigrationError('BAD_NAME', 'add-tags.sql: bad name'))).toBe(2);
  });

  it('exits 2 for unreadable input and 1 for a failed write, as the CliError code says', () => {
    expect(exitCodeFor(new CliError('UNREADABLE_INPUT', 'a.db: damaged'))).toBe(2);
    expect(exitCodeFor(new CliError('WRITE_FAILED', 'a.db: disk full'))).toBe(1);
  });

  it('exits 1 for any other error', () => {
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(1);
  });
});

describe('formatError for an error of this program', () => {
  it('prints its message after an INTERNAL code', () => {
    expect(formatError(new TypeError('x is undefined'))).toMatch(
      /^error \[INTERNAL\]: x is undefined\n/,
    );
  });
});

describe('openFileInMemory', () => {
  it('turns a failure of sql.js to open the bytes into unreadable input naming the file', async () => {
    const sql = await loadSqlJs();
    const failing = {
      ...sql,
      Database: class {
        constructor() {
          throw new Error('out of memory');
        }
      },
    } as unknown as typeof sql;

    let thrown: unknown;
    try {
      openFileInMemory(failing, new Uint8Array(100), 'broken.db');
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('UNREADABLE_INPUT');
    expect((thrown as Error).message).toBe(
      'broken.db: cannot be opened as a SQLite database: out of memory',
    );
  });
});

describe('sqljs-migrate on a database it cannot read', () => {
  it('exits 1 with UNRECOGNIZED_SCHEMA, as for any ledger of another tool, when schema_migrations is a view', async () => {
    const { dir, file } = databaseFromShell(
      `${CREATE_NOTES} CREATE VIEW schema_migrations AS ` +
        "SELECT 1 AS id, '001_create_notes.sql' AS migration_name, 0 AS applied_at;",
    );
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error [UNRECOGNIZED_SCHEMA]: schema_migrations is a view, not a table',
    );
    expect(run.stderr).toContain(`(${file} is unchanged)`);
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 2 and leaves the file alone when the ledger has a NOT NULL column of its own', async () => {
    const { dir, file } = databaseFromShell(
      `${CREATE_NOTES} CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, ` +
        'migration_name TEXT UNIQUE NOT NULL, applied_at TIMESTAMP, owner TEXT NOT NULL);',
    );
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--json']);

    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: { code: 'UNREADABLE_INPUT', file },
    });
    expect(JSON.parse(run.stdout).error.message).toContain('schema_migrations.owner');
    expect(snapshot(file)).toEqual(before);
  });

  it('exits 2 naming the file when the pages after a valid header are garbage', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { '001_create_notes.sql': CREATE_NOTES });
    const file = join(root, 'notes.db');
    const bytes = Buffer.alloc(8192, 0xab);
    bytes.set(databaseFrom(CREATE_NOTES).export().subarray(0, 100));
    writeFileSync(file, bytes);

    const run = await runCli(['migrate', file, '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [UNREADABLE_INPUT]: ${file}: cannot be opened`);
  });
});
