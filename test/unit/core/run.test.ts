import { describe, expect, test } from 'vitest';
import {
  checksumOf,
  columnExists,
  diffSchemas,
  fingerprintSchema,
  type MigrationProgress,
  runMigrations,
  tableExists,
} from '../../../src/index.ts';
import {
  contentOf,
  demoDatabaseAt,
  demoReferenceFrom,
  SEED_LEDGER_DDL,
} from '../../helpers/demo-data.ts';
import {
  DEMO_MIGRATIONS,
  DEMO_NAMES,
  DEMO_SCHEMA,
  demoMigration,
} from '../../helpers/demo-migrations.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import {
  byteDifference,
  bytesOf,
  databaseFrom,
  memoryDatabase,
  rows,
  scalar,
} from '../../helpers/sqljs.ts';

const schemaFingerprint = fingerprintSchema(databaseFrom(DEMO_SCHEMA));

describe('a fresh database with a schema', () => {
  test('gets the schema: no differences from schema.sql', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(diffSchemas(fingerprintSchema(db), schemaFingerprint)).toEqual([]);
  });

  test('has every migration baselined and none executed', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('fresh');
    expect(report.baselined).toEqual(DEMO_NAMES);
    expect(report.executed).toEqual([]);
    expect(report.migrations.map((m) => m.status)).toEqual(DEMO_NAMES.map(() => 'baselined'));
  });

  test('reports a change and no drift', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.changed).toBe(true);
    expect(report.upToDate).toBe(false);
    expect(report.drift).toEqual([]);
  });

  test('has foreign keys on afterwards', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });
});

describe('a database with only an empty ledger, a schema and no migrations yet', () => {
  // An app whose first release ships schema.sql and an empty migrations folder.
  const SCHEMA = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);';
  function ledgerOnly() {
    const db = memoryDatabase();
    runMigrations(db, []);
    return db;
  }

  test('gets the schema', () => {
    const db = ledgerOnly();
    runMigrations(db, [], { schema: SCHEMA });
    expect(tableExists(db, 'notes')).toBe(true);
  });

  test('is not reported up to date before it has the schema', () => {
    const report = runMigrations(ledgerOnly(), [], { schema: SCHEMA });
    expect(report.upToDate).toBe(false);
    expect(report.changed).toBe(true);
  });
});

describe('a fresh database with a schema.sql that fails', () => {
  const BROKEN = 'CREATE TABLE notes (id INTEGER PRIMARY KEY);\nCREATE TABLEX tags (id);\n';

  test('throws SQL_FAILED naming schema.sql and the line', () => {
    const error = catchMigrationError(() =>
      runMigrations(memoryDatabase(), DEMO_MIGRATIONS, { schema: BROKEN }),
    );
    expect(error.code).toBe('SQL_FAILED');
    expect(error.migrationName).toBe('schema.sql');
    expect(error.line).toBe(2);
  });

  test('leaves the database empty, without even a ledger', () => {
    const db = memoryDatabase();
    const before = bytesOf(db);
    catchMigrationError(() => runMigrations(db, DEMO_MIGRATIONS, { schema: BROKEN }));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('a fresh database without a schema', () => {
  test('has every migration executed, in order', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS);
    expect(report.state).toBe('fresh');
    expect(report.executed).toEqual(DEMO_NAMES);
    expect(report.baselined).toEqual([]);
  });

  test('ends with the same schema as schema.sql', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS);
    expect(diffSchemas(fingerprintSchema(db), schemaFingerprint)).toEqual([]);
  });

  test('reports no drift, having no schema to compare with', () => {
    expect(runMigrations(memoryDatabase(), DEMO_MIGRATIONS).drift).toBeNull();
  });

  test('reports a duration for each executed migration', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS);
    expect(report.migrations.length).toBe(DEMO_MIGRATIONS.length);
    for (const outcome of report.migrations) {
      expect(typeof outcome.durationMs).toBe('number');
      expect(outcome.how).toBe('executed');
      expect(outcome.checksumStatus).toBe('ok');
    }
  });
});

describe('a legacy database (the first schema, with rows)', () => {
  test('runs what it lacks and keeps its rows', () => {
    const db = demoDatabaseAt(1);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('legacy');
    expect(report.baselined).toEqual(['000_initial_schema.sql']);
    expect(report.executed).toEqual(DEMO_NAMES.slice(1));
    expect(contentOf(db)).toEqual(contentOf(demoReferenceFrom(1)));
  });
});

