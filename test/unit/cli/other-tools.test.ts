import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrationFiles } from '../../../src/cli/migrations-folder.ts';
import {
  appFolder,
  appMigrations,
  migratedBy,
  migratedByDrizzle,
} from '../../helpers/other-tools.ts';
import { memoryDatabase, rows } from '../../helpers/sqljs.ts';
import { makeTempDir, runCli, snapshot, writeFolder } from './cli-harness.ts';

/** A drizzle-kit folder as drizzle-kit writes it: four migrations, a backfill second, a journal. */
const DRIZZLE_KIT = resolve(import.meta.dirname, '../../fixtures/drizzle-kit');

/** A file drizzle-orm's migrator took through the first `count` of the fixture's migrations. */
function drizzleFile(count: number, also?: (db: ReturnType<typeof memoryDatabase>) => void) {
  const db = migratedByDrizzle(readMigrationFiles(DRIZZLE_KIT), count);
  db.run("INSERT INTO notes (slug, content) VALUES ('late', 'written after the backfill ran')");
  also?.(db);
  const file = join(makeTempDir(), 'app.db');
  writeFileSync(file, db.export());
  return file;
}

describe('a database drizzle migrated, with the drizzle-kit folder as it is', () => {
  it('status says what it would adopt and changes nothing', async () => {
    const file = drizzleFile(3);
    const before = snapshot(file);
    const run = await runCli(['status', file, '--dir', DRIZZLE_KIT]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${file}: other-ledger database (drizzle's ledger: __drizzle_migrations)`,
    );
    expect(run.stdout).toMatch(/0000_notes\.sql\s+applied \(would adopt\)/);
    expect(run.stdout).toMatch(/0003_pinned\.sql\s+pending/);
    expect(run.stdout).toContain('would adopt from drizzle (__drizzle_migrations): 3 migrations');
    expect(run.stdout).toContain('3 applied, 1 pending: migrate would change it');
    expect(snapshot(file)).toEqual(before);
  });

  it('migrate adopts what drizzle ran and runs only what is pending; the backfill does not run again', async () => {
    const file = drizzleFile(3);
    const run = await runCli(['migrate', file, '--dir', DRIZZLE_KIT, '--json']);
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.adoption).toEqual({
      from: 'drizzle',
      source: '__drizzle_migrations',
      migrations: ['0000_notes.sql', '0001_backfill_excerpts.sql', '0002_tags.sql'],
      dropped: false,
    });
    expect(report.executed).toEqual(['0003_pinned.sql']);
    const db = memoryDatabase(new Uint8Array(snapshot(file).bytes));
    expect(rows(db, "SELECT excerpt FROM notes WHERE slug = 'late'")).toEqual([{ excerpt: null }]);
    expect(rows(db, 'SELECT count(*) AS n FROM __drizzle_migrations')).toEqual([{ n: 3 }]);

    const status = await runCli(['status', file, '--dir', DRIZZLE_KIT]);
    expect(status.stdout).toMatch(/0001_backfill_excerpts\.sql\s+applied \(adopted from drizzle\)/);
    expect(status.stdout).toContain('adopted from drizzle: 3 migrations');
    expect(status.stdout).toContain('4 applied, 0 pending: up to date');
  });

  it('runs the backfill drizzle had not run yet', async () => {
    const file = drizzleFile(1);
    const run = await runCli(['migrate', file, '--dir', DRIZZLE_KIT, '--json']);
    expect(JSON.parse(run.stdout).report.executed).toEqual([
      '0001_backfill_excerpts.sql',
      '0002_tags.sql',
      '0003_pinned.sql',
    ]);
    const db = memoryDatabase(new Uint8Array(snapshot(file).bytes));
    expect(rows(db, "SELECT excerpt FROM notes WHERE slug = 'late'")).toEqual([
      { excerpt: 'written after the backfill ran' },
    ]);
  });

  it('with --drop-adopted-ledger, drops __drizzle_migrations in the same write', async () => {
    const file = drizzleFile(4);
    const run = await runCli(['migrate', file, '--dir', DRIZZLE_KIT, '--drop-adopted-ledger']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'adopted from drizzle (__drizzle_migrations): 4 migrations; __drizzle_migrations dropped',
    );
    const db = memoryDatabase(new Uint8Array(snapshot(file).bytes));
    expect(rows(db, "SELECT name FROM sqlite_schema WHERE name = '__drizzle_migrations'")).toEqual(
      [],
    );
  });

  it('whose schema disagrees with its ledger is refused, exit 1, and the file is untouched', async () => {
    const file = drizzleFile(3, (db) => db.run('DROP TABLE note_tags'));
    const before = snapshot(file);
    const run = await runCli(['migrate', file, '--dir', DRIZZLE_KIT]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [LEDGER_DISAGREES]');
    expect(run.stderr).toContain(
      "drizzle's ledger (__drizzle_migrations) says 0002_tags.sql was the last to run",
    );
    expect(run.stderr).toContain(`(${file} is unchanged)`);
    expect(snapshot(file)).toEqual(before);
  });

  it('whose migration golang-migrate left dirty is refused, exit 1, and the file is untouched', async () => {
    const db = migratedBy('golang-migrate', appMigrations('golang-migrate'), 2);
    db.run('UPDATE schema_migrations SET dirty = 1');
    const root = makeTempDir();
    const file = join(root, 'app.db');
    writeFileSync(file, db.export());
    const dir = writeFolder(root, 'migrations', appFolder('golang-migrate'));
    const before = snapshot(file);
    const run = await runCli(['migrate', file, '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [UNFINISHED_MIGRATION]');
    expect(run.stderr).toContain('version 2 dirty');
    expect(snapshot(file)).toEqual(before);
  });
});

describe('the command line’s layout and adoption options', () => {
  it('--adopt-from app:TABLE.COLUMN:VALUES adopts the app’s own table', async () => {
    const root = makeTempDir();
    const db = migratedBy('user_version', appMigrations('sqljs-migrate'), 2);
    db.exec(
      'PRAGMA user_version = 0; CREATE TABLE versions (v INTEGER); INSERT INTO versions VALUES (2);',
    );
    const file = join(root, 'app.db');
    writeFileSync(file, db.export());
    const dir = writeFolder(root, 'migrations', appFolder('sqljs-migrate'));
    const run = await runCli([
      'migrate',
      file,
      '--dir',
      dir,
      '--adopt-from',
      'app:versions.v:last-version',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.adoption.from).toBe('app:versions');
    expect(report.executed).toEqual(['003_posts.sql']);
  });

  it('--layout reads the folder as the layout named', async () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', {
      '1_a.sql': 'CREATE TABLE a (id);',
      '2_b.up.sql': 'CREATE TABLE b (id);',
    });
    const refused = await runCli(['migrate', join(root, 'app.db'), '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error [MIXED_LAYOUT]');
    const run = await runCli([
      'migrate',
      join(root, 'app.db'),
      '--dir',
      dir,
      '--layout',
      'sqlx',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).report.executed).toEqual(['1_a.sql', '2_b.up.sql']);
  });

  it.each([
    [['--layout', 'liquibase'], '--layout takes one of'],
    [['--adopt-from', 'alembic'], '--adopt-from takes none'],
    [['--drop-adopted-ledger'], '--drop-adopted-ledger applies to migrate only'],
  ])('refuses %o as a usage error', async (extra, says) => {
    const run = await runCli(['status', 'app.db', '--dir', '.', ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
  });
});
