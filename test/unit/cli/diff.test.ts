import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSchemas, fingerprintSchema, type MigrationLayout } from '../../../src/index.ts';
import { APP_SQL, drizzleMigrate } from '../../helpers/other-tools.ts';
import { memoryDatabase } from '../../helpers/sqljs.ts';
import {
  appToolFolder,
  CREATE_NOTES,
  CREATE_TAGS,
  GOOD_SET,
  listFolder,
  listTree,
  makeTempDir,
  runCli,
  writeFolder,
} from './cli-harness.ts';

const NOTES_WITH_TITLE =
  'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, title TEXT);\n';

/** Every file and folder under `root`, as paths relative to it. */
/** The small history of the harness, with schema.sql changed to `schema`. */
function folderWithSchema(schema: string): string {
  return writeFolder(makeTempDir(), 'migrations', { ...GOOD_SET, 'schema.sql': schema });
}

/** The app's schema with a column more: what its migrations build, posts pinned. */
const APP_PINNED = [
  APP_SQL[0],
  APP_SQL[2].replace('body TEXT)', 'body TEXT, pinned INTEGER NOT NULL DEFAULT 0)'),
].join('');
/** drizzle-kit's first migration also made this index. */
const DRIZZLE_INDEX = 'CREATE UNIQUE INDEX users_email_unique ON users (email);\n';

