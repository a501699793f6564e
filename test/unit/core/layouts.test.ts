import { describe, expect, test } from 'vitest';
import {
  checksumOf,
  MIGRATION_LAYOUTS,
  type MigrationLayout,
  runMigrations,
  sortMigrations,
  splitMigrationFiles,
} from '../../../src/index.ts';
import { catchMigrationError } from '../../helpers/migration-error.ts';
import { APP_SQL, appFolder, drizzleJournal } from '../../helpers/other-tools.ts';
import { memoryDatabase, tableNames } from '../../helpers/sqljs.ts';

const names = (files: Record<string, string>, layout?: MigrationLayout) =>
  splitMigrationFiles(files, { layout }).migrations.map((migration) => migration.name);

describe('a folder in each layout, as its tool writes it', () => {
  test.each<[MigrationLayout, string[]]>([
    ['drizzle-kit', ['0000_users.sql', '0001_backfill_names.sql', '0002_posts.sql']],
    ['golang-migrate', ['1_users.up.sql', '2_backfill_names.up.sql', '3_posts.up.sql']],
    [
      'dbmate',
      ['20240101000001_users.sql', '20240101000002_backfill_names.sql', '20240101000003_posts.sql'],
    ],
    [
      'prisma',
      [
        '20240101000001_users/migration.sql',
        '20240101000002_backfill_names/migration.sql',
        '20240101000003_posts/migration.sql',
      ],
    ],
    ['flyway', ['V1__users.sql', 'V2__backfill_names.sql', 'V3__posts.sql']],
  ])('%s: is told from its files, read in its order, and builds the schema', (layout, expected) => {
    const split = splitMigrationFiles(appFolder(layout));
    expect(split.layout).toBe(layout);
    expect(split.migrations.map((migration) => migration.name)).toEqual(expected);
    const report = runMigrations(memoryDatabase(), split.migrations);
    expect(report.executed).toEqual(expected);
  });

  test.each(MIGRATION_LAYOUTS)('%s: read when asked for by name', (layout) => {
    const split = splitMigrationFiles(appFolder(layout), { layout });
    expect(split.layout).toBe(layout);
    expect(runMigrations(memoryDatabase(), split.migrations).executed).toHaveLength(3);
  });

  test('a folder of this runner’s own files is sqljs-migrate, with no origin', () => {
    const split = splitMigrationFiles(appFolder('sqljs-migrate'));
    expect(split.layout).toBe('sqljs-migrate');
    expect(split.migrations.every((migration) => migration.origin === undefined)).toBe(true);
  });
});

describe('drizzle-kit', () => {
  test('runs in the journal’s order, not the files’ names', () => {
    const files = {
      '0000_b.sql': 'CREATE TABLE b (id INTEGER);',
      '0001_a.sql': 'CREATE TABLE a (id INTEGER);',
      'meta/_journal.json': JSON.stringify({
        dialect: 'sqlite',
        entries: [
          { idx: 0, when: 2, tag: '0001_a' },
          { idx: 1, when: 3, tag: '0000_b' },
        ],
      }),
    };
    expect(names(files)).toEqual(['0001_a.sql', '0000_b.sql']);
  });

  test('keeps the whole file, breakpoints included, and its checksum is of that text', () => {
    const { migrations } = splitMigrationFiles(appFolder('drizzle-kit'));
    const first = migrations[0];
    expect(first?.sql).toContain('--> statement-breakpoint');
    expect(first?.origin).toEqual({
      layout: 'drizzle-kit',
      version: '0000_users',
      position: 0,
      createdAt: 1717000000000,
    });
    const report = runMigrations(memoryDatabase(), migrations);
    expect(report.migrations[0]?.checksum).toBe(checksumOf(first?.sql ?? ''));
  });

  test('takes paths with folders, as a Vite glob of **/*.{sql,json} gives them, ignoring snapshots', () => {
    const files = Object.fromEntries(
      Object.entries(appFolder('drizzle-kit')).map(([path, text]) => [`/drizzle/${path}`, text]),
    );
    files['/drizzle/meta/0000_snapshot.json'] = '{"version":"6"}';
    expect(names(files)).toEqual(['0000_users.sql', '0001_backfill_names.sql', '0002_posts.sql']);
  });

  test('refuses a journal entry whose file is missing, naming both', () => {
    const files = appFolder('drizzle-kit');
    delete files['0001_backfill_names.sql'];
    const error = catchMigrationError(() => splitMigrationFiles(files));
    expect(error.code).toBe('BAD_LAYOUT');
    expect(error.files).toEqual(['meta/_journal.json', '0001_backfill_names.sql']);
  });

  test('refuses a .sql file the journal does not list, naming it', () => {
    const files = { ...appFolder('drizzle-kit'), 'meta/_journal.json': drizzleJournal(2) };
    const error = catchMigrationError(() => splitMigrationFiles(files));
    expect(error.code).toBe('BAD_LAYOUT');
    expect(error.files).toEqual(['0002_posts.sql']);
    expect(error.message).toContain('not in meta/_journal.json');
  });

  test('refuses a journal that is not JSON, or is for another database', () => {
    const broken = { ...appFolder('drizzle-kit'), 'meta/_journal.json': '{ entries' };
    expect(catchMigrationError(() => splitMigrationFiles(broken)).message).toContain('not JSON');
    const postgres = {
      ...appFolder('drizzle-kit'),
      'meta/_journal.json': JSON.stringify({ dialect: 'postgresql', entries: [] }),
    };
    expect(catchMigrationError(() => splitMigrationFiles(postgres)).message).toContain(
      'written for postgresql',
    );
  });
});

