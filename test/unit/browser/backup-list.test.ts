import { describe, expect, it } from 'vitest';
import {
  asBackupList,
  BACKUPS_KEPT,
  newBackupEntry,
  withBackup,
} from '../../../src/browser/backup-list.ts';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const entry = (generation: number) =>
  newBackupEntry(10 * generation, generation, 'pre-migration', at(generation));

describe('withBackup', () => {
  it('puts the new backup first', () => {
    expect(withBackup([entry(1)], entry(2)).list.map((e) => e.generation)).toEqual([2, 1]);
  });

  it(`keeps the newest ${BACKUPS_KEPT} and names the ones it drops`, () => {
    const list = [entry(3), entry(2), entry(1)];
    const next = withBackup(list, entry(4));
    expect(next.list.map((e) => e.generation)).toEqual([4, 3, 2]);
    expect(next.dropped).toEqual([entry(1).id]);
  });
});

describe('newBackupEntry', () => {
  it('records the size, the generation, the reason and when', () => {
    expect(newBackupEntry(42, 7, 'pre-adopt', at(5))).toEqual({
      id: `7-${at(5).getTime().toString(36)}`,
      reason: 'pre-adopt',
      createdAt: '2026-01-01T00:00:05.000Z',
      sizeBytes: 42,
      generation: 7,
    });
  });
});

describe('asBackupList', () => {
  it('reads nothing from a missing or malformed value', () => {
    expect(asBackupList(undefined)).toEqual([]);
    expect(asBackupList({ id: 'x' })).toEqual([]);
    expect(asBackupList([entry(1), { id: 2 }, null])).toEqual([entry(1)]);
  });
});
