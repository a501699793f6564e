import { joinChunks } from '../../../../src/browser/storage/file-chunks.ts';
import 'fake-indexeddb/auto';
import { createStore, get, keys } from 'idb-keyval';
import { indexedDbChunkStore } from '../../../../src/browser/storage/chunk-store.ts';
import { CHUNK_BYTES, type Manifest, storeNames } from '../../../../src/browser/storage/layout.ts';

/** What the storage tests share: a store per test, files of known chunks, and reads of the raw keys. */

let databases = 0;

/** A store of its own for each test, with a raw handle on its keys. */
export function freshStore() {
  const name = `test-${++databases}`;
  const names = storeNames(name);
  const raw = createStore(names.database, names.store);
  return { name, store: indexedDbChunkStore(name), raw };
}

/** A file of `chunks` chunks (the last one short) whose every byte says which chunk it is in. */
export function fileOf(chunks: number, mark = 0): Uint8Array {
  const file = new Uint8Array((chunks - 1) * CHUNK_BYTES + 1000);
  for (let index = 0; index < chunks; index++)
    file.fill((index + mark) & 0xff, index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
  return file;
}

export function chunksOf(file: Uint8Array, indexes?: number[]): Map<number, Uint8Array> {
  const count = Math.ceil(file.byteLength / CHUNK_BYTES);
  return new Map(
    (indexes ?? Array.from({ length: count }, (_, index) => index)).map((index) => [
      index,
      file.slice(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES),
    ]),
  );
}

/** The chunk keys in the store, as `index:version`, sorted. */
export async function chunkKeys(raw: ReturnType<typeof createStore>): Promise<string[]> {
  return (await keys(raw))
    .filter((key): key is [string, number, number] => Array.isArray(key) && key[0] === 'chunk')
    .map(([, index, version]) => `${index}:${version}`)
    .sort();
}

/** The chunk versions the manifests refer to, as `index:version`, sorted. */
export function referenced(...manifests: Manifest[]): string[] {
  const all = new Set<string>();
  for (const manifest of manifests)
    for (const [index, version] of manifest.chunks.entries()) all.add(`${index}:${version}`);
  return [...all].sort();
}

export async function backupManifests(raw: ReturnType<typeof createStore>): Promise<Manifest[]> {
  const list = (await get<{ manifest: Manifest }[]>('backup-list', raw)) ?? [];
  return list.map((entry) => entry.manifest);
}

export async function storedFile(
  store: ReturnType<typeof indexedDbChunkStore>,
): Promise<Uint8Array> {
  const { file } = await store.readFile();
  if (file === undefined) throw new Error('nothing stored');
  return joinChunks(file);
}
