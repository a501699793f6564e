import { describe, expect, test } from 'vitest';
import { verifyMigrations } from '../../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { migration } from '../../helpers/migration-error.ts';
import { memoryDatabase } from '../../helpers/sqljs.ts';

const createDatabase = () => memoryDatabase();

describe('verifyMigrations on the demo', () => {
  const report = verifyMigrations(DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, createDatabase });

  test('is ok, with no problems, warnings or differences', () => {
    expect(report).toMatchObject({ ok: true, problems: [], warnings: [], differences: [] });
  });

  test('recognises a database at every version as that version', () => {
    expect(report.versions).toEqual(DEMO_NAMES.map((name) => ({ name, recognizedAs: name })));
  });

  test('is ok without a schema too', () => {
    expect(verifyMigrations(DEMO_MIGRATIONS, { createDatabase }).ok).toBe(true);
  });
});

describe('verifyMigrations when schema.sql disagrees with the migrations', () => {
  // schema.sql without one index the migrations create.
  const schema = DEMO_SCHEMA.replace(
    'CREATE INDEX idx_tokens_active ON tokens(expires_at) WHERE revoked_at IS NULL;',
    '',
  );
  const report = verifyMigrations(DEMO_MIGRATIONS, { schema, createDatabase });

  test('is not ok', () => {
    expect(report.ok).toBe(false);
  });

  test('lists the differences object by object', () => {
    expect(report.differences).toEqual([
      {
        kind: 'index',
        object: 'idx_tokens_active',
        table: 'tokens',
        detail: 'only in the database',
      },
    ]);
  });

  test('says so in a problem naming schema.sql and the object', () => {
    expect(report.problems[0]).toMatch(/^schema\.sql differs .*idx_tokens_active/);
  });
});

describe('verifyMigrations with a step that changes no schema', () => {
  const migrations = [
    migration('001_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);'),
    migration('002_trim_bodies.sql', 'UPDATE notes SET body = trim(body);'),
    migration('003_titles.sql', 'ALTER TABLE notes ADD COLUMN title TEXT;'),
  ];
  const schema = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, title TEXT);';
  const report = verifyMigrations(migrations, { schema, createDatabase });

  test('warns that the step must be safe to run twice, naming it', () => {
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/^002_trim_bodies\.sql: changes no schema/);
  });

  test('is still ok', () => {
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
  });

  test('reports a database after the step as recognised before it', () => {
    expect(report.versions[1]).toEqual({
      name: '002_trim_bodies.sql',
      recognizedAs: '001_notes.sql',
    });
  });
});

describe('verifyMigrations with a migration that cannot run on the ones before it', () => {
  const migrations = [
    migration('001_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY);'),
    migration('002_titles.sql', 'ALTER TABLE note ADD COLUMN title TEXT;'),
  ];
  const report = verifyMigrations(migrations, { createDatabase });

  test('is not ok, and the problem names the file and line', () => {
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^002_titles\.sql line 1: no such table: note/);
  });
});

describe('verifyMigrations with names out of form', () => {
  test('throws BAD_NAME, as loading them would', () => {
    expect(() =>
      verifyMigrations([migration('notes.sql', 'SELECT 1;')], { createDatabase }),
    ).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
  });
});

describe('verifyMigrations with a schema.sql that does not run', () => {
  test('reports it as a problem naming schema.sql and the line, like a failing migration', () => {
    let outcome: unknown;
    try {
      outcome = verifyMigrations(DEMO_MIGRATIONS, {
        schema: 'CREATE TABLE notes (id INTEGER);\nCREATE TABLEX tags (id);\n',
        createDatabase,
      });
    } catch (error) {
      outcome = { threw: (error as Error).message };
    }
    expect(outcome).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^schema\.sql line 2: /)],
    });
  });
});
