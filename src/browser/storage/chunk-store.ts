import { promisifyRequest } from 'idb-keyval';
import { messageOf, noSuchBackup, StorageError } from '../errors.ts';
import { type FileChunks, joinChunks } from './file-chunks.ts';
import { type ObjectStoreTransactions, objectStore } from './idb.ts';
import {
  asBackupList,
  asManifest,
  BACKUP_LIST_KEY,
  type BackupEntry,
  type BackupReason,
  backupOf,
  CHUNK_BYTES,
  chunkKey,
  chunkKeyRange,
  entryOf,
  MANIFEST_KEY,
  type Manifest,
  newFileId,
  type StoredBackup,
  storeNames,
  withBackup,
} from './layout.ts';
import { convertWholeImage, holdsWholeImage } from './whole-image-format.ts';

/**
 * The database file in IndexedDB, as fixed-size chunks and a manifest of which chunk versions
 * make it up (see `layout.ts`). A save writes only the chunks SQLite changed, as new versions, and
 * the manifest, in one transaction; a backup is a manifest kept on a list, sharing every chunk it
 * has in common with the live file. A chunk version nothing refers to any more is deleted in the
 * transaction that let go of it. The store only runs transactions: when to run them, under which
 * lock, and whom to tell, is the coordinator's (`tabs/coordinator.ts`).
 */

/** What a save writes: the chunks that changed, and what to keep of the file it replaces. */
export interface SaveRequest {
  /** The generation this save follows: the store must still hold it (a compare-and-set). */
  follows: number;
  fileSize: number;
  /** Chunk index → its bytes now; every other chunk below `fileSize` is as stored. */
  chunks: ReadonlyMap<number, Uint8Array>;
  /** Keeps the file being replaced as a backup (a load keeps the file it migrated). */
  keepPrevious?: BackupReason | undefined;
}

/** What a save wrote. */
export interface SaveResult {
  manifest: Manifest;
  /**
   * Bytes of chunks written. Beside them go the manifest (a number per chunk) and, when a backup
   * is kept, the backup list (a manifest per backup).
   */
  bytesWritten: number;
}

/** Where a replacing file comes from: a given file (an adopted upload) or a stored backup. */
export type ReplacementSource =
  | { file: ArrayBuffer | Uint8Array; fileSize: number }
  | { backupId: string };

/** What replacing the file did. */
export interface Replacement {
  generation: number;
  /** The backup the replaced file became; null when nothing was stored before. */
  backup: BackupEntry | null;
}

/** The stored file as one read found it: both undefined before the first save. */
export interface StoredFile {
  manifest: Manifest | undefined;
  /** The chunks IndexedDB returned, as they are (no copy into one buffer). */
  file: FileChunks | undefined;
}

/** How `readFile` puts the file together. */
export interface ReadFileOptions {
  /**
   * A chunk the caller holds already, or undefined to read it: a tab catching up with another's
   * save reads only the chunks that changed.
   */
  reuse?: ((index: number, manifest: Manifest) => Uint8Array | undefined) | undefined;
}

/** Where the database file lives between page loads. */
export interface ChunkStore {
  /** `indexeddb` when saves survive a reload, `memory` when nothing is kept. */
  readonly kind: 'indexeddb' | 'memory';
  /** The live manifest; undefined before the first save (or while the store is in 0.1.0's format). */
  readManifest(): Promise<Manifest | undefined>;
  /**
   * The live manifest and the file it describes, read together in one transaction (so no save
   * can come between them). Throws `StorageError` (`DAMAGED`, `READ_FAILED`) when the store opened
   * but what it holds cannot be read; anything else means IndexedDB itself is unavailable.
   */
  readFile(options?: ReadFileOptions): Promise<StoredFile>;
  /**
   * Converts a store in 0.1.0's format, in one transaction, and returns the generation of the
   * converted file; undefined when there was nothing to convert. Call it under the cross-tab lock.
   */
  convertWholeImage(): Promise<number | undefined>;
  /** Writes a save in one transaction; throws `CONFLICT` when another tab saved first. */
  save(request: SaveRequest): Promise<SaveResult>;
  /** The backups, newest first: metadata only. */
  listBackups(): Promise<BackupEntry[]>;
  readBackup(id: string): Promise<Uint8Array | undefined>;
  /**
   * Makes `source` the file under the next generation and keeps the current file as a backup, in
   * one transaction (a given file's chunks are staged first, a few megabytes per transaction). A
   * restored backup leaves the list: its chunks are the live file's now.
   */
  replace(source: ReplacementSource, reason: BackupReason): Promise<Replacement>;
}

