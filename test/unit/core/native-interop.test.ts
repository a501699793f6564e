import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  diffSchemas,
  fingerprintSchema,
  type MigrationReport,
  runMigrations,
} from '../../../src/index.ts';
import { demoNameAt, demoScriptAt, SEED_LEDGER_DDL } from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import {
  type ScratchFolder,
  scratchFolder,
  sqlite3,
  sqlite3Rows,
  sqlite3Version,
} from '../../helpers/native-sqlite.ts';
import { byteDifference, databaseFrom, memoryDatabase } from '../../helpers/sqljs.ts';

/**
 * Files written by real SQLite (the native sqlite3 shell) at several points of the demo's history,
 * upgraded by the runner in sql.js, written back to disk, and read again by real SQLite.
 */
const VERSIONS = [1, 3, 4, 5, 7, 9];
const APP_TABLES = [
  'auth_state',
  'authorization_codes',
  'note_tags',
  'notes',
  'sessions',
  'tags',
  'tokens',
  'users',
];

let folder: ScratchFolder;
const reports = new Map<number, MigrationReport>();

/** Upgrades a file written by sqlite3 with the runner; writes the result as `<name>-migrated.db`. */
function upgradeFile(name: string): MigrationReport {
  const db = memoryDatabase(folder.read(`${name}.db`));
  db.run('PRAGMA foreign_keys = ON');
  const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
  folder.write(`${name}-migrated.db`, db.export());
  db.close();
  return report;
}

beforeAll(() => {
  sqlite3Version(); // fails loudly, naming scripts/ensure-tools.sh, when the shell is missing
  folder = scratchFolder();
  // The schema.sql database, and for each version: the fixture, and a reference where sqlite3
  // itself ran the rest of the history.
  sqlite3(folder.path('schema.db'), DEMO_SCHEMA);
  for (const version of VERSIONS) {
    sqlite3(folder.path(`v${version}.db`), demoScriptAt(version));
    const rest = DEMO_MIGRATIONS.slice(version)
      .map((m) => m.sql)
      .join('\n');
    sqlite3(folder.path(`v${version}-reference.db`), `${demoScriptAt(version)}\n${rest}`);
    reports.set(version, upgradeFile(`v${version}`));
  }
});

afterAll(() => folder?.dispose());

