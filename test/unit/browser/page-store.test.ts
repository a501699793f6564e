import 'fake-indexeddb/auto';
import { createStore, del, get, keys, set, setMany } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  BACKUPS_KEPT,
  CHUNK_BYTES,
  indexedDbPageStore,
  type Manifest,
  storeNames,
} from '../../../src/browser/page-store.ts';

let databases = 0;

/** A store of its own for each test, with a raw handle on its keys. */
function freshStore() {
  const name = `test-${++databases}`;
  const names = storeNames(name);
  const raw = createStore(names.database, names.store);
  return { name, store: indexedDbPageStore(name), raw };
}

/** A file of `chunks` chunks (the last one short) whose every byte says which chunk it is in. */
function fileOf(chunks: number, mark = 0): Uint8Array {
  const file = new Uint8Array((chunks - 1) * CHUNK_BYTES + 1000);
  for (let index = 0; index < chunks; index++)
    file.fill((index + mark) & 0xff, index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
  return file;
}

function chunksOf(file: Uint8Array, indexes?: number[]): Map<number, Uint8Array> {
  const count = Math.ceil(file.byteLength / CHUNK_BYTES);
  return new Map(
    (indexes ?? Array.from({ length: count }, (_, index) => index)).map((index) => [
      index,
      file.slice(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES),
    ]),
  );
}

/** The chunk keys in the store, as `index:version`, sorted. */
async function chunkKeys(raw: ReturnType<typeof createStore>): Promise<string[]> {
  return (await keys(raw))
    .filter((key): key is [string, number, number] => Array.isArray(key) && key[0] === 'chunk')
    .map(([, index, version]) => `${index}:${version}`)
    .sort();
}

/** The chunk versions the manifests refer to, as `index:version`, sorted. */
function referenced(...manifests: Manifest[]): string[] {
  const all = new Set<string>();
  for (const manifest of manifests)
    for (const [index, version] of manifest.chunks.entries()) all.add(`${index}:${version}`);
  return [...all].sort();
}

async function backupManifests(raw: ReturnType<typeof createStore>): Promise<Manifest[]> {
  const list = (await get<{ manifest: Manifest }[]>('backup-list', raw)) ?? [];
  return list.map((entry) => entry.manifest);
}

async function storedFile(store: ReturnType<typeof indexedDbPageStore>): Promise<Uint8Array> {
  const { file } = await store.readCurrent(false);
  if (file === undefined) throw new Error('nothing stored');
  return file;
}

describe('the page store', () => {
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

  it('refuses a save that follows an older generation, and writes nothing', async () => {
    const { store, raw } = freshStore();
    const file = fileOf(3);
    await store.save({ follows: 0, fileSize: file.byteLength, chunks: chunksOf(file) });
    await store.save({ follows: 1, fileSize: file.byteLength, chunks: chunksOf(file, [1]) });
    const before = await chunkKeys(raw);

    await expect(
      store.save({ follows: 1, fileSize: file.byteLength, chunks: chunksOf(fileOf(3, 50), [2]) }),
    ).rejects.toMatchObject({ name: 'DatabaseError', code: 'CONFLICT' });

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
    const { file: read = new Uint8Array(0) } = await store.readCurrent(false, (index) =>
      index === 1 ? held : undefined,
    );
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
      code: 'OPEN_FAILED',
      message: expect.stringContaining('chunk 1'),
    });
  });
});

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
    expect(await store.convertFirstFormat()).toBe(true);

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
    expect(left).toEqual(['backup-list', 'manifest']);
  });

  it('shares a backup’s chunks that equal the live file’s instead of copying them', async () => {
    const { store, raw } = freshStore();
    await storeOf010(raw);
    await store.convertFirstFormat();
    // 6 live chunks, the older backup's one different chunk, the adopted upload's 3.
    expect((await chunkKeys(raw)).length).toBe(6 + 1 + 3);
    expect(await chunkKeys(raw)).toEqual(
      referenced((await store.readManifest()) as Manifest, ...(await backupManifests(raw))),
    );
  });

  it('carries on from its generation: the next save follows it', async () => {
    const { store, raw } = freshStore();
    const { live } = await storeOf010(raw);
    await store.convertFirstFormat();
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
    expect(await store.convertFirstFormat()).toBe(false);
    expect(await store.readManifest()).toBeUndefined();
  });
});