/** Keeps database `name`'s file in its IndexedDB object store. */
export function indexedDbChunkStore(name: string): ChunkStore {
  const names = storeNames(name);
  const objects = objectStore(names.database, names.store);
  return {
    kind: 'indexeddb',
    readManifest: () => objects.read(readManifest),
    readFile: (options = {}) =>
      objects.read(async (store) => {
        // The store opened: a failure from here on is about the stored file, not a browser
        // without IndexedDB, and must not be taken for "nothing stored".
        try {
          const manifest = await readManifest(store);
          if (manifest === undefined) return { manifest: undefined, file: undefined };
          const reuse = options.reuse && ((index: number) => options.reuse?.(index, manifest));
          return { manifest, file: await readChunks(store, manifest, reuse) };
        } catch (error) {
          if (error instanceof StorageError) throw error;
          throw new StorageError(
            'READ_FAILED',
            `The stored database could not be read: ${messageOf(error)}`,
            { cause: error },
          );
        }
      }),
    async convertWholeImage() {
      if (!(await objects.read(holdsWholeImage))) return undefined;
      return convertWholeImage(objects);
    },
    save: (save) => objects.write((store) => writeSave(store, save)),
    async listBackups() {
      return (await objects.read(readBackupList)).map(entryOf);
    },
    readBackup: (id) =>
      objects.read(async (store) => {
        const backup = (await readBackupList(store)).find((entry) => entry.id === id);
        return backup === undefined
          ? undefined
          : joinChunks(await readChunks(store, backup.manifest));
      }),
    async replace(source, reason) {
      if ('backupId' in source)
        return objects.write((store) => writeReplacement(store, source, reason));
      const staged = await stageFile(objects, source.file, source.fileSize);
      try {
        return await objects.write((store) => writeReplacement(store, { staged }, reason));
      } catch (error) {
        await dropStaged(objects, staged.chunks);
        throw error;
      }
    },
  };
}

/**
 * Keeps nothing: for browsers where IndexedDB is missing or blocked, or when asked. A tab on it
 * never saves (`LocalCopy.save` marks its changes kept in memory), so writing refuses.
 */
export function memoryChunkStore(): ChunkStore {
  const refuse = async (): Promise<never> => {
    throw new StorageError('SAVE_FAILED', 'Nothing is stored: this database runs in memory.');
  };
  return {
    kind: 'memory',
    readManifest: async () => undefined,
    readFile: async () => ({ manifest: undefined, file: undefined }),
    convertWholeImage: async () => undefined,
    save: refuse,
    listBackups: async () => [],
    readBackup: async () => undefined,
    replace: refuse,
  };
}

async function readManifest(store: IDBObjectStore): Promise<Manifest | undefined> {
  return asManifest(await promisifyRequest(store.get(MANIFEST_KEY)));
}

async function readBackupList(store: IDBObjectStore): Promise<StoredBackup[]> {
  return (await storedBackupList(store)) ?? [];
}

/** The backup list as stored; undefined when none was ever written. */
async function storedBackupList(store: IDBObjectStore): Promise<StoredBackup[] | undefined> {
  const value = await promisifyRequest(store.get(BACKUP_LIST_KEY));
  return value === undefined ? undefined : asBackupList(value);
}

/**
 * The body of a save's transaction, a compare-and-set: it writes only when the stored generation
 * is still the one the save follows, and throws `CONFLICT` otherwise, so a tab that saves without
 * the cross-tab lock (a browser without Web Locks) can never silently overwrite another tab's
 * newer file. The new chunk versions, the manifest, the backup list and the deletion of what
 * nothing refers to any more all land together, or none of them do.
 */
async function writeSave(store: IDBObjectStore, save: SaveRequest): Promise<SaveResult> {
  const [previous, storedList] = await Promise.all([readManifest(store), storedBackupList(store)]);
  const backups = storedList ?? [];
  if (previous === undefined && (await holdsWholeImage(store)))
    throw new StorageError(
      'SAVE_FAILED',
      'The database stored by version 0.1.0 has not been converted yet; nothing was written over it.',
    );
  const storedGeneration = previous?.generation ?? 0;
  if (storedGeneration !== save.follows)
    throw new StorageError(
      'CONFLICT',
      `Another tab saved the database (generation ${storedGeneration}) since this tab read generation ${save.follows}; nothing was written.`,
      { storedGeneration, readGeneration: save.follows },
    );
  const generation = save.follows + 1;
  const chunkSize = previous?.chunkSize ?? CHUNK_BYTES;
  const count = Math.ceil(save.fileSize / chunkSize);
  const chunks = Array.from({ length: count }, (_, index) => previous?.chunks[index] ?? generation);
  let bytesWritten = 0;
  for (const [index, bytes] of save.chunks) {
    if (index >= count) continue;
    chunks[index] = generation;
    store.put(bytes, chunkKey(index, generation));
    bytesWritten += bytes.byteLength;
  }
  for (let index = 0; index < count; index++)
    if (previous?.chunks[index] === undefined && !save.chunks.has(index))
      throw new Error(`A save that grows the file must bring chunk ${index}.`);
  const manifest: Manifest = {
    generation,
    fileSize: save.fileSize,
    chunkSize,
    chunks,
    // A save keeps the file's identity; only the first save of a new file makes one.
    fileId: previous === undefined ? newFileId() : previous.fileId,
  };
  const kept =
    previous !== undefined && save.keepPrevious !== undefined
      ? withBackup(backups, backupOf(previous, save.keepPrevious))
      : { list: backups, dropped: [] };
  finishWrite(
    store,
    manifest,
    kept.list,
    storedList,
    replaced(previous, manifest, save.chunks, kept.dropped),
  );
  return { manifest, bytesWritten };
}

