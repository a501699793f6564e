import { describe, expect, test } from 'vitest';
import { runMigrations } from '../../../src/index.ts';
import { fileOf, runawayDatabase } from '../../e2e/support/upload-files.ts';
import {
  demoDatabaseAt,
  rowCounts,
  SEED_LEDGER_DDL,
  seedDatabaseAt,
} from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { byteDifference, bytesOf, memoryDatabase, rows } from '../../helpers/sqljs.ts';
import { upgradeInWorker } from '../../helpers/upgrade-in-worker.ts';

// The suite's claims rest on these helpers, so they are checked too: an "unchanged" assertion
// that could not fail would prove nothing.

describe('byteDifference', () => {
  test('is null for identical images', () => {
    const db = demoDatabaseAt(2);
    expect(byteDifference(bytesOf(db), bytesOf(db))).toBeNull();
  });

  test('names the first differing byte when one row changed', () => {
    const db = demoDatabaseAt(2);
    const before = bytesOf(db);
    db.run("UPDATE notes SET slug = 'hello-worle' WHERE id = 1");
    expect(byteDifference(bytesOf(db), before)).toMatch(
      /^byte \d+ \(page \d+\) is \d+, expected \d+$/,
    );
  });

  test('names the lengths when the image grew', () => {
    const db = memoryDatabase();
    const before = bytesOf(db);
    db.run('CREATE TABLE t (x)');
    expect(byteDifference(bytesOf(db), before)).toMatch(/bytes, expected/);
  });
});

describe('the demo fixtures', () => {
  test('hold rows at the first version', () => {
    expect(rowCounts(demoDatabaseAt(1))).toMatchObject({
      notes: 3,
      sessions: 3,
      tokens: 1,
      auth_state: 1,
    });
  });

  test('hold the rows of every later table at the last version', () => {
    expect(rowCounts(demoDatabaseAt(9))).toMatchObject({
      notes: 5,
      sessions: 4,
      users: 2,
      tags: 2,
      note_tags: 3,
      tokens: 2,
      authorization_codes: 1,
      auth_state: 2,
      notes_fts: 5,
    });
  });

  test('write a StarPunk ledger of the original three columns, from 001 on', () => {
    const db = seedDatabaseAt(3);
    expect(rows(db, 'SELECT id, migration_name FROM schema_migrations ORDER BY id')).toEqual([
      { id: 20, migration_name: '001_add_code_verifier_to_auth_state.sql' },
      { id: 30, migration_name: '002_secure_tokens_and_authorization_codes.sql' },
    ]);
  });

  test('SEED_LEDGER_DDL is the table StarPunk creates: three columns, nothing of ours', () => {
    const db = memoryDatabase();
    db.run(SEED_LEDGER_DDL);
    expect(
      rows(db, "SELECT name FROM pragma_table_info('schema_migrations')").map((r) => r.name),
    ).toEqual(['id', 'migration_name', 'applied_at']);
  });
});

describe('the runaway upload', () => {
  test('fires its trigger from 007’s backfill, once per note (the recursion capped)', () => {
    const db = runawayDatabase(1000);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.executed).toEqual([
      '007_backfill_note_excerpts.sql',
      '008_published_notes_view.sql',
    ]);
    expect(rows(db, 'SELECT steps FROM runaway_log')).toEqual(
      rows(db, 'SELECT 1000 AS steps FROM notes'),
    );
  });

  test('does not finish upgrading: after 2 s its thread is still busy running the migrations', async () => {
    const upgrade = upgradeInWorker(fileOf(runawayDatabase()));
    try {
      await upgrade.started;
      const outcome = await Promise.race([
        upgrade.finished,
        new Promise((resolve) => setTimeout(resolve, 2000, 'still running')),
      ]);
      expect(outcome).toBe('still running');
      expect(upgrade.busy()).toBeGreaterThan(0.9);
    } finally {
      await upgrade.stop();
    }
  });
});
