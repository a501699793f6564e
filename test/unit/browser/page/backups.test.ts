import 'fake-indexeddb/auto';
import { del, setMany } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  listBackups,
  readBackup,
  readStoredImage,
  restoreBackup,
} from '../../../../src/browser/page/backups.ts';
import type { SavedAnnouncement } from '../../../../src/browser/tabs/save-channel.ts';
import { lockName } from '../../../../src/browser/tabs/web-lock.ts';
import { chunksOf, fileOf, freshStore, storedFile } from '../storage/store-harness.ts';

/** A store holding a file, then a change of it saved with the first file kept as a backup. */
async function storeWithBackup() {
  const { name, store, raw } = freshStore();
  const first = fileOf(3);
  const second = fileOf(3, 9);
  await store.save({ follows: 0, fileSize: first.byteLength, chunks: chunksOf(first) });
  await store.save({
    follows: 1,
    fileSize: second.byteLength,
    chunks: chunksOf(second),
    keepPrevious: 'pre-migration',
  });
  return { name, store, raw, first, second };
}

/** The next announcement on database `name`'s channel. */
function nextAnnouncement(name: string): Promise<SavedAnnouncement> {
  const channel = new BroadcastChannel(lockName(name));
  return new Promise((resolve) => {
    channel.onmessage = (message: MessageEvent<SavedAnnouncement>) => {
      channel.close();
      resolve(message.data);
    };
  });
}

describe('backups seen from the page', () => {
  it('lists the backups newest first, and reads one back byte for byte', async () => {
    const { name, first } = await storeWithBackup();
    const [backup, ...rest] = await listBackups(name);
    expect(rest).toEqual([]);
    expect(backup).toMatchObject({ reason: 'pre-migration', generation: 1 });
    expect(Buffer.from(await readBackup(name, backup?.id ?? '')).equals(first)).toBe(true);
  });

  it('refuses a backup that is not stored, naming it', async () => {
    const { name } = await storeWithBackup();
    await expect(readBackup(name, '9-gone')).rejects.toMatchObject({
      name: 'StorageError',
      code: 'NO_SUCH_BACKUP',
      backupId: '9-gone',
    });
  });

  it('restores a backup as the next generation and tells the other tabs it replaced the file', async () => {
    const { name, store, first } = await storeWithBackup();
    const [backup] = await listBackups(name);
    const heard = nextAnnouncement(name);
    const { generation } = await restoreBackup(name, backup?.id ?? '');
    expect(generation).toBe(3);
    expect(await heard).toEqual({ type: 'saved', generation: 3, replaced: true });
    expect(Buffer.from(await storedFile(store)).equals(first)).toBe(true);
    // The file the restore replaced is a backup now, so the restore can be undone.
    expect((await listBackups(name)).map((entry) => entry.reason)).toEqual(['pre-restore']);
  });

  it('refuses to restore a backup that is not stored, and changes nothing', async () => {
    const { name, store, second } = await storeWithBackup();
    await expect(restoreBackup(name, '9-gone')).rejects.toMatchObject({
      code: 'NO_SUCH_BACKUP',
      backupId: '9-gone',
    });
    expect((await store.readManifest())?.generation).toBe(2);
    expect(Buffer.from(await storedFile(store)).equals(second)).toBe(true);
  });

  it('reads the stored file as it is, and says which chunk is missing when one is', async () => {
    const { name, raw, second } = await storeWithBackup();
    expect(Buffer.from((await readStoredImage(name)) ?? []).equals(second)).toBe(true);
    await del(['chunk', 1, 2], raw);
    await expect(readStoredImage(name)).rejects.toMatchObject({
      name: 'StorageError',
      code: 'DAMAGED',
      chunkIndex: 1,
    });
  });

  it('finds nothing stored, and no backups, for a database never saved', async () => {
    const { name } = freshStore();
    expect(await readStoredImage(name)).toBeUndefined();
    expect(await listBackups(name)).toEqual([]);
  });

  it('converts a store of 0.1.0 before it lists its backups', async () => {
    const { name, raw } = freshStore();
    const image = fileOf(2);
    await setMany(
      [
        ['image', image],
        ['generation', 4],
        [
          'backups',
          [
            {
              id: '3-a',
              reason: 'pre-adopt',
              createdAt: '2026-11-01T00:00:00.000Z',
              generation: 3,
            },
          ],
        ],
        ['backup:3-a', fileOf(2, 7)],
      ],
      raw,
    );
    expect((await listBackups(name)).map((entry) => entry.id)).toEqual(['3-a']);
    expect(Buffer.from((await readStoredImage(name)) ?? []).equals(image)).toBe(true);
  });
});
