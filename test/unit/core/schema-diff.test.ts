import { describe, expect, it } from 'vitest';
import { fingerprintSchema, runMigrations, schemaChanges } from '../../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { databaseFrom, memoryDatabase } from '../../helpers/sqljs.ts';

const lines = (changes: { kind: string; object: string; detail: string }[]) =>
  changes.map((change) => `${change.kind} ${change.object}: ${change.detail}`);

describe('the schema changes a run reports', () => {
  it('lists what a dry run of the pending migrations would do to a legacy database', () => {
    const db = memoryDatabase();
    for (const migration of DEMO_MIGRATIONS.slice(0, 3)) db.exec(migration.sql);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, dryRun: true });
    expect(lines(report.schemaChanges)).toEqual(
      expect.arrayContaining([
        'table notes: column file_path: dropped',
        'table notes: column excerpt: added',
        'table tags: created',
        'virtual table notes_fts: created',
        'index idx_sessions_me: dropped',
        'trigger notes_fts_after_insert: created',
        'view published_notes: created',
      ]),
    );
  });

  it('is empty when the run had nothing to do', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }).schemaChanges).toEqual([]);
  });

  it('says what a column change was and became', () => {
    const before = fingerprintSchema(databaseFrom('CREATE TABLE t (a TEXT);'));
    const after = fingerprintSchema(databaseFrom('CREATE TABLE t (a INTEGER NOT NULL);'));
    expect(lines(schemaChanges(before, after))).toEqual([
      'table t: column a: type TEXT → INTEGER',
      'table t: column a: nullable → NOT NULL',
    ]);
  });
});
