import { describe, expect, test } from 'vitest';
import { checksumOf, columnExists, runMigrations, tableExists } from '../../../src/index.ts';
import {
  contentOf,
  demoDatabaseAt,
  demoNameAt,
  demoReferenceFrom,
  seedDatabaseAt,
} from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import { byteDifference, bytesOf, memoryDatabase, rows, scalar } from '../../helpers/sqljs.ts';

type Db = ReturnType<typeof memoryDatabase>;

function ledgerColumns(db: Db) {
  return rows(
    db,
    'SELECT name, type, pk, "notnull" FROM pragma_table_info(\'schema_migrations\') ORDER BY cid',
  );
}

function ledgerRows(db: Db) {
  return rows(
    db,
    'SELECT id, migration_name, applied_at, checksum, applied_how, duration_ms FROM schema_migrations ORDER BY id',
  );
}

const APPLIED_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('tracking table', () => {
  test('is created by the first run, even with no migrations', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    expect(tableExists(db, 'schema_migrations')).toBe(true);
  });

  test('has the seed-compatible columns followed by checksum, applied_how and duration_ms', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    expect(ledgerColumns(db)).toEqual([
      { name: 'id', type: 'INTEGER', pk: 1, notnull: 0 },
      { name: 'migration_name', type: 'TEXT', pk: 0, notnull: 1 },
      { name: 'applied_at', type: 'TIMESTAMP', pk: 0, notnull: 0 },
      { name: 'checksum', type: 'TEXT', pk: 0, notnull: 0 },
      { name: 'applied_how', type: 'TEXT', pk: 0, notnull: 0 },
      { name: 'duration_ms', type: 'REAL', pk: 0, notnull: 0 },
    ]);
  });

  test('makes migration_name unique', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    db.run("INSERT INTO schema_migrations (migration_name) VALUES ('001_a.sql')");
    expect(() =>
      db.run("INSERT INTO schema_migrations (migration_name) VALUES ('001_a.sql')"),
    ).toThrow(/UNIQUE/);
  });

  test('is created only once: a second run leaves it as it was', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    const before = bytesOf(db);
    const report = runMigrations(db, []);
    expect(report.upToDate).toBe(true);
    expect(report.changed).toBe(false);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'")).toBe(
      1,
    );
  });
});

describe('ledger contents', () => {
  test('is empty after a run with no migrations', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, []);
    expect(ledgerRows(db)).toEqual([]);
    expect(report.migrations).toEqual([]);
  });

  test('records every migration of a fresh run by file name, in run order', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(ledgerRows(db).map((row) => row.migration_name)).toEqual(DEMO_NAMES);
  });

  test('stores the checksum of each migration with its line endings normalised', () => {
    const db = memoryDatabase();
    const crlf = migration(
      '001_a.sql',
      'CREATE TABLE a (id INTEGER);\r\nCREATE TABLE b (id INTEGER);\r\n',
    );
    runMigrations(db, [crlf]);
    expect(ledgerRows(db)[0]?.checksum).toBe(checksumOf(crlf.sql.replaceAll('\r\n', '\n')));
  });

  test('records a migration that ran as executed, with its duration', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, [migration('001_a.sql', 'CREATE TABLE a (id INTEGER);')]);
    const [row] = ledgerRows(db);
    expect(row?.applied_how).toBe('executed');
    // The ledger keeps the duration the run measured, not a default or a placeholder.
    expect(typeof row?.duration_ms).toBe('number');
    expect(row?.duration_ms).toBe(report.migrations[0]?.durationMs);
  });

  test('records a migration the schema already reflected as baselined, without a duration', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    for (const row of ledgerRows(db)) {
      expect(row.applied_how).toBe('baselined');
      expect(row.duration_ms).toBeNull();
    }
  });

  test('stamps applied_at as SQLite does (YYYY-MM-DD HH:MM:SS)', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, [migration('001_a.sql', 'CREATE TABLE a (id INTEGER);')]);
    expect(String(ledgerRows(db)[0]?.applied_at)).toMatch(APPLIED_AT);
    expect(report.migrations[0]?.appliedAt).toBe(ledgerRows(db)[0]?.applied_at);
  });

  test('does not count the ledger alone as a schema: a database with only a ledger is fresh', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('fresh');
    expect(report.baselined).toEqual(DEMO_NAMES);
  });
});

