import { type createStore, getMany, keys, set, setMany } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, type Manifest } from '../../../../src/browser/storage/layout.ts';
import { memoryDatabase } from '../../../helpers/sqljs.ts';
import {
  backupManifests,
  chunkKeys,
  chunksOf,
  fileOf,
  freshStore,
  referenced,
  storedFile,
} from './store-harness.ts';

describe('a store in 0.1.0’s format', () => {
  /** What 0.1.0 wrote: the whole image, its generation, and whole backups listed beside it. */
  async function storeOf010(raw: ReturnType<typeof createStore>) {
    const live = fileOf(6);
    const older = live.slice();
    older.fill(77, 2 * CHUNK_BYTES, 3 * CHUNK_BYTES);
    const adopted = fileOf(3, 5);
    const backups = [
      {
        id: '7-a',
        reason: 'pre-migration',
        createdAt: '2026-11-01T00:00:00.000Z',
        sizeBytes: older.byteLength,
        generation: 7,
      },
      {
        id: '4-b',
        reason: 'pre-adopt',
        createdAt: '2026-10-01T00:00:00.000Z',
        sizeBytes: adopted.byteLength,
        generation: 4,
      },
    ];
    await setMany(
      [
        ['image', live],
        ['generation', 8],
        ['backups', backups],
        ['backup:7-a', older],
        // 0.1.0 stored an adopted upload's image as a Blob.
        ['backup:4-b', new Blob([adopted as Uint8Array<ArrayBuffer>])],
      ],
      raw,
    );
    return { live, older, adopted };
  }

  it('is converted in one go: the file, its generation and every backup, byte for byte', async () => {
    const { store, raw } = freshStore();
    const { live, older, adopted } = await storeOf010(raw);

    expect(await store.readManifest()).toBeUndefined();
    expect(await store.convertWholeImage()).toBe(9);

    const manifest = (await store.readManifest()) as Manifest;
    // The conversion is a save of its own: tabs holding generation 8 see that it changed.
    expect(manifest.generation).toBe(9);
    expect(Buffer.from(await storedFile(store)).equals(live)).toBe(true);
    const list = await store.listBackups();
    expect(list.map(({ id, reason, generation }) => ({ id, reason, generation }))).toEqual([
      { id: '7-a', reason: 'pre-migration', generation: 7 },
      { id: '4-b', reason: 'pre-adopt', generation: 4 },
    ]);
    expect(Buffer.from((await store.readBackup('7-a')) ?? []).equals(older)).toBe(true);
    expect(Buffer.from((await store.readBackup('4-b')) ?? []).equals(adopted)).toBe(true);
    const left = (await keys(raw))
      .filter((key) => !Array.isArray(key))
      .map(String)
      .sort();
    // 0.1.0's backups are gone; its `image` and `generation` hold the tombstone.
    expect(left).toEqual(['backup-list', 'generation', 'image', 'manifest']);
  });

  it('leaves a tombstone that refuses every save of a tab of 0.1.0 still open', async () => {
    const { store, raw } = freshStore();
    await storeOf010(raw);
    await store.convertWholeImage();
    const [generation, image] = await getMany(['generation', 'image'], raw);
    // 0.1.0's compare-and-set: the stored generation (a number, else 0) must be the one the save
    // follows. No generation a tab can hold passes it, 0 (a tab that found nothing) included.
    const stored = typeof generation === 'number' ? generation : 0;
    for (const follows of [0, 1, 8, 9, 10, Number.MAX_SAFE_INTEGER])
      expect(stored === follows, `a save that follows generation ${follows}`).toBe(false);
    // When refused, 0.1.0 reads the image again and opens it: SQLite refuses it, so the tab stops
    // writing (and asks to be reloaded) rather than start an empty database beside the new one.
    const db = memoryDatabase(image as Uint8Array);
    try {
      expect(() => db.exec('SELECT name FROM sqlite_master')).toThrow(/not a database/);
    } finally {
      db.close();
    }
  });

  it('keeps its tombstone through later saves, and is not converted again', async () => {
    const { store, raw } = freshStore();
    const { live } = await storeOf010(raw);
    await store.convertWholeImage();
    await store.save({ follows: 9, fileSize: live.byteLength, chunks: chunksOf(live, [0]) });
    expect(await store.convertWholeImage()).toBeUndefined();
    const [generation] = await getMany(['generation'], raw);
    expect(generation).toBeNaN();
    expect(Buffer.from(await storedFile(store)).equals(live)).toBe(true);
  });

  it('shares a backup’s chunks that equal the live file’s instead of copying them', async () => {
    const { store, raw } = freshStore();
    await storeOf010(raw);
    await store.convertWholeImage();
    // 6 live chunks, the older backup's one different chunk, the adopted upload's 3.
    expect((await chunkKeys(raw)).length).toBe(6 + 1 + 3);
    expect(await chunkKeys(raw)).toEqual(
      referenced((await store.readManifest()) as Manifest, ...(await backupManifests(raw))),
    );
  });

  it('carries on from its generation: the next save follows it', async () => {
    const { store, raw } = freshStore();
    const { live } = await storeOf010(raw);
    await store.convertWholeImage();
    const saved = await store.save({
      follows: 9,
      fileSize: live.byteLength,
      chunks: chunksOf(live, [0]),
    });
    expect(saved.manifest.generation).toBe(10);
  });

  it('is left alone when there is nothing of that format', async () => {
    const { store, raw } = freshStore();
    await set('unrelated', 1, raw);
    expect(await store.convertWholeImage()).toBeUndefined();
    expect(await store.readManifest()).toBeUndefined();
  });
});