describe.each(VERSIONS)('a database written by sqlite3 at version %i', (version) => {
  const migrated = () => folder.path(`v${version}-migrated.db`);

  test(`is recognised as ${demoNameAt(version)} and upgraded with no drift`, () => {
    const report = reports.get(version);
    expect(report?.legacyVersion).toBe(demoNameAt(version));
    expect(report?.executed).toEqual(DEMO_NAMES.slice(version));
    expect(report?.drift).toEqual([]);
  });

  test('is up to date, and left byte-identical, when opened again from the file', () => {
    const bytes = folder.read(`v${version}-migrated.db`);
    const db = memoryDatabase(bytes);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, checkDrift: true });
    expect(report).toMatchObject({ upToDate: true, changed: false, drift: [] });
    expect(byteDifference(db.export(), bytes)).toBeNull();
  });

  test('passes integrity_check in sqlite3 after the upgrade', () => {
    expect(sqlite3Rows(migrated(), 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  test('passes foreign_key_check in sqlite3 after the upgrade', () => {
    expect(sqlite3Rows(migrated(), 'PRAGMA foreign_key_check')).toEqual([]);
  });

  test('has a ledger sqlite3 reads: every migration, in order, with checksum and how', () => {
    const ledger = sqlite3Rows(
      migrated(),
      'SELECT migration_name, applied_how, length(checksum) AS checksum_length FROM schema_migrations ORDER BY id',
    );
    expect(ledger).toEqual(
      DEMO_NAMES.map((name, i) => ({
        migration_name: name,
        applied_how: i < version ? 'baselined' : 'executed',
        checksum_length: 64,
      })),
    );
  });

  test.each(APP_TABLES)('has the same %s rows as sqlite3 running the history itself', (table) => {
    const query = `SELECT * FROM ${table} ORDER BY rowid`;
    expect(sqlite3Rows(migrated(), query)).toEqual(
      sqlite3Rows(folder.path(`v${version}-reference.db`), query),
    );
  });

  test('has a search index sqlite3 can query', () => {
    const query = "SELECT docid FROM notes_fts WHERE notes_fts MATCH 'file*' ORDER BY docid";
    expect(sqlite3Rows(migrated(), query)).toEqual(
      sqlite3Rows(folder.path(`v${version}-reference.db`), query),
    );
    expect(sqlite3Rows(migrated(), query).length).toBeGreaterThan(0);
  });

  test('lists the same schema objects in sqlite3 as schema.sql does', () => {
    const query =
      "SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY type, name";
    expect(sqlite3Rows(migrated(), query)).toEqual(sqlite3Rows(folder.path('schema.db'), query));
  });

  test("has schema.sql's fingerprint once sqlite3 has rewritten it (VACUUM INTO)", () => {
    const copy = folder.path(`v${version}-vacuumed.db`);
    sqlite3(migrated(), `VACUUM INTO '${copy}';`);
    const reopened = memoryDatabase(folder.read(`v${version}-vacuumed.db`));
    expect(
      diffSchemas(fingerprintSchema(reopened), fingerprintSchema(databaseFrom(DEMO_SCHEMA))),
    ).toEqual([]);
  });

  test('takes new rows in sqlite3, its triggers firing', () => {
    // On a copy, so the other tests read the file exactly as the runner wrote it.
    const file = folder.write(`v${version}-written.db`, folder.read(`v${version}-migrated.db`));
    sqlite3(
      file,
      "PRAGMA foreign_keys = ON; INSERT INTO notes (id, slug, content) VALUES (100, 'from-shell', 'written by the native shell');",
    );
    expect(sqlite3Rows(file, "SELECT docid FROM notes_fts WHERE notes_fts MATCH 'shell'")).toEqual([
      { docid: 100 },
    ]);
  });
});

describe('a StarPunk database written by sqlite3 (seed ledger from 001 on)', () => {
  let report: MigrationReport;
  beforeAll(() => {
    const ledgerRows = DEMO_NAMES.slice(1, 4)
      .map(
        (name, i) =>
          `INSERT INTO schema_migrations (id, migration_name, applied_at) VALUES (${i + 1}, '${name}', '2024-0${i + 1}-01 12:00:00');`,
      )
      .join('\n');
    sqlite3(folder.path('seed.db'), `${demoScriptAt(4)}\n${SEED_LEDGER_DDL};\n${ledgerRows}`);
    report = upgradeFile('seed');
  });

  test('is upgraded: 000 baselined, the rest executed, the ledger upgraded', () => {
    expect(report.baselined).toEqual(['000_initial_schema.sql']);
    expect(report.executed).toEqual(DEMO_NAMES.slice(4));
    expect(report.ledgerUpgraded).toBe(true);
  });

  test('keeps the rows StarPunk wrote in its ledger, readable by sqlite3', () => {
    expect(
      sqlite3Rows(
        folder.path('seed-migrated.db'),
        'SELECT id, migration_name, applied_at, applied_how FROM schema_migrations WHERE id <= 3 ORDER BY id',
      ),
    ).toEqual(
      DEMO_NAMES.slice(1, 4).map((name, i) => ({
        id: i + 1,
        migration_name: name,
        applied_at: `2024-0${i + 1}-01 12:00:00`,
        applied_how: null,
      })),
    );
  });

  test('passes integrity_check and foreign_key_check in sqlite3', () => {
    const file = folder.path('seed-migrated.db');
    expect(sqlite3Rows(file, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(sqlite3Rows(file, 'PRAGMA foreign_key_check')).toEqual([]);
  });
});

describe('a fresh database created by the runner', () => {
  test('is read by sqlite3: integrity ok and the schema of schema.sql', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const file = folder.write('fresh.db', db.export());
    expect(sqlite3Rows(file, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const query =
      "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY type, name";
    expect(sqlite3Rows(file, query)).toEqual(sqlite3Rows(folder.path('schema.db'), query));
  });
});