describe('golang-migrate and sqlx', () => {
  test('runs the up files only, numbers compared as numbers (9 before 10)', () => {
    const files = {
      '10_ten.up.sql': 'CREATE TABLE ten (id INTEGER);',
      '10_ten.down.sql': 'DROP TABLE ten;',
      '9_nine.up.sql': 'CREATE TABLE nine (id INTEGER);',
      '9_nine.down.sql': 'DROP TABLE nine;',
    };
    expect(names(files)).toEqual(['9_nine.up.sql', '10_ten.up.sql']);
    const db = memoryDatabase();
    runMigrations(db, splitMigrationFiles(files).migrations);
    expect(tableNames(db)).toEqual(['nine', 'schema_migrations', 'ten']);
  });

  test('refuses a down file without its up file', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '1_a.up.sql': '', '2_b.down.sql': '' }),
    );
    expect(error.code).toBe('BAD_LAYOUT');
    expect(error.files).toEqual(['2_b.down.sql']);
  });

  test('refuses two up files of one version', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '1_a.up.sql': '', '01_b.up.sql': '' }),
    );
    expect(error.code).toBe('DUPLICATE_NUMBER');
  });

  test('sqlx takes simple and reversible files together when asked, by version', () => {
    const files = { '2_b.up.sql': 'B', '2_b.down.sql': '', '1_a.sql': 'A', '3_c.sql': 'C' };
    const split = splitMigrationFiles(files, { layout: 'sqlx' });
    expect(split.migrations.map((m) => [m.name, m.sql])).toEqual([
      ['1_a.sql', 'A'],
      ['2_b.up.sql', 'B'],
      ['3_c.sql', 'C'],
    ]);
    expect(split.migrations.every((m) => m.origin?.layout === 'sqlx')).toBe(true);
  });
});

describe('dbmate', () => {
  const file = (up: string) => `-- migrate:up\n${up}\n\n-- migrate:down\nDROP TABLE t;\n`;

  test('runs the up part only, from its directive to the down directive', () => {
    const { migrations } = splitMigrationFiles({ '20240101_t.sql': file('CREATE TABLE t (id);') });
    expect(migrations[0]?.sql).toBe('-- migrate:up\nCREATE TABLE t (id);\n\n');
  });

  test('takes the files in name order, as dbmate does', () => {
    const files = { '2_b.sql': file('B'), '10_a.sql': file('A'), '1_c.sql': file('C') };
    expect(names(files)).toEqual(['10_a.sql', '1_c.sql', '2_b.sql']);
  });

  test.each([
    ['no down directive', '-- migrate:up\nSELECT 1;\n', 'no "-- migrate:down"'],
    ['down before up', '-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 1;\n', 'before'],
    [
      'SQL before the up directive',
      'SELECT 0;\n-- migrate:up\nSELECT 1;\n-- migrate:down\n',
      'SQL before',
    ],
  ])('refuses a file with %s, naming it', (_, text, says) => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '1_a.sql': text }, { layout: 'dbmate' }),
    );
    expect(error.code).toBe('BAD_LAYOUT');
    expect(error.files).toEqual(['1_a.sql']);
    expect(error.message).toContain(says);
  });

  test('a file without the up directive in a dbmate folder is a mixed folder', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '1_a.sql': file('A'), '2_b.sql': 'CREATE TABLE b (id);' }),
    );
    expect(error.code).toBe('MIXED_LAYOUT');
    expect(error.files).toEqual(['1_a.sql', '2_b.sql']);
  });
});

