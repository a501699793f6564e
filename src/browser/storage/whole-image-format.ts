import { promisifyRequest } from 'idb-keyval';
import { messageOf, StorageError } from '../errors.ts';
import type { ObjectStoreTransactions } from './idb.ts';
import {
  BACKUP_LIST_KEY,
  type BackupReason,
  CHUNK_BYTES,
  chunkKey,
  MANIFEST_KEY,
  type Manifest,
  newFileId,
  type StoredBackup,
} from './layout.ts';

/**
 * The format version 0.1.0 stored a database in: the whole file as one image under `image`, a
 * `generation` beside it, and each backup's whole image under `backup:<id>`, listed under
 * `backups`. A store in that format is converted to chunks on its first load by this version, in
 * one transaction, its backups included: a backup's chunk that equals the live file's is shared
 * rather than copied.
 *
 * The conversion leaves a tombstone under the old keys for tabs of 0.1.0 still open, which may
 * never hear of it (a browser without BroadcastChannel): see `FIRST_FORMAT_TOMBSTONE`.
 */

const IMAGE_KEY = 'image';
const GENERATION_KEY = 'generation';
const BACKUPS_KEY = 'backups';

function backupKey(id: string): string {
  return `backup:${id}`;
}

/**
 * What the conversion leaves under 0.1.0's keys, so that a tab of 0.1.0 still open can never save
 * beside the converted file. 0.1.0 saves with a compare-and-set on `generation` (a number, or 0
 * when there is none): with the key gone, a tab that read generation 0 would save, and one that
 * was refused would read again, find no `image`, and save an empty database there. NaN equals
 * no generation, so every save of 0.1.0 is refused; the image it then reads again is not a SQLite
 * file, so SQLite refuses to open it and the tab stops writing and asks to be reloaded (on a
 * fresh load, 0.1.0 fails to open). This version never reads these keys beside a manifest.
 */
const FIRST_FORMAT_TOMBSTONE = {
  generation: Number.NaN,
  image: new TextEncoder().encode(
    'sqljs-migrate: this database is stored in chunks by a newer version of the app (see the key "manifest"). Reload the page to open it.',
  ),
} as const;

/**
 * True when the store holds a database in 0.1.0's format and none in this version's: keys of the
 * old format beside a manifest are the conversion's tombstone, and are left alone. Counted, not
 * read: the old image may be tens of megabytes.
 */
export async function holdsWholeImage(objects: IDBObjectStore): Promise<boolean> {
  const [images, manifests] = await Promise.all([
    promisifyRequest(objects.count(IMAGE_KEY)),
    promisifyRequest(objects.count(MANIFEST_KEY)),
  ]);
  return images > 0 && manifests === 0;
}

/**
 * Converts a store in 0.1.0's format and returns the generation the converted database has (one
 * more than the old one's: the conversion is a save), or undefined when there was nothing to
 * convert; call it under the cross-tab lock. Images stored as Blobs (adopted uploads) are read
 * outside any transaction, so the conversion reads first and writes second, and writes only if
 * nothing changed in between (a tab of 0.1.0 may still be open). Throws `CONVERSION_FAILED` when it
 * cannot convert: the old keys are then as they were, and nothing may be saved over them.
 */
export async function convertWholeImage(
  objects: ObjectStoreTransactions,
): Promise<number | undefined> {
  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const read = await objects.read(readWholeImage);
      if (read === undefined) return undefined;
      const live = await bytesOf(read.image);
      if (live === undefined) return undefined;
      const backups = await Promise.all(
        read.backups.map(async (entry) => ({ entry, bytes: await bytesOf(entry.image) })),
      );
      const outcome = await objects.write(async (store) => {
        const [manifests, generation] = await Promise.all([
          promisifyRequest(store.count(MANIFEST_KEY)),
          promisifyRequest(store.get(GENERATION_KEY)),
        ]);
        if (manifests > 0) return 'converted elsewhere';
        // A tab of 0.1.0 saved since the read: read again.
        if (asGeneration(generation) !== read.generation) return 'changed';
        writeConverted(store, read, live, backups);
        return 'converted';
      });
      if (outcome === 'converted') return read.generation + 1;
      if (outcome === 'converted elsewhere') return undefined;
    }
    throw new Error('a tab of the older version kept saving while it was converted');
  } catch (error) {
    throw new StorageError(
      'CONVERSION_FAILED',
      `The database stored by version 0.1.0 could not be converted to this version's format (${messageOf(error)}); nothing was lost: it is stored as it was, and the next load tries again.`,
      { cause: error },
    );
  }
}

