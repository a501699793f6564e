import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { DatabaseError, messageOf } from './database-error.ts';
import { convertFirstFormat, holdsFirstFormat } from './first-store-format.ts';
import { announceSave } from './tabs.ts';
import { bufferWithRoom } from './tracked-file.ts';

/**
 * The database file in IndexedDB, as fixed-size chunks and a manifest of which chunk versions
 * make it up. A save writes only the chunks SQLite changed, as new versions, and the manifest, in
 * one transaction; a backup is a manifest kept on a list, sharing every chunk it has in common
 * with the live file. A chunk version nothing refers to any more is deleted in the transaction
 * that let go of it.
 */

/**
 * How long a chunk is: a load reads every chunk, and a save writes the ones SQLite changed, so
 * smaller chunks make loads slower and larger ones make a one-row save write more. It stays just
 * under 64 KiB, where Chromium starts compressing a value and stores one it cannot compress as a
 * file of its own, which makes a file of photos or encrypted data load far more slowly; and it
 * is a whole number of 4 KiB pages (SQLite's default size), so such a page lies in one chunk.
 * The size was chosen by measurement (`BENCH_ONLY=chunks npm run bench`; see bench/README.md).
 */
export const CHUNK_BYTES = 60 * 1024;

/** How many backups a store keeps; the oldest go first. */
export const BACKUPS_KEPT = 3;

/** Which chunk versions make up one stored file. */
export interface Manifest {
  /** Counts saves of the database by any tab: each writes the previous generation plus one. */
  generation: number;
  fileSize: number;
  chunkSize: number;
  /** `chunks[i]` is the version of chunk `i`: the generation of the save that wrote it. */
  chunks: number[];
  /**
   * Which file this is: new whenever a file replaces the stored one wholesale (an adopted
   * upload, a restored backup, a conversion from 0.1.0's format), kept by every save. A tab that
   * finds another one knows the file was replaced, whether or not it heard that announced.
   * Missing from manifests stored before it was kept.
   */
  fileId?: string;
}

/** A new `Manifest.fileId`. */
export function newFileId(): string {
  return crypto.randomUUID();
}

/** Why an image was kept. */
export type BackupReason =
  /** The file as it was before a load migrated it. */
  | 'pre-migration'
  /** The file an adopted upload replaced. */
  | 'pre-adopt'
  /** The file a restored backup replaced. */
  | 'pre-restore';

/** One stored backup, as `listBackups` returns it. */
export interface BackupEntry {
  /** Names the backup for `readBackup` and `restoreBackup`. */
  id: string;
  reason: BackupReason;
  /** When the backup was made, ISO 8601. */
  createdAt: string;
  sizeBytes: number;
  /** The generation the file had while it was the database. */
  generation: number;
}

/** A backup as the store keeps it: its entry and the manifest of its chunks. */
export interface StoredBackup extends BackupEntry {
  manifest: Manifest;
}

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
  /** Bytes of chunks written (the manifest and backup list are a few kilobytes beside them). */
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

/** Where the database file lives between page loads. */
export interface PageStore {
  /** `indexeddb` when saves survive a reload, `memory` when nothing is kept. */
  readonly kind: 'indexeddb' | 'memory';
  /** The live manifest; undefined before the first save (or while the store is in 0.1.0's format). */
  readManifest(): Promise<Manifest | undefined>;
  /**
   * Converts a store in 0.1.0's format, in one transaction, and tells the other tabs, which
   * reload; true when it did. Call it under the cross-tab lock.
   */
  convertFirstFormat(): Promise<boolean>;
  /** The stored generation alone, without converting anything: a cheap check for a newer save. */
  readGeneration(): Promise<number>;
  /**
   * The live manifest and the file it describes, read together in one transaction (so no save
   * can come between them); both undefined before the first save. With `withRoom`, the file is at
   * the start of a buffer with room to grow after it (see `bufferWithRoom`). `reuse(index,
   * manifest)` may supply a chunk the caller holds already (a tab catching up with another's save
   * reads only the chunks that changed).
   */
  readCurrent(
    withRoom: boolean,
    reuse?: (index: number, manifest: Manifest) => Uint8Array | undefined,
  ): Promise<{ manifest: Manifest | undefined; file: Uint8Array | undefined }>;
  /** Writes a save in one transaction; throws `CONFLICT` when another tab saved first. */
  save(request: SaveRequest): Promise<SaveResult>;
  /** The backups, newest first: metadata only. */
  listBackups(): Promise<BackupEntry[]>;
  readBackup(id: string): Promise<Uint8Array | undefined>;
  /**
   * Makes `source` the file under the next generation and keeps the current file as a backup, in
   * one transaction. A restored backup leaves the list: its chunks are the live file's now.
   */
  replace(source: ReplacementSource, reason: BackupReason): Promise<Replacement>;
}

