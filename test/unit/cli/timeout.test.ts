import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  databaseWithPending,
  GOOD_SET,
  listFolder,
  makeTempDir,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

const CREATE_COUNTERS =
  'CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\nINSERT INTO counters VALUES (1, 0);\n';

/** A trigger whose body counts an endless recursive query, set off by a backfill. */
const RUNAWAY_BACKFILL = `CREATE TRIGGER counters_audit AFTER UPDATE ON counters BEGIN
  WITH RECURSIVE forever(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM forever)
  SELECT count(*) FROM forever;
END;
UPDATE counters SET n = n + 1;
`;

/** A database at 001 and a folder whose pending 002 never ends. */
const databaseWithRunawayMigration = () =>
  databaseWithPending(
    { '002_backfill.sql': RUNAWAY_BACKFILL },
    { first: { '001_counters.sql': CREATE_COUNTERS }, fileName: 'app.db' },
  );

describe('sqljs-migrate --timeout', () => {
  it('stops a migration that never ends, exits 1 and leaves the file byte-identical', async () => {
    const { root, dir, file } = await databaseWithRunawayMigration();
    const before = snapshot(file);

    const run = await runCli(['migrate', file, '--dir', dir, '--timeout', '1']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error [TIMED_OUT]: ${file}: stopped after 1 s (--timeout) while running 002_backfill.sql (1/1); ${file} is unchanged.`,
    );
    expect(snapshot(file)).toEqual(before);
    expect(listFolder(root)).toEqual(['app.db', 'migrations']);
  });

  it('stops status the same way, as one JSON document with --json', async () => {
    const { dir, file } = await databaseWithRunawayMigration();

    const run = await runCli(['status', file, '--dir', dir, '--timeout', '0.5', '--json']);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      command: 'status',
      error: { name: 'CliError', code: 'TIMED_OUT', file },
    });
  });

  it('migrates as without it when the run finishes in time', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');

    const run = await runCli(['migrate', file, '--dir', dir, '--timeout', '60', '--json']);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, written: true, created: true });
    expect(run.stderr).toContain('creating the schema from schema.sql');
    expect((await runCli(['status', file, '--dir', dir])).stdout).toContain('2 applied, 0 pending');
  });

  it('reports a failing migration as itself, with the file unchanged', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', {
      '001_counters.sql': 'CREATE TABLE counterz (;\n',
    });
    const file = join(root, 'app.db');

    const run = await runCli(['migrate', file, '--dir', dir, '--timeout', '60', '--json']);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { name: 'MigrationError', code: 'SQL_FAILED', unchanged: file, line: 1 },
    });
    expect(listFolder(root)).toEqual(['migrations']);
  });
});
