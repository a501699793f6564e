import { describe, expect, it } from 'vitest';
import {
  CREATE_NOTES,
  CREATE_TAGS,
  GOOD_SET,
  makeTempDir,
  runCli,
  writeFolder,
} from './cli-harness.ts';

describe('sqljs-migrate verify', () => {
  it('passes on migrations that build their schema', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', GOOD_SET);

    const run = await runCli(['verify', '--dir', dir]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('ok: every version is recognized');
  });

  it('fails with exit 1 and a diff naming the table and column when schema.sql disagrees', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', {
      ...GOOD_SET,
      'schema.sql': `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, title TEXT);\n${CREATE_TAGS}`,
    });

    const run = await runCli(['verify', '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('verification failed');
    expect(run.stdout).toMatch(/notes.*title|title.*notes/);
  });

  it('reports the verification as one JSON document', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', {
      '001_create_notes.sql': CREATE_NOTES,
      'schema.sql': CREATE_NOTES + CREATE_TAGS,
    });

    const run = await runCli(['verify', '--dir', dir, '--json']);

    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: false, command: 'verify', report: { ok: false } });
    expect(document.report.problems.join('\n')).toContain('tags');
  });

  it("passes on the demo's own migrations folder", async () => {
    const run = await runCli(['verify', '--dir', 'migrations']);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('migrations/schema.sql');
  });
});