/** The IndexedDB database and object store names, for tools and tests that read the file. */
export function storeNames(name: string): { database: string; store: string } {
  return { database: `sqljs-migrate:${name}`, store: 'images' };
}

/** Keys inside the store. */
export const MANIFEST_KEY = 'manifest';
export const BACKUP_LIST_KEY = 'backup-list';

/** The key of one chunk version. */
export function chunkKey(index: number, version: number): [string, number, number] {
  return ['chunk', index, version];
}

/** Keeps the database file in one IndexedDB object store. */
export function indexedDbPageStore(name: string): PageStore {
  const names = storeNames(name);
  let store: UseStore | undefined;
  // createStore opens lazily, and a missing `indexedDB` global throws synchronously on first
  // use; the async functions below turn both into rejections.
  const useStore = (): UseStore => {
    store ??= createStore(names.database, names.store);
    return store;
  };
  const readOnly = <T>(work: (objects: IDBObjectStore) => Promise<T>) =>
    useStore()('readonly', work);
  return {
    kind: 'indexeddb',
    async readManifest() {
      const manifest = await readOnly((objects) => request(objects.get(MANIFEST_KEY)));
      return isManifest(manifest) ? manifest : undefined;
    },
    async convertFirstFormat() {
      if (!(await readOnly(holdsFirstFormat))) return false;
      const generation = await convertFirstFormat(useStore());
      if (generation === undefined) return false;
      // Tabs of 0.1.0 read the old keys, now gone: they stop writing and reload.
      announceSave(name, { type: 'saved', generation, replaced: true });
      return true;
    },
    async readGeneration() {
      const manifest = await readOnly((objects) => request(objects.get(MANIFEST_KEY)));
      return isManifest(manifest) ? manifest.generation : 0;
    },
    readCurrent(withRoom, reuse) {
      return readOnly(async (objects) => {
        // The store opened: a failure from here on is about the stored file, not a browser
        // without IndexedDB, and must not be taken for "nothing stored".
        try {
          const manifest = await request(objects.get(MANIFEST_KEY));
          if (!isManifest(manifest)) return { manifest: undefined, file: undefined };
          const room = withRoom ? manifest.fileSize : 0;
          const held = reuse && ((index: number) => reuse(index, manifest));
          return { manifest, file: await readChunksInto(objects, manifest, room, held) };
        } catch (error) {
          if (error instanceof DatabaseError) throw error;
          throw new DatabaseError(
            'OPEN_FAILED',
            `The stored database could not be read: ${messageOf(error)}`,
            { cause: error },
          );
        }
      });
    },
    save(save) {
      return readWrite(useStore(), (objects) => writeSave(objects, save));
    },
    async listBackups() {
      const list = await readOnly((objects) => request(objects.get(BACKUP_LIST_KEY)));
      return asBackupList(list).map(entryOf);
    },
    readBackup(id) {
      return readOnly(async (objects) => {
        const backup = asBackupList(await request(objects.get(BACKUP_LIST_KEY))).find(
          (entry) => entry.id === id,
        );
        return backup === undefined ? undefined : readChunksInto(objects, backup.manifest, 0);
      });
    },
    async replace(source, reason) {
      if ('backupId' in source)
        return readWrite(useStore(), (objects) => writeReplacement(objects, source, reason));
      const staged = await stageFile(useStore(), source.file, source.fileSize);
      try {
        return await readWrite(useStore(), (objects) =>
          writeReplacement(objects, { staged }, reason),
        );
      } catch (error) {
        await dropStaged(useStore(), staged.chunks);
        throw error;
      }
    },
  };
}