describe('a second run', () => {
  const cases = [
    ['fresh with a schema', () => memoryDatabase(), { schema: DEMO_SCHEMA }],
    ['fresh without a schema', () => memoryDatabase(), {}],
    ['legacy', () => demoDatabaseAt(3), { schema: DEMO_SCHEMA }],
  ] as const;

  test.each(cases)('after a %s run is up to date and changes nothing', (_, make, options) => {
    const db = make();
    runMigrations(db, DEMO_MIGRATIONS, options);
    const report = runMigrations(db, DEMO_MIGRATIONS, options);
    expect(report.upToDate).toBe(true);
    expect(report.changed).toBe(false);
    expect(report.state).toBe('tracked');
    expect(report.executed).toEqual([]);
    expect(report.baselined).toEqual([]);
    expect(report.alreadyApplied).toEqual(DEMO_NAMES);
  });

  test.each(cases)('after a %s run leaves the bytes identical', (_, make, options) => {
    const db = make();
    runMigrations(db, DEMO_MIGRATIONS, options);
    const before = bytesOf(db);
    runMigrations(db, DEMO_MIGRATIONS, { ...options, checkDrift: true });
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('reports each migration as it was recorded (how, checksum, applied_at)', () => {
    const db = memoryDatabase();
    const first = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const second = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(second.migrations.map((m) => m.status)).toEqual(DEMO_NAMES.map(() => 'already-applied'));
    expect(second.migrations.map((m) => [m.how, m.checksum, m.appliedAt])).toEqual(
      first.migrations.map((m) => ['baselined', m.checksum, m.appliedAt]),
    );
  });
});

describe('many migration files', () => {
  const MANY = Array.from({ length: 60 }, (_, i) =>
    i === 0
      ? migration('001_items.sql', 'CREATE TABLE items (id INTEGER PRIMARY KEY);')
      : migration(
          `${String(i + 1).padStart(3, '0')}_column_${i}.sql`,
          `ALTER TABLE items ADD COLUMN c${i} INTEGER NOT NULL DEFAULT ${i};`,
        ),
  );

  test('run in order, each recorded', () => {
    const db = memoryDatabase();
    const report = runMigrations(db, [...MANY].reverse());
    expect(report.executed).toEqual(MANY.map((m) => m.name));
    expect(scalar(db, 'SELECT count(*) FROM schema_migrations')).toBe(60);
    expect(columnExists(db, 'items', 'c59')).toBe(true);
  });

  test('are recognised at a version in the middle of them', () => {
    const db = memoryDatabase();
    for (const m of MANY.slice(0, 31)) db.exec(m.sql);
    const report = runMigrations(db, MANY);
    expect(report.legacyVersion).toBe(MANY[30]?.name);
    expect(report.executed).toHaveLength(29);
  });
});

describe('a partially applied database', () => {
  test('runs only what is pending', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS.slice(0, 4));
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.state).toBe('tracked');
    expect(report.alreadyApplied).toEqual(DEMO_NAMES.slice(0, 4));
    expect(report.executed).toEqual(DEMO_NAMES.slice(4));
    expect(report.drift).toEqual([]);
  });

  test('reports the pending ones as executed and the others as already applied', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS.slice(0, 4));
    const report = runMigrations(db, DEMO_MIGRATIONS);
    expect(report.migrations.map((m) => m.status)).toEqual([
      ...DEMO_NAMES.slice(0, 4).map(() => 'already-applied'),
      ...DEMO_NAMES.slice(4).map(() => 'executed'),
    ]);
  });
});

describe('no migrations at all', () => {
  test('on a fresh database records nothing and reports nothing', () => {
    const report = runMigrations(memoryDatabase(), []);
    expect(report.migrations).toEqual([]);
    expect(report.executed).toEqual([]);
    expect(report.baselined).toEqual([]);
  });

  test('on a tracked database is up to date', () => {
    const db = memoryDatabase();
    runMigrations(db, []);
    const report = runMigrations(db, []);
    expect(report.upToDate).toBe(true);
    expect(report.changed).toBe(false);
  });
});

describe('the real 001_add_code_verifier_to_auth_state.sql', () => {
  const real001 = demoMigration('001_add_code_verifier_to_auth_state.sql');

  // StarPunk's database before 001: its base schema, its empty ledger, logins in progress.
  function seedShaped() {
    const db = demoDatabaseAt(1);
    db.run(SEED_LEDGER_DDL);
    return db;
  }

  test('adds code_verifier to auth_state', () => {
    const db = seedShaped();
    runMigrations(db, [real001], { schema: `${DEMO_MIGRATIONS[0]?.sql}\n${real001.sql}` });
    expect(columnExists(db, 'auth_state', 'code_verifier')).toBe(true);
  });

  test('gives the rows already there an empty code_verifier', () => {
    const db = seedShaped();
    runMigrations(db, [real001], { schema: `${DEMO_MIGRATIONS[0]?.sql}\n${real001.sql}` });
    expect(rows(db, 'SELECT state, code_verifier FROM auth_state')).toEqual([
      { state: 'state-1', code_verifier: '' },
    ]);
  });

  test('is recorded under its file name, as StarPunk writes it', () => {
    const db = seedShaped();
    runMigrations(db, [real001], { schema: `${DEMO_MIGRATIONS[0]?.sql}\n${real001.sql}` });
    expect(rows(db, 'SELECT migration_name, applied_how FROM schema_migrations')).toEqual([
      { migration_name: '001_add_code_verifier_to_auth_state.sql', applied_how: 'executed' },
    ]);
  });

  test('runs within the whole demo history, after 000 is baselined', () => {
    const db = seedShaped();
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.baselined).toEqual(['000_initial_schema.sql']);
    expect(report.executed[0]).toBe('001_add_code_verifier_to_auth_state.sql');
  });
});