/**
 * Writes a replacing file's chunks under a version no save ever writes (saves write whole
 * generations; this is a fraction between two, drawn at random, so another replacement racing
 * this one where Web Locks are missing writes other keys). The chunks go in transactions of a
 * few megabytes each: one transaction holding a whole large file would hold every chunk's copy
 * in the page's memory until it commits. Until the manifest refers to them they are unused.
 */
async function stageFile(
  objects: ObjectStoreTransactions,
  source: ArrayBuffer | Uint8Array,
  fileSize: number,
): Promise<StagedFile> {
  const file = source instanceof Uint8Array ? source : new Uint8Array(source, 0, fileSize);
  const follows = (await objects.read(readManifest))?.generation ?? 0;
  const version = follows + 0.25 + Math.random() / 2;
  const count = Math.ceil(fileSize / CHUNK_BYTES);
  const chunks = new Array<number>(count).fill(version);
  // One buffer for every whole chunk: `put` copies what it is given at once, so a buffer per
  // chunk would only leave the garbage collector a file's worth of copies to find.
  const whole = new Uint8Array(CHUNK_BYTES);
  try {
    for (let first = 0; first < count; first += CHUNKS_PER_STAGING_TRANSACTION) {
      await objects.write(async (store) => {
        const last = Math.min(count, first + CHUNKS_PER_STAGING_TRANSACTION);
        for (let index = first; index < last; index++) {
          const start = index * CHUNK_BYTES;
          const end = Math.min(start + CHUNK_BYTES, fileSize);
          if (end - start === CHUNK_BYTES) whole.set(file.subarray(start, end));
          store.put(
            end - start === CHUNK_BYTES ? whole : file.slice(start, end),
            chunkKey(index, version),
          );
        }
      });
    }
  } catch (error) {
    // The transactions that committed before the failure (quota, most often) hold chunks that
    // nothing will refer to: a failed adoption must not keep the space it ran out of.
    await dropStaged(objects, chunks);
    throw error;
  }
  return { follows, fileSize, chunkSize: CHUNK_BYTES, chunks };
}

/**
 * Deletes staged chunks (`chunks[index]` the version of each), which nothing refers to. A failure
 * here, or a crash, leaves them to the next replacement's sweep.
 */
async function dropStaged(
  objects: ObjectStoreTransactions,
  chunks: readonly number[],
): Promise<void> {
  await objects
    .write(async (store) => {
      for (const [index, version] of chunks.entries()) store.delete(chunkKey(index, version));
    })
    .catch(() => {});
}

/** A replacing file's chunks as staged, and the generation they were staged on top of. */
interface StagedFile extends Omit<Manifest, 'generation'> {
  follows: number;
}

/** A few megabytes of chunks: what one staging transaction holds. */
const CHUNKS_PER_STAGING_TRANSACTION = 64;

/**
 * The body of a replacement's transaction (see `ChunkStore.replace`): the staged file or a
 * backup becomes the manifest of the next generation. Chunk versions that nothing refers to
 * afterwards are deleted, those of a replacement a crash interrupted included.
 */
