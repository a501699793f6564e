import { describe, expect, it } from 'vitest';
import type { MigrationProgress } from '../../../src/core/types.ts';
import {
  describeFinished,
  describeLedger,
  describeProgress,
  describeStopped,
} from '../../../src/ui/upload-format.ts';
import { upgradedFileName } from '../../../src/upload.ts';

describe('upgradedFileName', () => {
  it.each([
    ['notes.db', 'notes-upgraded.db'],
    ['backup.2024.sqlite3', 'backup.2024-upgraded.db'],
    ['no-extension', 'no-extension-upgraded.db'],
    ['.db', 'database-upgraded.db'],
  ])('names the copy of %s %s', (name, expected) => {
    expect(upgradedFileName(name)).toBe(expected);
  });
});

const progress = (overrides: Partial<MigrationProgress>): MigrationProgress => ({
  phase: 'migration',
  event: 'start',
  index: 2,
  total: 5,
  name: '002_x.sql',
  elapsedMs: 12,
  ...overrides,
});

describe('describeProgress', () => {
  it('says which migration of how many, and the time so far', () => {
    expect(describeProgress(progress({}))).toBe('Migration 2 of 5: 002_x.sql · 12 ms');
  });

  it('names the phases around the migrations', () => {
    expect(describeProgress(progress({ phase: 'detect', index: 0, total: 0 }))).toContain(
      'Detecting',
    );
  });
});

describe('describeFinished', () => {
  it('counts what ran', () => {
    expect(describeFinished(progress({ index: 5 }))).toBe('Done in 12 ms: ran 5 of 5 migrations.');
  });

  it('says when nothing had to run', () => {
    expect(describeFinished(progress({ index: 0, total: 0 }))).toContain('no migration had to run');
  });
});

describe('describeStopped', () => {
  it('names the migration that was running and did not finish', () => {
    expect(describeStopped(progress({}))).toBe(
      'Stopped in migration 2 of 5, 002_x.sql, which did not finish.',
    );
  });

  it('says when the run stopped between migrations', () => {
    expect(describeStopped(progress({ event: 'done' }))).toBe(
      'Stopped after migration 2 of 5, 002_x.sql.',
    );
  });

  it('names the phase around the migrations it stopped in', () => {
    expect(describeStopped(progress({ phase: 'detect', index: 0, total: 0 }))).toBe(
      'Stopped while detecting the file’s version.',
    );
  });
});

describe('describeLedger', () => {
  const adoption = {
    from: 'drizzle',
    source: '__drizzle_migrations',
    migrations: [],
    dropped: false,
  };

  it.each([
    ['none', null, 'none: the file is untracked'],
    ['current', null, 'this runner’s ledger'],
    ['other', adoption, 'drizzle’s (__drizzle_migrations): adopted into this runner’s ledger'],
    ['other', null, 'another tool’s'],
  ] as const)('says what ledger %s is (adoption: %o)', (ledger, given, words) => {
    expect(describeLedger(ledger, given)).toBe(words);
  });
});