describe('a dry run', () => {
  test('on a legacy database reports what it would baseline and execute', () => {
    const report = runMigrations(demoDatabaseAt(3), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
      dryRun: true,
    });
    expect(report.dryRun).toBe(true);
    expect(report.migrations.map((m) => m.status)).toEqual([
      ...DEMO_NAMES.slice(0, 3).map(() => 'would-baseline'),
      ...DEMO_NAMES.slice(3).map(() => 'would-execute'),
    ]);
    expect(report.baselined).toEqual(DEMO_NAMES.slice(0, 3));
    expect(report.executed).toEqual(DEMO_NAMES.slice(3));
  });

  test('on a legacy database leaves the bytes identical', () => {
    const db = demoDatabaseAt(3);
    const before = bytesOf(db);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, dryRun: true });
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('on a fresh database leaves it empty, without even a ledger', () => {
    const db = memoryDatabase();
    const before = bytesOf(db);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, dryRun: true });
    expect(report.migrations.map((m) => m.status)).toEqual(DEMO_NAMES.map(() => 'would-baseline'));
    expect(byteDifference(bytesOf(db), before)).toBeNull();
    expect(tableExists(db, 'schema_migrations')).toBe(false);
  });

  test('on a seed-format ledger leaves it in its old format', () => {
    const db = demoDatabaseAt(2);
    db.run(SEED_LEDGER_DDL);
    db.run(
      "INSERT INTO schema_migrations (migration_name) VALUES ('001_add_code_verifier_to_auth_state.sql')",
    );
    const before = bytesOf(db);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, dryRun: true });
    expect(report.ledgerUpgraded).toBe(false);
    expect(columnExists(db, 'schema_migrations', 'checksum')).toBe(false);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test('reports no change but still says the database is not up to date', () => {
    const report = runMigrations(demoDatabaseAt(3), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
      dryRun: true,
    });
    expect(report.changed).toBe(false);
    expect(report.upToDate).toBe(false);
  });

  test('reports the drift the run would leave', () => {
    const report = runMigrations(demoDatabaseAt(3), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
      dryRun: true,
    });
    expect(report.drift).toEqual([]);
  });

  test('keeps foreign keys as they were', () => {
    const db = demoDatabaseAt(3);
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, dryRun: true });
    expect(scalar(db, 'PRAGMA foreign_keys')).toBe(1);
  });

  test('still fails, and leaves the bytes identical, when a migration would fail', () => {
    const db = demoDatabaseAt(3);
    const before = bytesOf(db);
    expect(() =>
      runMigrations(
        db,
        [...DEMO_MIGRATIONS, migration('009_bad.sql', 'INSERT INTO nope VALUES (1);')],
        {
          dryRun: true,
        },
      ),
    ).toThrow(/^009_bad\.sql line 1/);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('drift', () => {
  /** A database migrated to the demo's schema, then changed by hand. */
  function changedByHand(change: string) {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    db.exec(change);
    return db;
  }

  test('is reported table by table when checkDrift is asked for', () => {
    const db = changedByHand(
      'ALTER TABLE notes ADD COLUMN mood TEXT; CREATE INDEX idx_tags_name ON tags(name); DROP INDEX idx_tokens_me;',
    );
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, checkDrift: true });
    expect(report.drift).toEqual(
      expect.arrayContaining([
        {
          kind: 'table',
          object: 'notes',
          table: 'notes',
          detail: 'column mood: only in the database',
        },
        { kind: 'index', object: 'idx_tags_name', table: 'tags', detail: 'only in the database' },
        {
          kind: 'index',
          object: 'idx_tokens_me',
          table: 'tokens',
          detail: 'missing from the database',
        },
      ]),
    );
    expect(report.drift).toHaveLength(3);
  });

  test('is not checked when nothing ran and checkDrift is not asked for', () => {
    const db = changedByHand('ALTER TABLE notes ADD COLUMN mood TEXT;');
    expect(runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }).drift).toBeNull();
  });

  test('is checked after a run that changed something', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS.slice(0, 8));
    db.exec('ALTER TABLE tags ADD COLUMN colour TEXT;');
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(report.executed).toEqual(['008_published_notes_view.sql']);
    expect(report.drift).toEqual([
      {
        kind: 'table',
        object: 'tags',
        table: 'tags',
        detail: 'column colour: only in the database',
      },
    ]);
  });

  test('does not make the run fail or change anything', () => {
    const db = changedByHand('ALTER TABLE notes ADD COLUMN mood TEXT;');
    const before = bytesOf(db);
    const report = runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, checkDrift: true });
    expect(report.changed).toBe(false);
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });
});