async function writeReplacement(
  store: IDBObjectStore,
  source: { staged: StagedFile } | { backupId: string },
  reason: BackupReason,
): Promise<Replacement> {
  const [previous, storedList, chunkKeys] = await Promise.all([
    readManifest(store),
    storedBackupList(store),
    promisifyRequest(store.getAllKeys(chunkKeyRange())),
  ]);
  const generation = (previous?.generation ?? 0) + 1;
  let backups = storedList ?? [];
  let manifest: Manifest;
  if ('backupId' in source) {
    const restored = backups.find((entry) => entry.id === source.backupId);
    if (restored === undefined) throw noSuchBackup(source.backupId);
    backups = backups.filter((entry) => entry.id !== source.backupId);
    manifest = { ...restored.manifest, generation, fileId: newFileId() };
  } else {
    // Another tab saved since the chunks were staged: they were staged on top of what it replaced.
    if (source.staged.follows !== generation - 1)
      throw new StorageError(
        'CONFLICT',
        `Another tab saved the database (generation ${generation - 1}) while the new file was written; nothing was replaced.`,
        { storedGeneration: generation - 1, readGeneration: source.staged.follows },
      );
    const { fileSize, chunkSize, chunks } = source.staged;
    manifest = { generation, fileSize, chunkSize, chunks, fileId: newFileId() };
  }
  const backup = previous === undefined ? null : backupOf(previous, reason);
  const kept = backup === null ? { list: backups, dropped: [] } : withBackup(backups, backup);
  // Every stored chunk version is a candidate: those of a replacement a crash interrupted too.
  // A key of another shape in that range is not one of ours: it is left alone.
  const storedChunks = chunkKeys.flatMap((key) =>
    Array.isArray(key) && typeof key[1] === 'number' && typeof key[2] === 'number'
      ? [[key[1], key[2]] as const]
      : [],
  );
  finishWrite(store, manifest, kept.list, storedList, storedChunks);
  return { generation, backup: backup === null ? null : entryOf(backup) };
}

/**
 * Writes the manifest, and the backup list unless it is the one `stored`, as read in this
 * transaction: the list holds a manifest per backup, which a save that keeps no backup would write
 * again unchanged. Deletes each of the `candidates` chunk versions that neither the manifest nor a
 * kept backup refers to.
 */
function finishWrite(
  store: IDBObjectStore,
  manifest: Manifest,
  backups: readonly StoredBackup[],
  stored: readonly StoredBackup[] | undefined,
  candidates: Iterable<readonly [index: number, version: number]>,
): void {
  store.put(manifest, MANIFEST_KEY);
  if (backups !== stored) store.put(backups, BACKUP_LIST_KEY);
  const held = [manifest, ...backups.map((entry) => entry.manifest)];
  const deleted = new Set<string>();
  for (const [index, version] of candidates) {
    const key = `${index}:${version}`;
    if (deleted.has(key) || held.some((kept) => kept.chunks[index] === version)) continue;
    deleted.add(key);
    store.delete(chunkKey(index, version));
  }
}

/**
 * The chunk versions a save may have let go: those of `previous` it replaced or cut off, and
 * every chunk of the backups that fell off the list. The others the new manifest still holds, so
 * a save costs what it changed, not what the file holds.
 */
function* replaced(
  previous: Manifest | undefined,
  next: Manifest,
  written: ReadonlyMap<number, Uint8Array>,
  dropped: readonly StoredBackup[],
): Generator<[number, number]> {
  if (previous !== undefined) {
    for (const index of written.keys()) {
      const version = previous.chunks[index];
      if (version !== undefined) yield [index, version];
    }
    for (let index = next.chunks.length; index < previous.chunks.length; index++)
      yield [index, previous.chunks[index] as number];
  }
  for (const backup of dropped) yield* backup.manifest.chunks.entries();
}

/**
 * Reads every chunk of `manifest`, all asked for at once in this transaction, each kept as
 * IndexedDB hands it back.
 */
async function readChunks(
  store: IDBObjectStore,
  manifest: Manifest,
  reuse?: (index: number) => Uint8Array | undefined,
): Promise<FileChunks> {
  const file: FileChunks = {
    size: manifest.fileSize,
    chunkSize: manifest.chunkSize,
    chunks: new Array<Uint8Array | undefined>(manifest.chunks.length),
  };
  const reads: Promise<void>[] = [];
  for (const [index, version] of manifest.chunks.entries()) {
    const held = reuse?.(index);
    if (held !== undefined) {
      file.chunks[index] = held;
      continue;
    }
    reads[index] = promisifyRequest(store.get(chunkKey(index, version))).then((bytes) => {
      const expected = Math.min(manifest.chunkSize, manifest.fileSize - index * manifest.chunkSize);
      if (!(bytes instanceof Uint8Array) || bytes.byteLength !== expected)
        throw new StorageError(
          'DAMAGED',
          bytes === undefined
            ? `The stored database is missing chunk ${index} (version ${version}); restore a backup.`
            : `The stored database's chunk ${index} (version ${version}) is damaged: it holds ${bytes instanceof Uint8Array ? bytes.byteLength : 0} bytes, not ${expected}; restore a backup.`,
          { chunkIndex: index, chunkVersion: version },
        );
      file.chunks[index] = bytes;
    });
  }
  await Promise.all(reads);
  return file;
}
