import type { Database } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { type MigrationReport, runMigrations } from '../../../src/index.ts';
import {
  contentOf,
  DEMO_VERSION_COUNT,
  demoDatabaseAt,
  demoNameAt,
  demoReferenceFrom,
  rowCounts,
} from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import {
  byteDifference,
  bytesOf,
  databaseFrom,
  memoryDatabase,
  rows,
  scalar,
} from '../../helpers/sqljs.ts';

const VERSIONS = Array.from({ length: DEMO_VERSION_COUNT }, (_, i) => i + 1);

describe('schema detection (the seed: current, legacy, missing table)', () => {
  test('takes an untracked database built from schema.sql for the current version', () => {
    const report = runMigrations(databaseFrom(DEMO_SCHEMA), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
    });
    expect(report.state).toBe('legacy');
    expect(report.legacyVersion).toBe(DEMO_NAMES.at(-1));
    expect(report.baselined).toEqual(DEMO_NAMES);
    expect(report.executed).toEqual([]);
  });

  test('takes an untracked database of the first schema for a legacy one that needs the rest', () => {
    const report = runMigrations(demoDatabaseAt(1), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('legacy');
    expect(report.legacyVersion).toBe('000_initial_schema.sql');
    expect(report.executed).toEqual(DEMO_NAMES.slice(1));
  });

  test('refuses a database missing one of the current tables instead of taking it for current', () => {
    const db = databaseFrom(`${DEMO_SCHEMA}\nDROP TABLE auth_state;`);
    const error = catchMigrationError(() =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
    expect(error.differences).toContainEqual({
      kind: 'table',
      object: 'auth_state',
      table: 'auth_state',
      detail: 'missing from the database',
    });
  });

  test('detects the version from the history alone when no schema is given', () => {
    const report = runMigrations(demoDatabaseAt(4), DEMO_MIGRATIONS);
    expect(report.legacyVersion).toBe('003_drop_notes_file_path.sql');
    expect(report.executed).toEqual(DEMO_NAMES.slice(4));
  });

  test('takes a database with no tables at all for a fresh one', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('fresh');
    expect(report.legacyVersion).toBeNull();
  });
});

describe.each(VERSIONS)('an untracked database at version %i of the demo, with rows', (version) => {
  const name = demoNameAt(version);
  // One upgrade per version, shared by the tests below: each checks one thing about it.
  let db: Database;
  let report: MigrationReport;
  beforeAll(() => {
    db = demoDatabaseAt(version);
    report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
  });

  test(`is detected as reflecting ${name}`, () => {
    expect(report.state).toBe('legacy');
    expect(report.legacyVersion).toBe(name);
  });

  test('has what it reflects baselined and the rest executed, in order', () => {
    expect(report.baselined).toEqual(DEMO_NAMES.slice(0, version));
    expect(report.executed).toEqual(DEMO_NAMES.slice(version));
  });

  test('reaches schema.sql with no drift', () => {
    expect(report.drift).toEqual([]);
  });

  test('keeps its rows: the same counts and content as the history run by hand', () => {
    const reference = demoReferenceFrom(version);
    expect(rowCounts(db)).toEqual(rowCounts(reference));
    expect(contentOf(db)).toEqual(contentOf(reference));
  });

  test('passes the integrity and foreign key checks afterwards', () => {
    expect(scalar(db, 'PRAGMA integrity_check')).toBe('ok');
    expect(rows(db, 'PRAGMA foreign_key_check')).toEqual([]);
  });
});

