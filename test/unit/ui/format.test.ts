import { describe, expect, it } from 'vitest';
import type { MigrationReport } from '../../../src/core/types.ts';
import { describeRun, describeState, formatBytes, formatDuration } from '../../../src/ui/format.ts';

const report = (overrides: Partial<MigrationReport>): MigrationReport => ({
  state: 'tracked',
  legacyVersion: null,
  upToDate: true,
  changed: false,
  dryRun: false,
  migrations: [],
  executed: [],
  baselined: [],
  alreadyApplied: [],
  adoption: null,
  ledgerUpgraded: false,
  drift: null,
  schemaChanges: [],
  durationMs: 1.5,
  ...overrides,
});

describe('formatBytes', () => {
  it.each([
    [96, '96 B'],
    [2048, '2 KB'],
    [53_137_408, '50.7 MB'],
  ])('%d → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [0.42, '0.4 ms'],
    [123.4, '123 ms'],
    [1500, '1.5 s'],
  ])('%s → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('the panel’s words for a report', () => {
  it('names the version a legacy database was found at', () => {
    expect(
      describeState(report({ state: 'legacy', legacyVersion: '003_drop_notes_file_path.sql' })),
    ).toBe('legacy, untracked, at 003_drop_notes_file_path.sql');
  });

  it('says an up-to-date load ran and saved nothing', () => {
    expect(describeRun(report({}))).toMatch(/^up to date: nothing ran, nothing was saved/);
  });

  it('counts what a load executed and baselined', () => {
    expect(
      describeRun(report({ upToDate: false, executed: ['a'], baselined: ['b', 'c'] })),
    ).toMatch(/^executed 1, baselined 2/);
  });
});
