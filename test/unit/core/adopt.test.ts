import type { Database } from 'sql.js';
import { describe, expect, test } from 'vitest';
import {
  LEDGER_TOOLS,
  type Migration,
  type MigrationLayout,
  type RunOptions,
  runMigrations,
  tableExists,
} from '../../../src/index.ts';
import { catchMigrationError } from '../../helpers/migration-error.ts';
import {
  appFolder,
  appMigrations,
  migratedBy,
  migratedByDrizzle,
  migratedByKysely,
  PRISMA_TABLE,
  type WrittenLedger,
} from '../../helpers/other-tools.ts';
import { byteDifference, bytesOf, rows, scalar } from '../../helpers/sqljs.ts';

/** One tool: the layout its app's files are in, and a database it took through `count` of them. */
interface Tool {
  tool: string;
  layout: MigrationLayout;
  /** The table the tool keeps its ledger in; null for `user_version`. */
  table: string | null;
  migrate(migrations: readonly Migration[], count: number): Database | Promise<Database>;
}

const written = (tool: WrittenLedger, layout: MigrationLayout, table: string | null): Tool => ({
  tool,
  layout,
  table,
  migrate: (migrations, count) => migratedBy(tool, migrations, count),
});

const TOOLS: Tool[] = [
  {
    tool: 'drizzle',
    layout: 'drizzle-kit',
    table: '__drizzle_migrations',
    migrate: (_, count) => migratedByDrizzle(appFolder('drizzle-kit'), count),
  },
  {
    tool: 'kysely',
    layout: 'sqljs-migrate',
    table: 'kysely_migration',
    migrate: (migrations, count) => migratedByKysely(migrations, count),
  },
  written('golang-migrate', 'golang-migrate', 'schema_migrations'),
  written('dbmate', 'dbmate', 'schema_migrations'),
  written('rails', 'sqljs-migrate', 'schema_migrations'),
  written('prisma', 'prisma', '_prisma_migrations'),
  written('sqlx', 'sqlx', '_sqlx_migrations'),
  written('flyway', 'flyway', 'flyway_schema_history'),
  written('knex', 'sqljs-migrate', 'knex_migrations'),
  written('sequelize', 'sqljs-migrate', 'SequelizeMeta'),
  written('diesel', 'sqljs-migrate', '__diesel_schema_migrations'),
  written('user_version', 'sqljs-migrate', null),
];

/** The migrations of a tool's layout (sqlx's asked for by name: its files look like ours). */
function migrationsOf(tool: Tool): Migration[] {
  return tool.layout === 'sqlx' ? appMigrationsAs('sqlx') : appMigrations(tool.layout);
}

function appMigrationsAs(layout: MigrationLayout): Migration[] {
  return appMigrations(layout).map((migration) => ({
    ...migration,
    origin: { layout, version: String(Number(/^\d+/.exec(migration.name)?.[0])), position: 0 },
  }));
}

/** A database the tool took through `count` migrations, then a user written without a name. */
async function atVersion(tool: Tool, count: number): Promise<Database> {
  const db = await tool.migrate(migrationsOf(tool), count);
  db.run("INSERT INTO users (email) VALUES ('late@example.com')");
  return db;
}

/** The ledger this runner keeps beside golang-migrate's, dbmate's and Rails' schema_migrations. */
function runnerLedger(tool: Tool): string {
  return tool.table === 'schema_migrations' ? 'sqljs_migrate_ledger' : 'schema_migrations';
}

const lateUserName = (db: Database) =>
  scalar(db, "SELECT name FROM users WHERE email = 'late@example.com'");

test('every tool whose ledger the runner adopts is taken through the tests below', () => {
  expect(TOOLS.map((tool) => tool.tool).sort()).toEqual([...LEDGER_TOOLS].sort());
});