describe('rows through the whole history (from version 1)', () => {
  let db: Database;
  beforeAll(() => {
    db = demoDatabaseAt(1);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
  });

  test('keeps every note, minus the dropped file_path, with an excerpt backfilled', () => {
    expect(rows(db, 'SELECT id, slug, excerpt FROM notes ORDER BY id')).toEqual([
      {
        id: 1,
        slug: 'hello-world',
        excerpt: 'Hello, world. The first note, written when bodies still lived in files.',
      },
      { id: 2, slug: 'draft', excerpt: 'A draft nobody may read yet.' },
      {
        id: 3,
        slug: 'sqlite-notes',
        excerpt: 'SQLite keeps everything in one file; that is the point.',
      },
    ]);
  });

  test('keeps every session, now pointing at a user made from its me', () => {
    expect(
      rows(
        db,
        'SELECT sessions.id, users.me FROM sessions JOIN users ON users.id = sessions.user_id ORDER BY sessions.id',
      ),
    ).toEqual([
      { id: 10, me: 'https://alice.example/' },
      { id: 11, me: 'https://bob.example/' },
      { id: 12, me: 'https://alice.example/' },
    ]);
  });

  test('gives existing logins in progress an empty code_verifier', () => {
    expect(rows(db, 'SELECT state, code_verifier FROM auth_state')).toEqual([
      { state: 'state-1', code_verifier: '' },
    ]);
  });

  test('drops the plain-text tokens, as 002 intends', () => {
    expect(scalar(db, 'SELECT count(*) FROM tokens')).toBe(0);
  });

  test('indexes the notes for full-text search', () => {
    expect(
      rows(db, "SELECT docid FROM notes_fts WHERE notes_fts MATCH 'file*' ORDER BY docid"),
    ).toEqual([{ docid: 1 }, { docid: 3 }]);
  });
});

describe('an untracked database that matches no version', () => {
  // Version 3 (000..002) with a column added by hand.
  const build = () => {
    const db = demoDatabaseAt(3);
    db.run('ALTER TABLE notes ADD COLUMN mood TEXT');
    return db;
  };

  test('is refused with UNRECOGNIZED_SCHEMA', () => {
    const error = catchMigrationError(() =>
      runMigrations(build(), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
  });

  test("names the nearest version's differences", () => {
    const error = catchMigrationError(() =>
      runMigrations(build(), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(error.differences).toEqual([
      {
        kind: 'table',
        object: 'notes',
        table: 'notes',
        detail: 'column mood: only in the database',
      },
    ]);
    expect(error.message).toContain('002_secure_tokens_and_authorization_codes.sql');
    expect(error.message).toContain('column mood');
  });

  test('is left untouched', () => {
    const db = build();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('is refused also when no schema is given', () => {
    const error = catchMigrationError(() => runMigrations(build(), DEMO_MIGRATIONS));
    expect(error.code).toBe('UNRECOGNIZED_SCHEMA');
  });
});

describe('a history that starts from a base schema kept elsewhere', () => {
  // StarPunk's own shape: migrations from 001 on, the base tables only in schema.sql.
  const base = (DEMO_MIGRATIONS[0] as { sql: string }).sql;
  const real001 = DEMO_MIGRATIONS[1] as { name: string; sql: string };
  const schemaAfter001 = `${base}\n${real001.sql}`;

  test('detects a database of the base schema by replaying the rest on a copy of it', () => {
    const db = demoDatabaseAt(1);
    const report = runMigrations(db, [real001], { schema: schemaAfter001 });
    expect(report.state).toBe('legacy');
    expect(report.legacyVersion).toBeNull();
    expect(report.executed).toEqual([real001.name]);
    expect(report.drift).toEqual([]);
  });

  test('detects a database that already has the change as current', () => {
    const db = databaseFrom(schemaAfter001);
    const report = runMigrations(db, [real001], { schema: schemaAfter001 });
    expect(report.baselined).toEqual([real001.name]);
    expect(report.executed).toEqual([]);
  });

  test('runs a data-only step that follows the pending migration', () => {
    const fix = migration(
      '002_fix_redirects.sql',
      "UPDATE auth_state SET redirect_uri = 'x' WHERE redirect_uri IS NULL;",
    );
    const db = demoDatabaseAt(1);
    const report = runMigrations(db, [real001, fix], { schema: schemaAfter001 });
    expect(report.executed).toEqual([real001.name, fix.name]);
  });
});

describe('a legacy database whose first pending migration fails', () => {
  const FAILING = migration(
    '009_fails.sql',
    'CREATE TABLE extra (x);\nINSERT INTO nope VALUES (1);\n',
  );

  test('is left byte-identical: no ledger, no baseline rows', () => {
    const db = demoDatabaseAt(9);
    const before = bytesOf(db);
    const error = catchMigrationError(() =>
      runMigrations(db, [...DEMO_MIGRATIONS, FAILING], { schema: DEMO_SCHEMA }),
    );
    expect(error.migrationName).toBe('009_fails.sql');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});
