import { del, get, set, setMany } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { joinChunks } from '../../../../src/browser/storage/file-chunks.ts';
import {
  BACKUPS_KEPT,
  CHUNK_BYTES,
  type Manifest,
} from '../../../../src/browser/storage/layout.ts';
import {
  backupManifests,
  chunkKeys,
  chunksOf,
  fileOf,
  freshStore,
  referenced,
  storedFile,
} from './store-harness.ts';

describe('the chunk store', () => {
  it('stores a file as chunks and a manifest, and reads it back byte for byte', async () => {
    const { store } = freshStore();
    const file = fileOf(5);
    const saved = await store.save({
      follows: 0,
      fileSize: file.byteLength,
      chunks: chunksOf(file),
    });
    expect(saved.manifest).toEqual({
      generation: 1,
      fileSize: file.byteLength,
      chunkSize: CHUNK_BYTES,
      chunks: [1, 1, 1, 1, 1],
      fileId: expect.any(String),
    });
    expect(saved.bytesWritten).toBe(file.byteLength);
    expect(Buffer.from(await storedFile(store)).equals(file)).toBe(true);
  });

  it('writes only the chunks a save brings, and frees the versions they replace', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(5);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const changed = fileOf(5, 100);
    const saved = await store.save({
      follows: 1,
      fileSize: changed.byteLength,
      chunks: chunksOf(changed, [0, 3]),
    });
    expect(saved.manifest.chunks).toEqual([2, 1, 1, 2, 1]);
    expect(saved.bytesWritten).toBe(2 * CHUNK_BYTES);
    expect(await chunkKeys(raw)).toEqual(referenced(saved.manifest));
    const expected = file.slice();
    expected.set(changed.subarray(0, CHUNK_BYTES), 0);
    expected.set(changed.subarray(3 * CHUNK_BYTES, 4 * CHUNK_BYTES), 3 * CHUNK_BYTES);
    expect(Buffer.from(await storedFile(store)).equals(expected)).toBe(true);
  });

  it('frees the chunks past the end of a file a save cut short', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(5);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const shorter = fileOf(3, 100);
    const saved = await store.save({
      follows: 1,
      fileSize: shorter.byteLength,
      chunks: chunksOf(shorter, [2]),
    });
    expect(saved.manifest.chunks).toEqual([1, 1, 2]);
    expect(await chunkKeys(raw)).toEqual(referenced(saved.manifest));
  });

  it('refuses a save that follows an older generation, and writes nothing', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(3);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    await store.save({ follows: 1, fileSize: file.byteLength, chunks: chunksOf(file, [1]) });
    const before = await chunkKeys(raw);

    await expect(
      store.save({ follows: 1, fileSize: file.byteLength, chunks: chunksOf(fileOf(3, 50), [2]) }),
    ).rejects.toMatchObject({
      name: 'StorageError',
      code: 'CONFLICT',
      storedGeneration: 2,
      readGeneration: 1,
    });

    expect(await chunkKeys(raw)).toEqual(before);
    expect((await store.readManifest())?.generation).toBe(2);
  });

  it('keeps the file a save replaces as a backup that shares every chunk it has in common', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(8);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const migrated = fileOf(8, 7);
    const saved = await store.save({
      follows: 1,
      fileSize: migrated.byteLength,
      chunks: chunksOf(migrated, [0, 6]),
      keepPrevious: 'pre-migration',
    });
    // The backup cost no chunk at all: it is the chunks the save would otherwise have freed.
    expect(saved.bytesWritten).toBe(2 * CHUNK_BYTES);
    const [backup] = await store.listBackups();
    expect(backup).toMatchObject({
      reason: 'pre-migration',
      generation: 1,
      sizeBytes: file.byteLength,
    });
    expect(await chunkKeys(raw)).toEqual(
      referenced(saved.manifest, ...(await backupManifests(raw))),
    );
    expect((await chunkKeys(raw)).length).toBe(10);
    expect(Buffer.from((await store.readBackup(backup?.id ?? '')) ?? []).equals(file)).toBe(true);
  });

  it('keeps the last few backups and frees the chunks only the dropped ones referred to', async () => {
    const { store, raw } = freshStore();
    let generation = 0;
    let file = fileOf(4);
    await store.save({ follows: generation++, fileSize: file.byteLength, chunks: chunksOf(file) });
    for (let round = 1; round <= BACKUPS_KEPT + 2; round++) {
      file = file.slice();
      file.fill(200 + round, 0, CHUNK_BYTES);
      await store.save({
        follows: generation++,
        fileSize: file.byteLength,
        chunks: chunksOf(file, [0]),
        keepPrevious: 'pre-migration',
      });
    }
    const live = await store.readManifest();
    expect((await store.listBackups()).length).toBe(BACKUPS_KEPT);
    expect(await chunkKeys(raw)).toEqual(
      referenced(live as Manifest, ...(await backupManifests(raw))),
    );
    // Chunks 1–3 never changed: one version each, shared by the live file and every backup.
    expect((await chunkKeys(raw)).filter((key) => !key.startsWith('0:'))).toEqual([
      '1:1',
      '2:1',
      '3:1',
    ]);
  });

  it('restores a backup by switching manifests, without writing a chunk', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(4);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const migrated = fileOf(4, 9);
    await store.save({
      follows: 1,
      fileSize: migrated.byteLength,
      chunks: chunksOf(migrated, [2]),
      keepPrevious: 'pre-migration',
    });
    const keysBefore = await chunkKeys(raw);
    const [backup] = await store.listBackups();

    const restored = await store.replace({ backupId: backup?.id ?? '' }, 'pre-restore');

    expect(restored.generation).toBe(3);
    expect(await chunkKeys(raw)).toEqual(keysBefore);
    expect(Buffer.from(await storedFile(store)).equals(file)).toBe(true);
    const list = await store.listBackups();
    expect(list.map((entry) => entry.reason)).toEqual(['pre-restore']);
    const expected = file.slice();
    expected.set(migrated.subarray(2 * CHUNK_BYTES, 3 * CHUNK_BYTES), 2 * CHUNK_BYTES);
    expect(Buffer.from((await store.readBackup(list[0]?.id ?? '')) ?? []).equals(expected)).toBe(
      true,
    );
  });

  it('refuses to restore a backup that is not stored, and changes nothing', async () => {
    const { store } = freshStore();
    const file = fileOf(2);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    await expect(store.replace({ backupId: 'nope' }, 'pre-restore')).rejects.toMatchObject({
      code: 'NO_SUCH_BACKUP',
    });
    expect((await store.readManifest())?.generation).toBe(1);
  });

  it('adopts a given file as the next generation, keeping the current one as a backup', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(3);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const upload = fileOf(6, 40);
    const buffer = new ArrayBuffer(upload.byteLength + 4096);
    new Uint8Array(buffer).set(upload);

    const adopted = await store.replace({ file: buffer, fileSize: upload.byteLength }, 'pre-adopt');

    expect(adopted.backup).toMatchObject({ reason: 'pre-adopt', generation: 1 });
    expect(Buffer.from(await storedFile(store)).equals(upload)).toBe(true);
    expect(Buffer.from((await store.readBackup(adopted.backup?.id ?? '')) ?? []).equals(file)).toBe(
      true,
    );
    expect(await chunkKeys(raw)).toEqual(
      referenced((await store.readManifest()) as Manifest, ...(await backupManifests(raw))),
    );
  });

  it('sweeps away chunks an interrupted replacement staged, when the next one lands', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(2);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    // What a crash between staging an adopted file's chunks and switching manifests leaves.
    await setMany(
      [
        [['chunk', 0, 1.4], new Uint8Array(10)],
        [['chunk', 7, 1.4], new Uint8Array(10)],
      ],
      raw,
    );
    const upload = fileOf(3, 9);
    await store.replace({ file: upload, fileSize: upload.byteLength }, 'pre-adopt');
    expect(await chunkKeys(raw)).toEqual(
      referenced((await store.readManifest()) as Manifest, ...(await backupManifests(raw))),
    );
    expect(Buffer.from(await storedFile(store)).equals(upload)).toBe(true);
  });

  it('takes back the chunks it staged when the space runs out while an adopted file is staged', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(2);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const before = await chunkKeys(raw);
    // The quota runs out at the 100th staged chunk: in the second staging transaction.
    const put = IDBObjectStore.prototype.put;
    let staged = 0;
    IDBObjectStore.prototype.put = function (value: unknown, key?: IDBValidKey) {
      if (Array.isArray(key) && !Number.isInteger(key[2]) && ++staged >= 100)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
    try {
      const upload = fileOf(200, 3);
      await expect(
        store.replace({ file: upload, fileSize: upload.byteLength }, 'pre-adopt'),
      ).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(await chunkKeys(raw)).toEqual(before);
    expect(Buffer.from(await storedFile(store)).equals(file)).toBe(true);
  });

  it('keeps the file’s identity across saves, and gives a replacing file a new one', async () => {
    const { store } = freshStore();
    const file = fileOf(2);
    const first = await store.save({
      follows: 0,
      fileSize: file.byteLength,
      chunks: chunksOf(file),
    });
    const second = await store.save({
      follows: 1,
      fileSize: file.byteLength,
      chunks: chunksOf(fileOf(2, 5), [1]),
      keepPrevious: 'pre-migration',
    });
    expect(second.manifest.fileId).toBe(first.manifest.fileId);

    const upload = fileOf(3, 9);
    await store.replace({ file: upload, fileSize: upload.byteLength }, 'pre-adopt');
    const adopted = (await store.readManifest())?.fileId;
    const [backup] = await store.listBackups();
    await store.replace({ backupId: backup?.id ?? '' }, 'pre-restore');
    const restored = (await store.readManifest())?.fileId;
    expect(new Set([first.manifest.fileId, adopted, restored]).size).toBe(3);
  });

  it('leaves a key of another shape among the chunks alone, and still replaces the file', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(2);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    await set(['chunk', 'notes'], 'not a chunk of ours', raw);
    const upload = fileOf(3, 9);
    await store.replace({ file: upload, fileSize: upload.byteLength }, 'pre-adopt');
    expect(await get(['chunk', 'notes'], raw)).toBe('not a chunk of ours');
    expect(Buffer.from(await storedFile(store)).equals(upload)).toBe(true);
  });

  it('reads only the chunks a caller does not already hold', async () => {
    const { store } = freshStore();
    const file = fileOf(4);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    const held = new Uint8Array(CHUNK_BYTES).fill(0xee);
    const { file: chunks } = await store.readFile({
      reuse: (index) => (index === 1 ? held : undefined),
    });
    const read = chunks === undefined ? new Uint8Array(0) : joinChunks(chunks);
    expect(read[CHUNK_BYTES]).toBe(0xee);
    expect(read[0]).toBe(0);
    expect(read[2 * CHUNK_BYTES]).toBe(2);
  });

  it('says which chunk is missing instead of handing back a file with a hole', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(3);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    await del(['chunk', 1, 1], raw);
    await expect(storedFile(store)).rejects.toMatchObject({
      name: 'StorageError',
      code: 'DAMAGED',
      chunkIndex: 1,
      chunkVersion: 1,
      message: expect.stringContaining('chunk 1'),
    });
  });
});