interface WholeImage {
  image: unknown;
  generation: number;
  backups: {
    id: string;
    reason: BackupReason;
    createdAt: string;
    generation: number;
    image: unknown;
  }[];
}

async function readWholeImage(objects: IDBObjectStore): Promise<WholeImage | undefined> {
  const [image, generation, list] = await Promise.all([
    promisifyRequest(objects.get(IMAGE_KEY)),
    promisifyRequest(objects.get(GENERATION_KEY)),
    promisifyRequest(objects.get(BACKUPS_KEY)),
  ]);
  if (!isImage(image)) return undefined;
  const entries = Array.isArray(list) ? list.filter(isBackupEntry) : [];
  const images = await Promise.all(
    entries.map((entry) => promisifyRequest(objects.get(backupKey(entry.id)))),
  );
  return {
    image,
    generation: asGeneration(generation),
    backups: entries.map((entry, index) => ({ ...entry, image: images[index] })),
  };
}

function writeConverted(
  objects: IDBObjectStore,
  read: WholeImage,
  live: Uint8Array,
  backups: { entry: WholeImage['backups'][number]; bytes: Uint8Array | undefined }[],
): void {
  // The conversion is a save: the next generation, so tabs that hold the old one know it changed.
  const generation = read.generation + 1;
  const manifest = writeChunks(objects, live, generation, generation);
  const list: StoredBackup[] = [];
  // A backup's own chunk versions are numbered below zero: every later save writes a larger one.
  for (const [position, { entry, bytes }] of backups.entries()) {
    if (bytes === undefined) continue;
    const backupManifest = writeChunks(objects, bytes, -(position + 1), entry.generation, {
      live,
      manifest,
    });
    list.push({
      id: entry.id,
      reason: entry.reason,
      createdAt: entry.createdAt,
      sizeBytes: bytes.byteLength,
      generation: entry.generation,
      manifest: backupManifest,
    });
  }
  objects.put(manifest, MANIFEST_KEY);
  objects.put(list, BACKUP_LIST_KEY);
  objects.put(FIRST_FORMAT_TOMBSTONE.image.slice(), IMAGE_KEY);
  objects.put(FIRST_FORMAT_TOMBSTONE.generation, GENERATION_KEY);
  objects.delete(BACKUPS_KEY);
  for (const { entry } of backups) objects.delete(backupKey(entry.id));
}

/**
 * Writes `file` as chunks of version `version`, except those equal to the same chunk of `shared`
 * (which are referred to instead), and returns its manifest.
 */
function writeChunks(
  objects: IDBObjectStore,
  file: Uint8Array,
  version: number,
  generation: number,
  shared?: { live: Uint8Array; manifest: Manifest },
): Manifest {
  const count = Math.ceil(file.byteLength / CHUNK_BYTES);
  const chunks: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = index * CHUNK_BYTES;
    const bytes = file.subarray(start, Math.min(start + CHUNK_BYTES, file.byteLength));
    const sharedVersion = shared?.manifest.chunks[index];
    if (
      shared !== undefined &&
      sharedVersion !== undefined &&
      equalBytes(bytes, shared.live.subarray(start, start + CHUNK_BYTES))
    ) {
      chunks.push(sharedVersion);
      continue;
    }
    objects.put(bytes.slice(), chunkKey(index, version));
    chunks.push(version);
  }
  return {
    generation,
    fileSize: file.byteLength,
    chunkSize: CHUNK_BYTES,
    chunks,
    fileId: newFileId(),
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An image's bytes; 0.1.0 stored adopted uploads as Blobs. */
async function bytesOf(value: unknown): Promise<Uint8Array | undefined> {
  if (value instanceof Uint8Array) return value;
  if (typeof Blob !== 'undefined' && value instanceof Blob)
    return new Uint8Array(await value.arrayBuffer());
  return undefined;
}

function isImage(value: unknown): boolean {
  return value instanceof Uint8Array || (typeof Blob !== 'undefined' && value instanceof Blob);
}

function isBackupEntry(value: unknown): value is Omit<WholeImage['backups'][number], 'image'> {
  const entry = value as Record<string, unknown> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    typeof entry.reason === 'string' &&
    typeof entry.createdAt === 'string' &&
    typeof entry.generation === 'number'
  );
}

function asGeneration(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
