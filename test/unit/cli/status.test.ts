import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADD_NOTE_TITLE,
  CREATE_NOTES,
  CREATE_TAGS,
  databaseWithPending,
  listFolder,
  makeTempDir,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

/** The migration pending beside a database at 001. */
const PENDING = { '002_create_tags.sql': CREATE_TAGS };

describe('sqljs-migrate status', () => {
  it('reports applied and pending migrations and changes nothing', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    const before = snapshot(file);

    const run = await runCli(['status', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${file}: tracked database`);
    expect(run.stdout).toMatch(/001_create_notes\.sql\s+applied/);
    expect(run.stdout).toMatch(/002_create_tags\.sql\s+pending/);
    expect(run.stdout).toContain('1 applied, 1 pending');
    expect(snapshot(file)).toEqual(before);
  });

  it('does not create a missing file', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', { '001_create_notes.sql': CREATE_NOTES });

    const run = await runCli(['status', join(root, 'notes.db'), '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('fresh database');
    expect(listFolder(root)).toEqual(['migrations']);
  });

  it('reports drift from a --schema file, naming the table and column', async () => {
    const { root, dir, file } = await databaseWithPending(PENDING);
    const schema = join(root, 'wanted.sql');
    writeFileSync(
      schema,
      `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, title TEXT);\n${CREATE_TAGS}`,
    );
    expect((await runCli(['migrate', file, '--dir', dir, '--no-schema'])).code).toBe(0);

    const run = await runCli(['status', file, '--dir', dir, '--schema', schema, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'notes', detail: expect.stringContaining('title') }),
      ]),
    );
  });

  it('prints exactly one JSON document with the report', async () => {
    const { dir, file } = await databaseWithPending(PENDING);

    const run = await runCli(['status', file, '--dir', dir, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: true, command: 'status', file, written: false });
    expect(document.report.dryRun).toBe(true);
    expect(
      document.report.migrations.map((m: { checksumStatus: string }) => m.checksumStatus),
    ).toEqual(['ok', 'pending']);
  });

  it('is unaffected by a migration it has not applied yet, even one adding a column', async () => {
    const { dir, file } = await databaseWithPending(PENDING);
    writeFileSync(join(dir, '003_add_note_title.sql'), ADD_NOTE_TITLE);
    const before = snapshot(file);

    const run = await runCli(['status', file, '--dir', dir]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 applied, 2 pending');
    expect(snapshot(file)).toEqual(before);
  });
});
