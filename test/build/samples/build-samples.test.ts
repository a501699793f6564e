import { describe, expect, it } from 'vitest';
import { buildSamples, type Sample } from '../../../scripts/samples/build-samples.ts';
import { runMigrations } from '../../../src/index.ts';
import { DEMO_MIGRATIONS, DEMO_NAMES, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { memoryDatabase, rows, SQL, scalar } from '../../helpers/sqljs.ts';

const samples = buildSamples(SQL, DEMO_MIGRATIONS);

function sample(file: string): Sample {
  const found = samples.find((candidate) => candidate.file === file);
  if (!found) throw new Error(`no sample ${file}`);
  return found;
}

function dryRunOf(file: string) {
  return runMigrations(memoryDatabase(sample(file).bytes), [...DEMO_MIGRATIONS], {
    schema: DEMO_SCHEMA,
    dryRun: true,
  });
}

describe('the demo samples', () => {
  it('are the four files the page offers', () => {
    expect(samples.map((s) => s.file)).toEqual([
      'legacy-oldest.db',
      'legacy-middle.db',
      'starpunk-seed.db',
      'corrupt.db',
    ]);
  });

  it.each(samples.map((s) => s.file))('%s starts with the SQLite header and opens', (file) => {
    const { bytes } = sample(file);
    expect(new TextDecoder().decode(bytes.subarray(0, 16))).toBe('SQLite format 3\0');
    expect(
      Number(scalar(memoryDatabase(bytes), 'SELECT count(*) FROM sqlite_schema')),
    ).toBeGreaterThan(0);
  });

  it('builds the same bytes every time', () => {
    const again = buildSamples(SQL, DEMO_MIGRATIONS);
    for (const [index, first] of samples.entries())
      expect(Buffer.compare(first.bytes, (again[index] as Sample).bytes), first.file).toBe(0);
  });
});

describe('legacy-oldest.db', () => {
  it('is detected as legacy at the first migration', () => {
    const report = dryRunOf('legacy-oldest.db');
    expect([report.state, report.legacyVersion]).toEqual(['legacy', DEMO_NAMES[0]]);
  });

  it('has no ledger, and notes and sessions to keep', () => {
    const db = memoryDatabase(sample('legacy-oldest.db').bytes);
    expect(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'")).toBe(
      0,
    );
    expect(scalar(db, 'SELECT count(*) FROM notes')).toBe(6);
    expect(scalar(db, 'SELECT count(*) FROM sessions')).toBe(3);
  });
});

describe('legacy-middle.db', () => {
  it('is detected as legacy after 003_drop_notes_file_path.sql', () => {
    const report = dryRunOf('legacy-middle.db');
    expect([report.state, report.legacyVersion]).toEqual([
      'legacy',
      '003_drop_notes_file_path.sql',
    ]);
  });
});

describe('starpunk-seed.db', () => {
  it("holds StarPunk's three-column ledger naming 001 to 005", () => {
    const db = memoryDatabase(sample('starpunk-seed.db').bytes);
    expect(
      rows(db, "SELECT name FROM pragma_table_info('schema_migrations')").map((r) => r.name),
    ).toEqual(['id', 'migration_name', 'applied_at']);
    expect(
      rows(db, 'SELECT migration_name FROM schema_migrations ORDER BY id').map(
        (r) => r.migration_name,
      ),
    ).toEqual(DEMO_NAMES.slice(1, 6));
  });

  it('is tracked: 001..005 already applied, 000 baselined, the rest would run', () => {
    const report = dryRunOf('starpunk-seed.db');
    expect(report.state).toBe('tracked');
    expect(report.alreadyApplied).toEqual(DEMO_NAMES.slice(1, 6));
    expect(report.baselined).toEqual([DEMO_NAMES[0]]);
    expect(report.executed).toEqual(DEMO_NAMES.slice(6));
  });
});

describe('corrupt.db', () => {
  it('fails quick_check, naming the damaged page', () => {
    const db = memoryDatabase(sample('corrupt.db').bytes);
    const result = rows(db, 'PRAGMA quick_check').map((row) => String(row.quick_check));
    expect(result).not.toEqual(['ok']);
    expect(result.join('\n')).toMatch(/page \d+/);
  });
});

describe('the sample upgrades', () => {
  it.each(['legacy-oldest.db', 'legacy-middle.db', 'starpunk-seed.db'])(
    '%s reaches the current schema without drift and keeps its notes',
    (file) => {
      const db = memoryDatabase(sample(file).bytes);
      const notesBefore = scalar(db, 'SELECT count(*) FROM notes');
      const report = runMigrations(db, [...DEMO_MIGRATIONS], { schema: DEMO_SCHEMA });
      expect(report.drift).toEqual([]);
      expect(scalar(db, 'SELECT count(*) FROM notes')).toBe(notesBefore);
    },
  );
});