describe('Prisma', () => {
  test('names each migration by its folder, in folder name order', () => {
    const files = {
      '/prisma/migrations/20240102000000_b/migration.sql': 'B',
      '/prisma/migrations/20240101000000_a/migration.sql': 'A',
      '/prisma/migrations/migration_lock.toml': 'provider = "sqlite"',
    };
    const split = splitMigrationFiles(files);
    expect(split.layout).toBe('prisma');
    expect(split.migrations.map((m) => [m.name, m.origin?.version])).toEqual([
      ['20240101000000_a/migration.sql', '20240101000000_a'],
      ['20240102000000_b/migration.sql', '20240102000000_b'],
    ]);
  });
});

describe('Flyway', () => {
  test('orders versions part by part (1.1 before 1.10), reads V1_2 as 1.2, skips undo files', () => {
    const files = {
      'V1.10__ten.sql': '',
      'V1.1__one.sql': '',
      'V1_2__two.sql': '',
      'V1__base.sql': '',
      'U1.1__one.sql': '',
    };
    const { migrations } = splitMigrationFiles(files);
    expect(migrations.map((m) => [m.name, m.origin?.version])).toEqual([
      ['V1__base.sql', '1'],
      ['V1.1__one.sql', '1.1'],
      ['V1_2__two.sql', '1.2'],
      ['V1.10__ten.sql', '1.10'],
    ]);
  });

  test('refuses a repeatable migration, naming it', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ 'V1__a.sql': '', 'R__views.sql': '' }),
    );
    expect(error.code).toBe('BAD_LAYOUT');
    expect(error.files).toEqual(['R__views.sql']);
  });

  test('refuses two files of one version (1.0 is 1)', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ 'V1__a.sql': '', 'V1.0__b.sql': '' }),
    );
    expect(error.code).toBe('DUPLICATE_NUMBER');
  });
});

describe('a folder that mixes layouts, or whose layout is asked for', () => {
  test.each([
    [{ '001_a.sql': '', 'V2__b.sql': '' }, ['001_a.sql', 'V2__b.sql']],
    [{ '1_a.up.sql': '', '2_b.sql': '' }, ['1_a.up.sql', '2_b.sql']],
    [
      { '20240101_a/migration.sql': '', '002_b.sql': '' },
      ['20240101_a/migration.sql', '002_b.sql'],
    ],
  ])('is refused with MIXED_LAYOUT naming a file of each: %o', (files, expected) => {
    const error = catchMigrationError(() => splitMigrationFiles(files));
    expect(error.code).toBe('MIXED_LAYOUT');
    expect([...(error.files ?? [])].sort()).toEqual([...expected].sort());
    for (const file of expected) expect(error.message).toContain(file);
  });

  test('refuses a file that does not fit the layout asked for, naming it and the layout', () => {
    const error = catchMigrationError(() =>
      splitMigrationFiles({ '001_a.sql': '' }, { layout: 'flyway' }),
    );
    expect(error.code).toBe('BAD_NAME');
    expect(error.migrationName).toBe('001_a.sql');
    expect(error.message).toContain('not a flyway migration');
  });

  test('sortMigrations refuses migrations of two layouts given together', () => {
    const drizzle = splitMigrationFiles(appFolder('drizzle-kit')).migrations;
    const error = catchMigrationError(() =>
      sortMigrations([...drizzle, { name: '004_more.sql', sql: APP_SQL[0] }]),
    );
    expect(error.code).toBe('MIXED_LAYOUT');
  });

  test('sortMigrations keeps a layout’s order, whatever order they are given in', () => {
    const flyway = splitMigrationFiles(appFolder('flyway')).migrations;
    expect(sortMigrations([...flyway].reverse()).map((m) => m.name)).toEqual(
      flyway.map((m) => m.name),
    );
  });
});