describe.each(TOOLS)('a database $tool migrated', (tool) => {
  const names = () => migrationsOf(tool).map((migration) => migration.name);

  test('after its backfill ran: adopts both, runs only the third, and the backfill does not run again', async () => {
    const db = await atVersion(tool, 2);
    const report = runMigrations(db, migrationsOf(tool));
    expect(report.state).toBe('other-ledger');
    expect(report.adoption).toMatchObject({ from: tool.tool, migrations: names().slice(0, 2) });
    expect(report.migrations.map((m) => m.status)).toEqual(['adopted', 'adopted', 'executed']);
    expect(report.executed).toEqual(names().slice(2));
    expect(lateUserName(db)).toBeNull();
  });

  test('before its backfill ran: adopts the first and runs the backfill and the third', async () => {
    const db = await atVersion(tool, 1);
    const report = runMigrations(db, migrationsOf(tool));
    expect(report.adoption?.migrations).toEqual(names().slice(0, 1));
    expect(report.executed).toEqual(names().slice(1));
    expect(lateUserName(db)).toBe('unnamed');
  });

  test('records the adopted rows as baselined, adopted_from naming the tool, and reports them so later', async () => {
    const db = await atVersion(tool, 2);
    runMigrations(db, migrationsOf(tool));
    expect(
      rows(db, `SELECT applied_how, adopted_from FROM ${runnerLedger(tool)} ORDER BY id`),
    ).toEqual([
      { applied_how: 'baselined', adopted_from: tool.tool },
      { applied_how: 'baselined', adopted_from: tool.tool },
      { applied_how: 'executed', adopted_from: null },
    ]);
    const again = runMigrations(db, migrationsOf(tool));
    expect(again.upToDate).toBe(true);
    expect(again.adoption).toBeNull();
    expect(again.migrations.map((m) => [m.how, m.adoptedFrom])).toEqual([
      ['adopted', tool.tool],
      ['adopted', tool.tool],
      ['executed', null],
    ]);
  });

  test('leaves its ledger as it was', async () => {
    const db = await atVersion(tool, 2);
    const read = () =>
      tool.table === null
        ? scalar(db, 'PRAGMA user_version')
        : rows(db, `SELECT * FROM "${tool.table}"`);
    const before = read();
    runMigrations(db, migrationsOf(tool));
    expect(read()).toEqual(before);
  });

  test('with dropAdoptedLedger: drops it in the same run', async () => {
    const db = await atVersion(tool, 2);
    const report = runMigrations(db, migrationsOf(tool), { dropAdoptedLedger: true });
    expect(report.adoption?.dropped).toBe(true);
    if (tool.table === null) expect(scalar(db, 'PRAGMA user_version')).toBe(0);
    else expect(tableExists(db, tool.table)).toBe(tool.table === 'schema_migrations');
    // With another tool's schema_migrations gone, the name is this runner's again.
    expect(rows(db, 'SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: 3 }]);
  });

  test('as a dry run: would adopt, and writes nothing', async () => {
    const db = await atVersion(tool, 2);
    const before = bytesOf(db);
    const report = runMigrations(db, migrationsOf(tool), { dryRun: true });
    expect(report.migrations.map((m) => m.status)).toEqual([
      'would-adopt',
      'would-adopt',
      'would-execute',
    ]);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('whose schema does not agree with its ledger is refused, showing both, unchanged', async () => {
    const db = await atVersion(tool, 3);
    db.run('DROP TABLE posts');
    const before = bytesOf(db);
    const error = catchMigrationError(() => runMigrations(db, migrationsOf(tool)));
    expect(error.code).toBe('LEDGER_DISAGREES');
    expect(error.tool).toBe(tool.tool);
    expect(error.migrationName).toBe(names()[2]);
    expect(error.schemaMatches).toBe(names()[0]);
    expect(error.differences).toEqual([
      expect.objectContaining({
        kind: 'table',
        object: 'posts',
        detail: 'missing from the database',
      }),
    ]);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a database with adoptFrom: none', () => {
  test('is placed by its schema alone, which runs a backfill again', async () => {
    const db = await atVersion(TOOLS[0] as Tool, 2);
    const report = runMigrations(db, appMigrations('drizzle-kit'), { adoptFrom: 'none' });
    expect(report.state).toBe('legacy');
    expect(report.executed).toEqual(['0001_backfill_names.sql', '0002_posts.sql']);
    expect(lateUserName(db)).toBe('unnamed');
  });
});

describe('a migration another tool failed or never finished', () => {
  const migrations = appMigrations('sqljs-migrate');

  test.each<[string, () => Database, RegExp]>([
    [
      "golang-migrate's dirty version",
      () => {
        const db = migratedBy('golang-migrate', appMigrations('golang-migrate'), 2);
        db.run('UPDATE schema_migrations SET dirty = 1');
        return db;
      },
      /dirty.*migrate force/,
    ],
    [
      'a Prisma row never finished',
      () => {
        const db = migratedBy('prisma', appMigrations('prisma'), 2);
        db.run(
          "UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name LIKE '%2_backfill_names'",
        );
        return db;
      },
      /never finished.*prisma migrate resolve/,
    ],
    [
      'a Prisma row rolled back',
      () => {
        const db = migratedBy('prisma', appMigrations('prisma'), 2);
        db.run(
          "UPDATE _prisma_migrations SET rolled_back_at = '2024-01-02' WHERE migration_name LIKE '%2_backfill_names'",
        );
        return db;
      },
      /rolled back/,
    ],
    [
      "sqlx's success = 0",
      () => {
        const db = migratedBy('sqlx', migrations, 2);
        db.run('UPDATE _sqlx_migrations SET success = FALSE WHERE version = 2');
        return db;
      },
      /version 2 as failed \(success = 0\)/,
    ],
    [
      "Flyway's success = 0",
      () => {
        const db = migratedBy('flyway', appMigrations('flyway'), 2);
        db.run("UPDATE flyway_schema_history SET success = 0 WHERE version = '2'");
        return db;
      },
      /version 2 as failed.*flyway repair/,
    ],
  ])('%s is refused naming the version and what to do, unchanged', (_, build, says) => {
    const db = build();
    const before = bytesOf(db);
    const layoutMigrations = /Prisma/.test(_)
      ? appMigrations('prisma')
      : /golang/.test(_)
        ? appMigrations('golang-migrate')
        : /Flyway/.test(_)
          ? appMigrations('flyway')
          : migrations;
    const error = catchMigrationError(() => runMigrations(db, layoutMigrations));
    expect(error.code).toBe('UNFINISHED_MIGRATION');
    expect(error.version).toMatch(/2/);
    expect(error.message).toMatch(says);
    expect(error.message).toContain('(the database is unchanged)');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a ledger that names a migration the app does not have', () => {
  test('means a newer app migrated it: UNKNOWN_APPLIED naming it, unchanged', () => {
    const db = migratedBy('knex', appMigrations('sqljs-migrate'), 3);
    db.run("insert into knex_migrations (name, batch) values ('004_comments.js', 2)");
    const before = bytesOf(db);
    const error = catchMigrationError(() => runMigrations(db, appMigrations('sqljs-migrate')));
    expect(error.code).toBe('UNKNOWN_APPLIED');
    expect(error.migrationName).toBe('004_comments.js');
    expect(error.tool).toBe('knex');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('golang-migrate at a version past the app’s last is UNKNOWN_APPLIED', () => {
    const db = migratedBy('golang-migrate', appMigrations('golang-migrate'), 3);
    db.run('UPDATE schema_migrations SET version = 4');
    expect(catchMigrationError(() => runMigrations(db, appMigrations('golang-migrate'))).code).toBe(
      'UNKNOWN_APPLIED',
    );
  });
});

describe('a file edited after the tool ran it', () => {
  const edit = (migrations: Migration[], index: number) =>
    migrations.map((migration, i) =>
      i === index ? { ...migration, sql: `${migration.sql}-- edited later\n` } : migration,
    );

  test.each<[string, () => Promise<Database> | Database, () => Migration[]]>([
    [
      'drizzle',
      () => migratedByDrizzle(appFolder('drizzle-kit'), 2),
      () => appMigrations('drizzle-kit'),
    ],
    [
      'prisma',
      () => migratedBy('prisma', appMigrations('prisma'), 2),
      () => appMigrations('prisma'),
    ],
    [
      'sqlx',
      () => migratedBy('sqlx', appMigrations('sqljs-migrate'), 2),
      () => appMigrations('sqljs-migrate'),
    ],
    [
      'flyway',
      () => migratedBy('flyway', appMigrations('flyway'), 2),
      () => appMigrations('flyway'),
    ],
  ])(
    '%s: is refused with CHECKSUM_MISMATCH, or adopted as changed when accepted',
    async (tool, build, of) => {
      const db = await build();
      const before = bytesOf(db);
      const edited = edit(of(), 0);
      const error = catchMigrationError(() => runMigrations(db, edited));
      expect(error.code).toBe('CHECKSUM_MISMATCH');
      expect(error.migrationName).toBe(edited[0]?.name);
      expect(error.tool).toBe(tool);
      expect(byteDifference(bytesOf(db), before)).toBeNull();

      const report = runMigrations(db, edited, { acceptChangedChecksums: true });
      expect(report.migrations[0]).toMatchObject({ status: 'adopted', checksumStatus: 'changed' });
      // What ran is not known, so no checksum is kept for it.
      expect(runMigrations(db, edited).migrations[0]?.checksumStatus).toBe('unrecorded');
    },
  );

  test('Prisma takes a migration.sql whose line endings git changed as the same file', () => {
    const db = migratedBy('prisma', appMigrations('prisma'), 2);
    const crlf = appMigrations('prisma').map((m) => ({
      ...m,
      sql: m.sql.replaceAll('\n', '\r\n'),
    }));
    expect(runMigrations(db, crlf).adoption?.migrations).toHaveLength(2);
  });
});

describe('ledgers of two tools', () => {
  const twoLedgers = async () => {
    const db = await migratedByKysely(appMigrations('sqljs-migrate'), 2);
    db.exec(
      "create table `knex_migrations` (`id` integer not null primary key autoincrement, `name` varchar(255), `batch` integer, `migration_time` datetime); insert into knex_migrations (name, batch) values ('001_users.js', 1);",
    );
    return db;
  };

  test('are refused naming both, unchanged', async () => {
    const db = await twoLedgers();
    const before = bytesOf(db);
    const error = catchMigrationError(() => runMigrations(db, appMigrations('sqljs-migrate')));
    expect(error.code).toBe('TWO_LEDGERS');
    expect(error.message).toContain('kysely (kysely_migration) and knex (knex_migrations)');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('adopt the one adoptFrom names', async () => {
    const db = await twoLedgers();
    const report = runMigrations(db, appMigrations('sqljs-migrate'), { adoptFrom: 'kysely' });
    expect(report.adoption?.from).toBe('kysely');
    expect(report.adoption?.migrations).toEqual(['001_users.sql', '002_backfill_names.sql']);
  });
});

describe("an app's own ledger", () => {
  const migrations = appMigrations('sqljs-migrate');
  const built = (count: number) => migratedBy('user_version', migrations, count);

  test.each<[RunOptions['adoptFrom'], string, string[]]>([
    [
      { table: 'applied', column: 'file', values: 'names' },
      "'001_users', '002_backfill_names'",
      [],
    ],
    [{ table: 'applied', column: 'file', values: 'versions' }, "'1', '2'", []],
    [{ table: 'applied', column: 'file', values: 'last-version' }, "'1', '2'", []],
  ])('%o is adopted as the app says its values map', (adoptFrom, values) => {
    const db = built(2);
    db.exec('PRAGMA user_version = 0');
    db.exec(
      `CREATE TABLE applied (file TEXT); INSERT INTO applied VALUES (${values.split(', ').join('), (')});`,
    );
    db.run("INSERT INTO users (email) VALUES ('late@example.com')");
    const report = runMigrations(db, migrations, {
      adoptFrom,
      schema: `${migrations.map((m) => m.sql).join('')}`,
    });
    expect(report.adoption).toMatchObject({
      from: 'app:applied',
      source: 'applied',
      migrations: ['001_users.sql', '002_backfill_names.sql'],
    });
    expect(report.executed).toEqual(['003_posts.sql']);
    expect(lateUserName(db)).toBeNull();
    // The app's table is its bookkeeping, not schema: no drift for it.
    expect(report.drift).toEqual([]);
  });

  test('names a column the table lacks: refused, unchanged', () => {
    const db = built(2);
    db.exec('CREATE TABLE applied (file TEXT)');
    const before = bytesOf(db);
    const error = catchMigrationError(() =>
      runMigrations(db, migrations, {
        adoptFrom: { table: 'applied', column: 'name', values: 'names' },
      }),
    );
    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
    expect(error.message).toContain('applied has no column name');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe("this runner's ledger beside another tool's", () => {
  test('wins: a tracked database adopts nothing', async () => {
    const db = await migratedByKysely(appMigrations('sqljs-migrate'), 3);
    runMigrations(db, appMigrations('sqljs-migrate'));
    const report = runMigrations(db, appMigrations('sqljs-migrate'));
    expect(report.state).toBe('tracked');
    expect(report.upToDate).toBe(true);
  });

  test("an empty StarPunk ledger gains adopted_from; its three columns' rows stay", () => {
    const db = migratedBy('sqlx', appMigrations('sqljs-migrate'), 2);
    db.exec(
      'CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, migration_name TEXT UNIQUE NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)',
    );
    const report = runMigrations(db, appMigrations('sqljs-migrate'));
    expect(report.ledgerUpgraded).toBe(true);
    expect(report.adoption?.from).toBe('sqlx');
    expect(
      rows(db, "SELECT name FROM pragma_table_info('schema_migrations')").map((r) => r.name),
    ).toEqual([
      'id',
      'migration_name',
      'applied_at',
      'checksum',
      'applied_how',
      'duration_ms',
      'adopted_from',
    ]);
  });

  test("another tool's empty table is no ledger: the database is fresh", () => {
    const db = migratedBy('prisma', appMigrations('prisma'), 0);
    expect(rows(db, 'SELECT count(*) AS n FROM _prisma_migrations')).toEqual([{ n: 0 }]);
    const report = runMigrations(db, appMigrations('prisma'));
    expect(report.state).toBe('fresh');
    expect(PRISMA_TABLE).toContain('_prisma_migrations');
  });
});