describe('a ledger written by StarPunk (the original three columns)', () => {
  // StarPunk at version 4: 000 as its base schema, 001..003 recorded by name, ids 20, 30, 40.
  const VERSION = 4;
  const seedRows = () =>
    rows(seedDatabaseAt(VERSION), 'SELECT * FROM schema_migrations ORDER BY id');

  test('is read: the migrations it names count as already applied', () => {
    const report = runMigrations(seedDatabaseAt(VERSION), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('tracked');
    expect(report.alreadyApplied).toEqual(DEMO_NAMES.slice(1, VERSION));
  });

  test('reports its rows as recorded by an unknown tool with no checksum', () => {
    const report = runMigrations(seedDatabaseAt(VERSION), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    for (const outcome of report.migrations.filter((m) => m.status === 'already-applied')) {
      expect(outcome.how).toBe('unknown');
      expect(outcome.checksumStatus).toBe('unrecorded');
    }
  });

  test('is upgraded in place: the new columns are added and the report says so', () => {
    const db = seedDatabaseAt(VERSION);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.ledgerUpgraded).toBe(true);
    for (const column of ['checksum', 'applied_how', 'duration_ms'])
      expect(columnExists(db, 'schema_migrations', column)).toBe(true);
  });

  test('keeps its old rows with their ids and applied_at when upgraded', () => {
    const before = seedRows();
    const db = seedDatabaseAt(VERSION);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const after = rows(
      db,
      'SELECT id, migration_name, applied_at FROM schema_migrations ORDER BY id',
    );
    expect(after.slice(0, before.length)).toEqual(before);
    expect(before.map((row) => row.id)).toEqual([20, 30, 40]);
  });

  test('is not recreated: the table keeps its storage (root page)', () => {
    const db = seedDatabaseAt(VERSION);
    const rootPage = "SELECT rootpage FROM sqlite_schema WHERE name = 'schema_migrations'";
    const before = scalar(db, rootPage);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(scalar(db, rootPage)).toBe(before);
  });

  test('baselines 000, which it never names, because the schema reflects it', () => {
    const report = runMigrations(seedDatabaseAt(VERSION), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.baselined).toEqual(['000_initial_schema.sql']);
    expect(report.executed).toEqual(DEMO_NAMES.slice(VERSION));
  });

  test('brings the database to the schema with its rows and no drift', () => {
    const db = seedDatabaseAt(VERSION);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.drift).toEqual([]);
    expect(contentOf(db)).toEqual(contentOf(demoReferenceFrom(VERSION)));
  });

  test('records the rows it adds with checksum and how, after the old ones', () => {
    const db = seedDatabaseAt(VERSION);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const added = ledgerRows(db).slice(VERSION - 1);
    expect(added.map((row) => row.migration_name)).toEqual([
      '000_initial_schema.sql',
      ...DEMO_NAMES.slice(VERSION),
    ]);
    expect(added.map((row) => row.applied_how)).toEqual([
      'baselined',
      ...DEMO_NAMES.slice(VERSION).map(() => 'executed'),
    ]);
    for (const row of added) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  test('is up to date on the next run, its old rows still unrecorded', () => {
    const db = seedDatabaseAt(VERSION);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const again = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(again.upToDate).toBe(true);
    expect(again.migrations.find((m) => m.name === demoNameAt(2))?.checksumStatus).toBe(
      'unrecorded',
    );
  });

  test('is upgraded even when every migration it names is all there is to do', () => {
    const db = seedDatabaseAt(9);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.executed).toEqual([]);
    expect(report.baselined).toEqual(['000_initial_schema.sql']);
    expect(report.ledgerUpgraded).toBe(true);
    expect(report.changed).toBe(true);
  });

  test('stays in its old format, byte for byte, when the first pending migration fails', () => {
    const db = seedDatabaseAt(VERSION);
    const before = bytesOf(db);
    const failing = DEMO_MIGRATIONS.map((m) =>
      m.name === DEMO_NAMES[VERSION] ? { ...m, sql: `${m.sql}\nINSERT INTO nope VALUES (1);` } : m,
    );
    catchMigrationError(() => runMigrations(db, failing, { schema: DEMO_SCHEMA }));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(columnExists(db, 'schema_migrations', 'checksum')).toBe(false);
  });

  test('gets a timestamp in the rows it adds even when its applied_at has no default', () => {
    // StarPunk's seed declares the column as plain `applied_at TIMESTAMP`, with no default.
    const db = demoDatabaseAt(2);
    db.exec(
      "CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, migration_name TEXT UNIQUE NOT NULL, applied_at TIMESTAMP); INSERT INTO schema_migrations (migration_name, applied_at) VALUES ('001_add_code_verifier_to_auth_state.sql', '2024-02-01 12:00:00');",
    );
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    for (const row of ledgerRows(db)) expect(String(row.applied_at)).toMatch(APPLIED_AT);
  });

  test('that exists but is empty (StarPunk created it, then stopped) is treated as no ledger', () => {
    const db = seedDatabaseAt(1);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('legacy');
    expect(report.legacyVersion).toBe('000_initial_schema.sql');
    expect(report.executed).toEqual(DEMO_NAMES.slice(1));
    expect(columnExists(db, 'schema_migrations', 'checksum')).toBe(true);
  });
});

describe('a schema_migrations table of another tool', () => {
  test('of a shape no known tool writes is refused, and the database is left as it was', () => {
    const db = memoryDatabase();
    db.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT); INSERT INTO schema_migrations VALUES (3, 'x');",
    );
    const before = bytesOf(db);
    const error = catchMigrationError(() =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
    expect(error.message).toContain('migration_name');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test("of golang-migrate's shape that the schema does not agree with is refused, unchanged", () => {
    const db = memoryDatabase();
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, dirty INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (3, 0);',
    );
    const before = bytesOf(db);
    const error = catchMigrationError(() =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(error.code).toBe('LEDGER_DISAGREES');
    expect(error.tool).toBe('golang-migrate');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a schema_migrations that is not a table', () => {
  test.each([
    [
      'a view',
      "CREATE VIEW schema_migrations AS SELECT 1 AS id, '000_initial_schema.sql' AS migration_name, '2024-01-01 00:00:00' AS applied_at;",
      'is a view',
    ],
    [
      'a virtual table',
      'CREATE VIRTUAL TABLE schema_migrations USING fts4(id, migration_name, applied_at);',
      'is a virtual table',
    ],
    ['an index', 'CREATE INDEX schema_migrations ON notes (slug);', 'is an index'],
  ])('is refused when it is %s, and the database is left as it was', (_, ddl, says) => {
    const db = demoDatabaseAt(1);
    db.exec(ddl);
    const before = bytesOf(db);

    const error = catchMigrationError(() =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );

    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
    expect(error.message).toContain(`schema_migrations ${says}, not a table`);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});