/** Keeps nothing: for browsers where IndexedDB is missing or blocked, or when asked. */
export function memoryPageStore(): PageStore {
  const nothing = async () => undefined;
  return {
    kind: 'memory',
    readManifest: nothing,
    readCurrent: async () => ({ manifest: undefined, file: undefined }),
    convertFirstFormat: async () => false,
    readGeneration: async () => 0,
    async save({ follows, fileSize }) {
      return {
        manifest: { generation: follows + 1, fileSize, chunkSize: 0, chunks: [] },
        bytesWritten: 0,
      };
    },
    listBackups: async () => [],
    readBackup: nothing,
    async replace() {
      throw new DatabaseError('SAVE_FAILED', 'Nothing is stored: this database runs in memory.');
    },
  };
}

/**
 * The body of a save's transaction, a compare-and-set: it writes only when the stored generation
 * is still the one the save follows, and throws `CONFLICT` otherwise, so a tab that saves without
 * the cross-tab lock (a browser without Web Locks) can never silently overwrite another tab's
 * newer file. The new chunk versions, the manifest, the backup list and the deletion of what
 * nothing refers to any more all land together, or none of them do.
 */
export async function writeSave(objects: IDBObjectStore, save: SaveRequest): Promise<SaveResult> {
  const [stored, list] = await Promise.all([
    request(objects.get(MANIFEST_KEY)),
    request(objects.get(BACKUP_LIST_KEY)),
  ]);
  const previous = isManifest(stored) ? stored : undefined;
  if (previous === undefined && (await holdsFirstFormat(objects)))
    throw new DatabaseError(
      'SAVE_FAILED',
      'The database stored by version 0.1.0 has not been converted yet; nothing was written over it.',
    );
  const storedGeneration = previous?.generation ?? 0;
  if (storedGeneration !== save.follows)
    throw new DatabaseError(
      'CONFLICT',
      `Another tab saved the database (generation ${storedGeneration}) since this tab read generation ${save.follows}; nothing was written.`,
    );
  const generation = save.follows + 1;
  const chunkSize = previous?.chunkSize ?? CHUNK_BYTES;
  const count = Math.ceil(save.fileSize / chunkSize);
  const chunks = Array.from({ length: count }, (_, index) => previous?.chunks[index] ?? generation);
  let bytesWritten = 0;
  for (const [index, bytes] of save.chunks) {
    if (index >= count) continue;
    chunks[index] = generation;
    objects.put(bytes, chunkKey(index, generation));
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
  const backups = asBackupList(list);
  const kept =
    previous !== undefined && save.keepPrevious !== undefined
      ? withBackup(backups, backupOf(previous, save.keepPrevious))
      : { list: backups, dropped: [] };
  finishWrite(
    objects,
    manifest,
    kept.list,
    chunksOf(previous, ...kept.dropped.map((entry) => entry.manifest)),
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
  useStore: UseStore,
  source: ArrayBuffer | Uint8Array,
  fileSize: number,
): Promise<StagedFile> {
  const file = source instanceof Uint8Array ? source : new Uint8Array(source, 0, fileSize);
  const stored = await useStore('readonly', (objects) => request(objects.get(MANIFEST_KEY)));
  const follows = isManifest(stored) ? stored.generation : 0;
  const version = follows + 0.25 + Math.random() / 2;
  const count = Math.ceil(fileSize / CHUNK_BYTES);
  const chunks = new Array<number>(count).fill(version);
  try {
    for (let first = 0; first < count; first += CHUNKS_PER_STAGING_TRANSACTION) {
      await readWrite(useStore, async (objects) => {
        const last = Math.min(count, first + CHUNKS_PER_STAGING_TRANSACTION);
        for (let index = first; index < last; index++) {
          const start = index * CHUNK_BYTES;
          objects.put(
            file.slice(start, Math.min(start + CHUNK_BYTES, fileSize)),
            chunkKey(index, version),
          );
        }
      });
    }
  } catch (error) {
    // The transactions that committed before the failure (quota, most often) hold chunks that
    // nothing will refer to: a failed adoption must not keep the space it ran out of.
    await dropStaged(useStore, chunks);
    throw error;
  }
  return { follows, fileSize, chunkSize: CHUNK_BYTES, chunks };
}

/**
 * Deletes staged chunks (`chunks[index]` the version of each), which nothing refers to. A failure
 * here, or a crash, leaves them to the next replacement's sweep.
 */
async function dropStaged(useStore: UseStore, chunks: readonly number[]): Promise<void> {
  await readWrite(useStore, async (objects) => {
    for (const [index, version] of chunks.entries()) objects.delete(chunkKey(index, version));
  }).catch(() => {});
}

/** A replacing file's chunks as staged, and the generation they were staged on top of. */
interface StagedFile extends Omit<Manifest, 'generation'> {
  follows: number;
}

/** A few megabytes of chunks: what one staging transaction holds. */
const CHUNKS_PER_STAGING_TRANSACTION = 64;

/**
 * The body of a replacement's transaction (see `PageStore.replace`): the staged file or a
 * backup becomes the manifest of the next generation. Chunk versions that nothing refers to
 * afterwards are deleted, those of a replacement a crash interrupted included.
 */
async function writeReplacement(
  objects: IDBObjectStore,
  source: { staged: StagedFile } | { backupId: string },
  reason: BackupReason,
): Promise<Replacement> {
  // Every chunk key: `['chunk', …]` sorts after `['chunk']` and before `['chunk', []]`.
  const [stored, list, chunkKeys] = await Promise.all([
    request(objects.get(MANIFEST_KEY)),
    request(objects.get(BACKUP_LIST_KEY)),
    request(objects.getAllKeys(IDBKeyRange.bound(['chunk'], ['chunk', []]))),
  ]);
  const previous = isManifest(stored) ? stored : undefined;
  const generation = (previous?.generation ?? 0) + 1;
  let backups = asBackupList(list);
  let manifest: Manifest;
  if ('backupId' in source) {
    const restored = backups.find((entry) => entry.id === source.backupId);
    if (restored === undefined)
      throw new DatabaseError('NO_SUCH_BACKUP', `No backup ${source.backupId} is stored any more.`);
    backups = backups.filter((entry) => entry.id !== source.backupId);
    manifest = { ...restored.manifest, generation, fileId: newFileId() };
  } else {
    // Another tab saved since the chunks were staged: they were staged on top of what it replaced.
    if (source.staged.follows !== generation - 1)
      throw new DatabaseError(
        'CONFLICT',
        `Another tab saved the database (generation ${generation - 1}) while the new file was written; nothing was replaced.`,
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
  finishWrite(objects, manifest, kept.list, storedChunks);
  return { generation, backup: backup === null ? null : entryOf(backup) };
}

/**
 * Writes the manifest and the backup list, and deletes each of the `candidates` chunk versions
 * that neither the manifest nor a kept backup refers to.
 */
function finishWrite(
  objects: IDBObjectStore,
  manifest: Manifest,
  backups: readonly StoredBackup[],
  candidates: Iterable<readonly [index: number, version: number]>,
): void {
  objects.put(manifest, MANIFEST_KEY);
  objects.put(backups, BACKUP_LIST_KEY);
  const kept = new Set<string>();
  for (const held of [manifest, ...backups.map((entry) => entry.manifest)])
    for (const [index, version] of held.chunks.entries()) kept.add(`${index}:${version}`);
  for (const [index, version] of candidates) {
    const key = `${index}:${version}`;
    if (kept.has(key)) continue;
    kept.add(key);
    objects.delete(chunkKey(index, version));
  }
}

/** The chunk versions `manifests` refer to, as `[index, version]`. */
function* chunksOf(...manifests: (Manifest | undefined)[]): Generator<[number, number]> {
  for (const manifest of manifests) if (manifest !== undefined) yield* manifest.chunks.entries();
}

/** Reads every chunk of `manifest` into the start of a new buffer with `room` bytes after it. */
function readChunksInto(
  objects: IDBObjectStore,
  manifest: Manifest,
  room: number,
  reuse?: (index: number) => Uint8Array | undefined,
): Promise<Uint8Array> {
  const file =
    room > 0 ? bufferWithRoom(manifest.fileSize, room) : new Uint8Array(manifest.fileSize);
  const reads: Promise<void>[] = [];
  for (const [index, version] of manifest.chunks.entries()) {
    const offset = index * manifest.chunkSize;
    const held = reuse?.(index);
    if (held !== undefined) {
      file.set(held, offset);
      continue;
    }
    // Each chunk is copied in as it arrives, so the chunks never pile up beside the file.
    reads.push(
      request(objects.get(chunkKey(index, version))).then((bytes) => {
        const expected = Math.min(manifest.chunkSize, manifest.fileSize - offset);
        if (!(bytes instanceof Uint8Array) || bytes.byteLength !== expected)
          throw new DatabaseError(
            'OPEN_FAILED',
            bytes === undefined
              ? `The stored database is missing chunk ${index} (version ${version}); restore a backup.`
              : `The stored database's chunk ${index} (version ${version}) is damaged: it holds ${bytes instanceof Uint8Array ? bytes.byteLength : 0} bytes, not ${expected}; restore a backup.`,
          );
        file.set(bytes, offset);
      }),
    );
  }
  return Promise.all(reads).then(() => file);
}

/** The list with `entry` first and no more than `BACKUPS_KEPT` entries; `dropped`: those let go. */
function withBackup(
  list: readonly StoredBackup[],
  entry: StoredBackup,
): { list: StoredBackup[]; dropped: StoredBackup[] } {
  const all = [entry, ...list.filter((other) => other.id !== entry.id)];
  return { list: all.slice(0, BACKUPS_KEPT), dropped: all.slice(BACKUPS_KEPT) };
}

/** A backup of the file `manifest` describes, made now. */
export function backupOf(manifest: Manifest, reason: BackupReason, now = new Date()): StoredBackup {
  return {
    // The generation alone would do (each one is replaced once), but a file restored from a
    // backup carries on under a new generation, so the time keeps ids apart across restores.
    id: `${manifest.generation}-${now.getTime().toString(36)}`,
    reason,
    createdAt: now.toISOString(),
    sizeBytes: manifest.fileSize,
    generation: manifest.generation,
    manifest,
  };
}

function entryOf({ id, reason, createdAt, sizeBytes, generation }: StoredBackup): BackupEntry {
  return { id, reason, createdAt, sizeBytes, generation };
}

/** The stored list, or an empty one when the value is missing or not a list of backups. */
function asBackupList(value: unknown): StoredBackup[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is StoredBackup =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.id === 'string' &&
      typeof entry.reason === 'string' &&
      typeof entry.createdAt === 'string' &&
      typeof entry.sizeBytes === 'number' &&
      typeof entry.generation === 'number' &&
      isManifest(entry.manifest),
  );
}

function isManifest(value: unknown): value is Manifest {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Manifest).generation === 'number' &&
    typeof (value as Manifest).fileSize === 'number' &&
    typeof (value as Manifest).chunkSize === 'number' &&
    Array.isArray((value as Manifest).chunks)
  );
}

/**
 * Runs `work` in one readwrite transaction and resolves once it has committed. `work` may await
 * its own requests (the transaction stays open across them) but nothing else. When it throws,
 * the transaction is aborted, so nothing it wrote lands.
 */
export function readWrite<T>(
  useStore: UseStore,
  work: (objects: IDBObjectStore) => Promise<T>,
): Promise<T> {
  return useStore('readwrite', async (objects) => {
    const committed = promisifyRequest(objects.transaction);
    let result: T;
    try {
      result = await work(objects);
    } catch (error) {
      committed.catch(() => {});
      try {
        objects.transaction.abort();
      } catch {
        // Already finished or aborting: nothing of it landed either way.
      }
      throw error;
    }
    await committed;
    return result;
  });
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return promisifyRequest(req);
}
