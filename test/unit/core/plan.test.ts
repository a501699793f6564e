import { describe, expect, test } from 'vitest';
import { type Migration, runMigrations, tableExists } from '../../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import { byteDifference, bytesOf, memoryDatabase, rows } from '../../helpers/sqljs.ts';

/** A database on which the whole demo history ran. */
function migratedDemo() {
  const db = memoryDatabase();
  runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
  return db;
}

/** The demo with one migration's SQL replaced. */
function demoWith(name: string, edit: (sql: string) => string): Migration[] {
  return DEMO_MIGRATIONS.map((m) => (m.name === name ? { name, sql: edit(m.sql) } : { ...m }));
}

const EDITED = '003_drop_notes_file_path.sql';

describe('an applied migration whose SQL changed', () => {
  const edited = demoWith(EDITED, (sql) => `${sql}\n-- tidied up later\n`);

  test('is refused with CHECKSUM_MISMATCH naming it', () => {
    const error = catchMigrationError(() => runMigrations(migratedDemo(), edited));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.migrationName).toBe(EDITED);
    expect(error.message.startsWith(EDITED)).toBe(true);
  });

  test('leaves the database unchanged when refused', () => {
    const db = migratedDemo();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, edited));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('is refused even when other migrations are pending', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS.slice(0, 5));
    const error = catchMigrationError(() => runMigrations(db, edited));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(tableExists(db, 'tags')).toBe(false);
  });

  test('is accepted with acceptChangedChecksums and reported as changed', () => {
    const report = runMigrations(migratedDemo(), edited, { acceptChangedChecksums: true });
    const outcome = report.migrations.find((m) => m.name === EDITED);
    expect(outcome?.status).toBe('already-applied');
    expect(outcome?.checksumStatus).toBe('changed');
    expect(report.migrations.filter((m) => m.checksumStatus === 'changed')).toHaveLength(1);
  });

  test('is logged as a warning when accepted', () => {
    const warnings: string[] = [];
    runMigrations(migratedDemo(), edited, {
      acceptChangedChecksums: true,
      logger: { info() {}, warn: (m) => warnings.push(m) },
    });
    expect(warnings.some((w) => w.startsWith(EDITED))).toBe(true);
  });

  test('keeps the checksum it was applied with in the ledger when accepted', () => {
    const db = migratedDemo();
    const query = `SELECT checksum FROM schema_migrations WHERE migration_name = '${EDITED}'`;
    const before = rows(db, query);
    runMigrations(db, edited, { acceptChangedChecksums: true });
    expect(rows(db, query)).toEqual(before);
  });

  test('is not a change when only its line endings changed (CRLF instead of LF)', () => {
    const db = migratedDemo();
    const report = runMigrations(
      db,
      demoWith(EDITED, (sql) => sql.replaceAll('\n', '\r\n')),
    );
    expect(report.migrations.find((m) => m.name === EDITED)?.checksumStatus).toBe('ok');
    expect(report.upToDate).toBe(true);
  });

  test('applied with CRLF line endings is not a change when read back with LF', () => {
    const db = memoryDatabase();
    const crlf = DEMO_MIGRATIONS.map((m) => ({ ...m, sql: m.sql.replaceAll('\n', '\r\n') }));
    runMigrations(db, crlf);
    const report = runMigrations(db, DEMO_MIGRATIONS);
    expect(report.migrations.map((m) => m.checksumStatus)).toEqual(DEMO_NAMES.map(() => 'ok'));
  });
});

describe('a recorded migration this app does not have', () => {
  const older = DEMO_MIGRATIONS.slice(0, 7);

  test('is refused with UNKNOWN_APPLIED naming it', () => {
    const error = catchMigrationError(() => runMigrations(migratedDemo(), older));
    expect(error.code).toBe('UNKNOWN_APPLIED');
    expect(error.migrationName).toBe('007_backfill_note_excerpts.sql');
    expect(error.message.startsWith('007_backfill_note_excerpts.sql')).toBe(true);
  });

  test('names every unknown one in the message', () => {
    const error = catchMigrationError(() => runMigrations(migratedDemo(), older));
    expect(error.message).toContain('008_published_notes_view.sql');
  });

  test('leaves the database unchanged', () => {
    const db = migratedDemo();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, older));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a pending migration that sorts before the last applied one', () => {
  const first = migration('001_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY);');
  const late = migration('002_tags.sql', 'CREATE TABLE tags (id INTEGER PRIMARY KEY);');
  const third = migration('003_notes_title.sql', 'ALTER TABLE notes ADD COLUMN title TEXT;');

  /** Applied 001 and 003; 002 arrives later (a merge of two branches). */
  function withGap() {
    const db = memoryDatabase();
    runMigrations(db, [first, third]);
    return db;
  }

  test('is refused with OUT_OF_ORDER naming it when the schema does not reflect it', () => {
    const error = catchMigrationError(() => runMigrations(withGap(), [first, late, third]));
    expect(error.code).toBe('OUT_OF_ORDER');
    expect(error.migrationName).toBe('002_tags.sql');
    expect(error.message).toMatch(/^002_tags\.sql: .*003_notes_title\.sql/);
  });

  test('leaves the database unchanged when refused', () => {
    const db = withGap();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, [first, late, third]));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('is run with allowOutOfOrder', () => {
    const db = withGap();
    const report = runMigrations(db, [first, late, third], { allowOutOfOrder: true });
    expect(report.executed).toEqual(['002_tags.sql']);
    expect(tableExists(db, 'tags')).toBe(true);
  });

  test('is baselined when the schema already reflects it', () => {
    const db = memoryDatabase();
    runMigrations(db, [first, third]);
    db.run('CREATE TABLE tags (id INTEGER PRIMARY KEY)');
    const report = runMigrations(db, [first, late, third]);
    expect(report.baselined).toEqual(['002_tags.sql']);
    expect(report.executed).toEqual([]);
  });

  test('runs together with the migrations after the last applied one, in order', () => {
    const fourth = migration('004_tags_name.sql', 'ALTER TABLE tags ADD COLUMN name TEXT;');
    const report = runMigrations(withGap(), [first, late, third, fourth], {
      allowOutOfOrder: true,
    });
    expect(report.executed).toEqual(['002_tags.sql', '004_tags_name.sql']);
  });
});