describe('progress events', () => {
  test('come in order, with the index and total of the migrations being run', () => {
    const events: MigrationProgress[] = [];
    const three = DEMO_MIGRATIONS.slice(0, 3);
    runMigrations(memoryDatabase(), three, { onProgress: (event) => events.push(event) });
    expect(events.map((e) => [e.phase, e.event, e.index, e.total, e.name])).toEqual([
      ['detect', 'start', 0, 0, null],
      ['detect', 'done', 0, 0, null],
      ['migration', 'start', 1, 3, three[0]?.name],
      ['migration', 'done', 1, 3, three[0]?.name],
      ['migration', 'start', 2, 3, three[1]?.name],
      ['migration', 'done', 2, 3, three[1]?.name],
      ['migration', 'start', 3, 3, three[2]?.name],
      ['migration', 'done', 3, 3, three[2]?.name],
    ]);
  });

  test('include the schema and drift phases of a fresh run with a schema', () => {
    const phases: string[] = [];
    runMigrations(memoryDatabase(), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
      onProgress: (event) => phases.push(`${event.phase} ${event.event}`),
    });
    expect(phases).toEqual([
      'detect start',
      'detect done',
      'schema start',
      'schema done',
      'drift start',
      'drift done',
    ]);
  });

  test('carry an elapsed time that never goes back', () => {
    const elapsed: number[] = [];
    runMigrations(demoDatabaseAt(2), DEMO_MIGRATIONS, {
      schema: DEMO_SCHEMA,
      onProgress: (event) => elapsed.push(event.elapsedMs),
    });
    expect(elapsed.length).toBeGreaterThan(4);
    expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
  });
});

describe('the logger', () => {
  function logged(run: (logger: { info(m: string): void; warn(m: string): void }) => void) {
    const lines: string[] = [];
    run({ info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) });
    return lines;
  }

  test('is told the detected state and each pending migration', () => {
    const lines = logged((logger) =>
      runMigrations(demoDatabaseAt(7), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, logger }),
    );
    expect(lines).toContain('info database: legacy (its schema reflects 006_note_search_fts4.sql)');
    expect(lines).toContain('info pending: 007_backfill_note_excerpts.sql');
    expect(lines).toContain('info pending: 008_published_notes_view.sql');
  });

  test('is told when the database is up to date', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    const lines = logged((logger) =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, logger }),
    );
    expect(lines).toContain('info up to date');
  });

  test('is warned about drift', () => {
    const db = memoryDatabase();
    runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    db.run('ALTER TABLE notes ADD COLUMN mood TEXT');
    const lines = logged((logger) =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA, checkDrift: true, logger }),
    );
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([
      'warn drift: table notes: column mood: only in the database',
    ]);
  });
});

describe('the report', () => {
  test('is plain data that survives JSON', () => {
    const report = runMigrations(demoDatabaseAt(4), DEMO_MIGRATIONS, { schema: DEMO_SCHEMA });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(structuredClone(report)).toEqual(report);
  });

  test('lists every bundled migration with its checksum, in run order', () => {
    const report = runMigrations(memoryDatabase(), [...DEMO_MIGRATIONS].reverse(), {
      schema: DEMO_SCHEMA,
    });
    expect(report.migrations.map((m) => m.name)).toEqual(DEMO_NAMES);
    for (const outcome of report.migrations) expect(outcome.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  test('gives the total duration of the run', () => {
    const report = runMigrations(memoryDatabase(), DEMO_MIGRATIONS);
    expect(report.durationMs).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThanOrEqual(
      report.migrations.reduce((sum, m) => sum + (m.durationMs ?? 0), 0) - 1,
    );
  });
});

describe('checksums given by the caller', () => {
  const created = migration('001_a.sql', 'CREATE TABLE a (id INTEGER);');

  test('are recorded instead of being worked out', () => {
    const given = 'f'.repeat(64);
    const report = runMigrations(memoryDatabase(), [created], {
      checksums: { '001_a.sql': given },
    });
    expect(report.migrations[0]?.checksum).toBe(given);
  });

  test('serve only the run they were given to', () => {
    runMigrations(memoryDatabase(), [created], { checksums: { '001_a.sql': '0'.repeat(64) } });
    const report = runMigrations(memoryDatabase(), [created]);
    expect(report.migrations[0]?.checksum).toBe(checksumOf(created.sql));
  });
});