describe('sqljs-migrate diff in a folder of another tool', () => {
  it.each<[MigrationLayout, string[], string[]]>([
    ['golang-migrate', [], ['4_pin_posts.down.sql', '4_pin_posts.up.sql']],
    ['sqlx', ['--layout', 'sqlx'], ['004_pin_posts.sql']],
    ['flyway', [], ['V4__pin_posts.sql']],
    ['drizzle-kit', [], ['0003_pin_posts.sql', 'meta/0003_snapshot.json', 'meta/_journal.json']],
  ])(
    '%s: writes the migration as new does, and migrate runs it last, with no drift',
    async (layout, layoutArgs, expected) => {
      const schema = APP_PINNED + (layout === 'drizzle-kit' ? DRIZZLE_INDEX : '');
      const dir = appToolFolder(layout, { 'schema.sql': schema });
      const before = listTree(dir);

      const run = await runCli([
        'diff',
        '--dir',
        dir,
        '--name',
        'pin posts',
        ...layoutArgs,
        '--json',
      ]);

      expect(run.code, run.stderr).toBe(0);
      const changed = listTree(dir).filter(
        (path) => !before.includes(path) || path === 'meta/_journal.json',
      );
      expect(changed).toEqual(expected);
      const { file } = JSON.parse(run.stdout);
      expect(readFileSync(file, 'utf8')).toContain(
        '-- New columns.\nALTER TABLE "posts" ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n',
      );
      // Without the schema, a fresh database runs every migration rather than taking the schema.
      const db = join(dirname(dir), 'app.db');
      const migrate = await runCli([
        'migrate',
        db,
        '--dir',
        dir,
        '--no-schema',
        ...layoutArgs,
        '--json',
      ]);
      expect(migrate.code, migrate.stderr).toBe(0);
      const { executed } = JSON.parse(migrate.stdout).report;
      expect(executed).toHaveLength(4);
      expect(executed.at(-1)).toBe(file.slice(dir.length + 1));
      const status = await runCli(['status', db, '--dir', dir, ...layoutArgs, '--json']);
      expect(JSON.parse(status.stdout).report.drift).toEqual([]);
    },
  );

  it("drizzle-kit: drizzle's own migrator runs every statement of it, a table rebuild too", async () => {
    const users = APP_SQL[0].replace('name TEXT)', "name TEXT NOT NULL DEFAULT '')");
    const schema = `${users}${DRIZZLE_INDEX}${APP_PINNED.slice(APP_SQL[0].length)}`;
    const dir = appToolFolder('drizzle-kit', { 'schema.sql': schema });

    const run = await runCli(['diff', '--dir', dir, '--name', 'pin posts']);

    expect(run.code, run.stderr).toBe(0);
    const sql = readFileSync(join(dir, '0003_pin_posts.sql'), 'utf8');
    expect(sql).toContain('--> statement-breakpoint');
    expect(sql).toContain('INSERT INTO "new_users"');
    const db = memoryDatabase();
    drizzleMigrate(db, dir);
    const wanted = memoryDatabase();
    wanted.exec(schema);
    expect(diffSchemas(fingerprintSchema(db), fingerprintSchema(wanted))).toEqual([]);
  });

  it('dbmate: writes the migration between its directives', async () => {
    const dir = appToolFolder('dbmate', { 'schema.sql': APP_PINNED });

    const run = await runCli(['diff', '--dir', dir, '--name', 'pin posts', '--json']);

    expect(run.code, run.stderr).toBe(0);
    const { file, migration } = JSON.parse(run.stdout);
    expect(file).toMatch(/\/\d{14}_pin_posts\.sql$/);
    expect(readFileSync(file, 'utf8')).toBe(`-- migrate:up\n${migration.sql}\n-- migrate:down\n`);
    const verify = await runCli(['verify', '--dir', dir]);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('prisma: writes the migration in a folder of its own, which verify then reads', async () => {
    const dir = appToolFolder('prisma', { 'schema.sql': APP_PINNED });

    const run = await runCli(['diff', '--dir', dir, '--name', 'pin posts']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\/\d{14}_pin_posts\/migration\.sql written, proven/);
    const verify = await runCli(['verify', '--dir', dir]);
    expect(verify.code, verify.stdout).toBe(0);
  });
});

describe('sqljs-migrate diff', () => {
  it('writes the next migration, which verify then finds in step with schema.sql', async () => {
    const dir = folderWithSchema(NOTES_WITH_TITLE + CREATE_TAGS);

    const run = await runCli(['diff', '--dir', dir, '--name', 'add note title']);

    expect(run.code, run.stderr).toBe(0);
    const file = join(dir, '003_add_note_title.sql');
    expect(run.stdout).toBe(
      `${file} written, proven on a copy with 6 generated rows in 2 tables\n  table notes: column title: added\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(
      `-- 003_add_note_title.sql: written by sqljs-migrate diff, from ${join(dir, 'schema.sql')};\n-- proven on a copy with 6 generated rows in 2 tables.\n\n-- New columns.\nALTER TABLE "notes" ADD COLUMN title TEXT;\n`,
    );
    const verify = await runCli(['verify', '--dir', dir]);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('prints the migration with --dry-run, and what it found on stderr, writing nothing', async () => {
    const dir = folderWithSchema(NOTES_WITH_TITLE + CREATE_TAGS);
    const before = listFolder(dir);

    const run = await runCli(['diff', '--dir', dir, '--dry-run']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ALTER TABLE "notes" ADD COLUMN title TEXT;');
    expect(run.stdout).toMatch(/^-- 003_update_schema\.sql: written by sqljs-migrate diff/);
    expect(run.stderr).toBe(
      `dry run: ${join(dir, '003_update_schema.sql')} not written, proven on a copy with 6 generated rows in 2 tables\n  table notes: column title: added\n`,
    );
    expect(listFolder(dir)).toEqual(before);
  });

  it('has nothing to write when the migrations already build schema.sql', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', GOOD_SET);

    const run = await runCli(['diff', '--dir', dir, '--json']);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      command: 'diff',
      file: null,
      written: false,
      migration: { sql: '', proof: null },
    });
    expect(listFolder(dir)).toEqual(Object.keys(GOOD_SET).sort());
  });

  it('refuses a change that loses data, exit 1, writing nothing', async () => {
    const dir = folderWithSchema(CREATE_NOTES);

    const run = await runCli(['diff', '--dir', dir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error [DATA_LOSS]: 003_update_schema.sql: reaching ' +
        `${join(dir, 'schema.sql')} loses data: table tags is dropped with its rows. Allow data loss`,
    );
    expect(run.stderr).toMatch(/\(nothing was written\)\n$/);
    expect(listFolder(dir)).toEqual(Object.keys(GOOD_SET).sort());
  });

  it('writes it with --allow-data-loss, with a comment and a warning saying so', async () => {
    const dir = folderWithSchema(CREATE_NOTES);

    const run = await runCli(['diff', '--dir', dir, '--allow-data-loss', '--name', 'drop tags']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'warning: data loss, allowed: table tags is dropped with its rows',
    );
    expect(readFileSync(join(dir, '003_drop_tags.sql'), 'utf8')).toContain(
      '-- Tables that go, with their rows (data loss, allowed).\nDROP TABLE "tags";',
    );
  });

  it('renames only with --rename, keeping the rows', async () => {
    const dir = folderWithSchema(
      `${CREATE_NOTES}CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n`,
    );

    const run = await runCli(['diff', '--dir', dir, '--rename', 'tags=labels', '--json']);

    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      ok: true,
      written: true,
      file: join(dir, '003_update_schema.sql'),
    });
    expect(document.migration.sql).toContain('ALTER TABLE "tags" RENAME TO "labels";');
    expect(readFileSync(document.file, 'utf8')).toBe(document.migration.sql);
  });

  it.each([
    [
      ['--rename', 'tags'],
      'BAD_RENAME',
      'rename tags: write a rename as old_table=new_table or table.old_column=new_column',
    ],
    [
      ['--rename', 'posts=labels'],
      'BAD_RENAME',
      'rename posts=labels: the schema the migrations build has no table posts',
    ],
    [['--name', '...'], 'BAD_NAME', `"...": a migration's description needs a letter or a digit`],
  ])('exits 2 for %j, naming what is wrong, as one JSON document', async (args, code, message) => {
    const dir = folderWithSchema(CREATE_NOTES);

    const run = await runCli(['diff', '--dir', dir, ...args, '--json']);

    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: false, command: 'diff', error: { code } });
    expect(document.error.message).toContain(message);
    expect(listFolder(dir)).toEqual(Object.keys(GOOD_SET).sort());
  });

  it('exits 2 without a schema to write towards', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', { '001_create_notes.sql': CREATE_NOTES });

    const run = await runCli(['diff', '--dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [UNREADABLE_INPUT]: ${join(dir, 'schema.sql')}: no such file: diff writes the migration that brings the migrations to the schema in it`,
    );
  });

  it('writes the first migration of a folder that holds only schema.sql', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', { 'schema.sql': CREATE_NOTES });

    const run = await runCli(['diff', '--dir', dir, '--name', 'create notes']);

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(dir, '001_create_notes.sql'), 'utf8')).toContain(
      `-- New tables.\n${CREATE_NOTES.trim()}`,
    );
  });

  it('takes the schema from --schema', async () => {
    const dir = writeFolder(makeTempDir(), 'migrations', GOOD_SET);
    const schema = join(makeTempDir(), 'wanted.sql');
    writeFileSync(schema, NOTES_WITH_TITLE + CREATE_TAGS);

    const run = await runCli(['diff', '--dir', dir, '--schema', schema, '--dry-run']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`written by sqljs-migrate diff, from ${schema};`);
  });

  it.each([
    [
      ['diff', '--dir', 'migrations', '--no-schema'],
      '--no-schema applies to migrate, status and verify',
    ],
    [['diff', 'app.db', '--dir', 'migrations'], 'diff takes no FILE; unexpected "app.db"'],
    [['diff', '--dir', 'migrations', '--timeout', '5'], '--timeout applies to migrate and status'],
    [
      ['migrate', 'app.db', '--dir', 'migrations', '--rename', 'a=b'],
      '--rename applies to diff only',
    ],
    [
      ['verify', '--dir', 'migrations', '--allow-data-loss'],
      '--allow-data-loss applies to diff only',
    ],
  ])('exits 2 for %j, saying why', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [USAGE]: ${message}`);
  });
});
