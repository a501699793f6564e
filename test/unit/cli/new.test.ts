import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCliError } from '../../../src/cli/cli-error.ts';
import { writeMigrationFile, writeMigrationFiles } from '../../../src/cli/migrations-folder.ts';
import type { MigrationLayout } from '../../../src/index.ts';
import { appFolder, drizzleMigrate } from '../../helpers/other-tools.ts';
import { memoryDatabase, rows } from '../../helpers/sqljs.ts';
import {
  appToolFolder,
  listFolder,
  listTree,
  makeTempDir,
  REPO_ROOT,
  runCli,
  snapshot,
  writeFolder,
} from './cli-harness.ts';

/** Every file and folder under `root`, as paths relative to it. */
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
    const before = listTree(root);

    const run = await runCli(command);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [${code}]`);
    expect(run.stderr).toContain(message);
    expect(listTree(root)).toEqual(before);
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

/** A folder of another tool's layout (paths may go through folders), under a fresh temp folder. */
function toolFolder(files: Record<string, string>): string {
  return writeFolder(makeTempDir(), 'migrations', files);
}

/** What `new` writes to be filled in: the comment's last line, after which the SQL goes. */
const COMMENT_END = 'checks that they agree.\n';
const ADD_PINNED = 'ALTER TABLE posts ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n';

describe('sqljs-migrate new in a folder of another tool', () => {
  it.each<[MigrationLayout, string[], RegExp[]]>([
    ['sqljs-migrate', [], [/^004_add_pinned\.sql$/]],
    ['golang-migrate', [], [/^4_add_pinned\.down\.sql$/, /^4_add_pinned\.up\.sql$/]],
    ['sqlx', ['--layout', 'sqlx'], [/^004_add_pinned\.sql$/]],
    ['dbmate', [], [/^\d{14}_add_pinned\.sql$/]],
    ['flyway', [], [/^V4__add_pinned\.sql$/]],
    ['prisma', [], [/^\d{14}_add_pinned$/, /^\d{14}_add_pinned\/migration\.sql$/]],
    [
      'drizzle-kit',
      [],
      [/^0003_add_pinned\.sql$/, /^meta\/0003_snapshot\.json$/, /^meta\/_journal\.json$/],
    ],
  ])(
    '%s: writes the next migration, which status and migrate then run last',
    async (layout, layoutArgs, expected) => {
      const dir = appToolFolder(layout);
      const file = join(dirname(dir), 'app.db');
      expect((await runCli(['migrate', file, '--dir', dir, ...layoutArgs])).code).toBe(0);
      const before = listTree(dir);

      const run = await runCli(['new', 'add pinned', '--dir', dir, ...layoutArgs, '--json']);

      expect(run.code, run.stderr).toBe(0);
      const written = JSON.parse(run.stdout);
      const changed = listTree(dir).filter(
        (path) => !before.includes(path) || path === 'meta/_journal.json',
      );
      expect(changed).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
      const name = (written.file as string).slice(dir.length + 1);
      expect(name).toMatch(/add_pinned(\.up)?(\.sql|\/migration\.sql)$/);
      const text = readFileSync(written.file, 'utf8');
      writeFileSync(written.file, text.replace(COMMENT_END, COMMENT_END + ADD_PINNED));

      const status = await runCli(['status', file, '--dir', dir, ...layoutArgs, '--json']);
      expect(status.code, status.stderr).toBe(0);
      const outcomes = JSON.parse(status.stdout).report.migrations;
      expect(outcomes.at(-1)).toMatchObject({ name, status: 'would-execute' });
      expect(outcomes.filter((o: { status: string }) => o.status === 'would-execute')).toHaveLength(
        1,
      );

      const migrate = await runCli(['migrate', file, '--dir', dir, ...layoutArgs, '--json']);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(JSON.parse(migrate.stdout).report.executed).toEqual([name]);
      const db = memoryDatabase(new Uint8Array(snapshot(file).bytes));
      expect(rows(db, "SELECT name FROM pragma_table_info('posts') WHERE name = 'pinned'")).toEqual(
        [{ name: 'pinned' }],
      );
    },
  );

  it('golang-migrate: says it wrote the down file too, in words and in JSON', async () => {
    const dir = appToolFolder('golang-migrate');

    const text = await runCli(['new', 'add pinned', '--dir', dir]);
    const json = await runCli(['new', 'add tags', '--dir', dir, '--json']);

    expect(text.stdout).toBe(
      `${join(dir, '4_add_pinned.up.sql')} written: an empty migration, for its SQL\n${join(dir, '4_add_pinned.down.sql')} written: its down part, empty (sqljs-migrate never runs it)\n`,
    );
    expect(readFileSync(join(dir, '4_add_pinned.down.sql'), 'utf8')).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      command: 'new',
      file: join(dir, '5_add_tags.up.sql'),
      dir,
      written: true,
      files: [join(dir, '5_add_tags.up.sql'), join(dir, '5_add_tags.down.sql')],
    });
  });

  it('dbmate: writes the comment between -- migrate:up and -- migrate:down', async () => {
    const dir = appToolFolder('dbmate');

    const run = await runCli(['new', 'add pinned', '--dir', dir, '--json']);

    const { file } = JSON.parse(run.stdout);
    expect(readFileSync(file, 'utf8')).toBe(
      `-- migrate:up\n-- ${file.slice(dir.length + 1)}: what this migration does, and why.\n-- Make the same change in schema.sql: \`sqljs-migrate verify --dir ${dir}\` checks that they agree.\n\n-- migrate:down\n`,
    );
  });

  it("drizzle-kit: drizzle's own migrator runs the new migration from the journal", async () => {
    const dir = appToolFolder('drizzle-kit');
    const db = memoryDatabase();
    drizzleMigrate(db, dir);

    const run = await runCli(['new', 'add pinned', '--dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        `${join(dir, '0003_add_pinned.sql')} written: an empty migration, for its SQL`,
        `${join(dir, 'meta/0003_snapshot.json')} written: drizzle-kit's snapshot for it, the previous one under a new id`,
        `${join(dir, 'meta/_journal.json')} updated: drizzle-kit's journal lists the new migration`,
        '',
      ].join('\n'),
    );
    const path = join(dir, '0003_add_pinned.sql');
    writeFileSync(path, readFileSync(path, 'utf8').replace(COMMENT_END, COMMENT_END + ADD_PINNED));
    drizzleMigrate(db, dir);

    expect(rows(db, 'SELECT count(*) AS n FROM __drizzle_migrations')).toEqual([{ n: 4 }]);
    expect(rows(db, "SELECT name FROM pragma_table_info('posts') WHERE name = 'pinned'")).toEqual([
      { name: 'pinned' },
    ]);
    const snapshotFile = JSON.parse(readFileSync(join(dir, 'meta/0003_snapshot.json'), 'utf8'));
    expect(snapshotFile).toMatchObject({ prevId: 'posts', version: '6' });
    expect(snapshotFile.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('drizzle-kit: refuses a folder with no snapshot, saying to run drizzle-kit, writing nothing', async () => {
    const dir = toolFolder(appFolder('drizzle-kit'));
    const before = listTree(dir);
    const journal = snapshot(join(dir, 'meta/_journal.json'));

    const run = await runCli(['new', 'add pinned', '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error [CANNOT_GENERATE]: meta/: no snapshot, and drizzle-kit writes each migration's from the one before; run `drizzle-kit generate --custom --name add_pinned` instead, which writes the migration, its snapshot and its journal entry (nothing was written)",
    );
    expect(listTree(dir)).toEqual(before);
    expect(snapshot(join(dir, 'meta/_journal.json'))).toEqual(journal);
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

describe('writeMigrationFiles', () => {
  it('writes none when the journal changed since it was read, removing the files it wrote', () => {
    const dir = toolFolder({ '0000_a.sql': '', 'meta/_journal.json': '{"entries":[]}\n' });
    const before = listTree(dir);

    let thrown: unknown;
    try {
      writeMigrationFiles(dir, [
        { path: '0001_b.sql', text: 'SELECT 1;\n', role: 'migration' },
        { path: 'meta/0001_snapshot.json', text: '{}', role: 'snapshot' },
        { path: 'meta/_journal.json', text: '{}', role: 'journal', replaces: '{"entries":[]}' },
      ]);
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('WRITE_FAILED');
    expect((thrown as Error).message).toBe(
      `${join(dir, 'meta/_journal.json')}: changed since it was read, by another program writing the folder; run the command again (nothing was written)`,
    );
    expect(listTree(dir)).toEqual(before);
    expect(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')).toBe('{"entries":[]}\n');
  });

  it('writes none when a later file is taken, removing the folder it made', () => {
    const dir = toolFolder({ '1_a.down.sql': 'taken\n' });

    let thrown: unknown;
    try {
      writeMigrationFiles(dir, [
        { path: '1_a/migration.sql', text: 'SELECT 1;\n', role: 'migration' },
        { path: '1_a.down.sql', text: '', role: 'down' },
      ]);
    } catch (error) {
      thrown = error;
    }

    expect(isCliError(thrown) && thrown.code).toBe('WRITE_FAILED');
    expect((thrown as Error).message).toContain(
      '1_a.down.sql: could not write: a file of that name exists',
    );
    expect(listTree(dir)).toEqual(['1_a.down.sql']);
    expect(readFileSync(join(dir, '1_a.down.sql'), 'utf8')).toBe('taken\n');
  });

  it('replaces the journal and makes a new folder whole, leaving no temporary file', () => {
    const dir = toolFolder({ 'meta/_journal.json': 'old' });

    const paths = writeMigrationFiles(dir, [
      { path: '2_b/migration.sql', text: 'SELECT 2;\n', role: 'migration' },
      { path: 'meta/_journal.json', text: 'new', role: 'journal', replaces: 'old' },
    ]);

    expect(paths).toEqual([join(dir, '2_b/migration.sql'), join(dir, 'meta/_journal.json')]);
    expect(listTree(dir)).toEqual(['2_b', '2_b/migration.sql', 'meta', 'meta/_journal.json']);
    expect(readFileSync(join(dir, '2_b/migration.sql'), 'utf8')).toBe('SELECT 2;\n');
    expect(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')).toBe('new');
  });
});
