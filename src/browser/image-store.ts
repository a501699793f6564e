import { createStore, getMany, promisifyRequest, type UseStore } from 'idb-keyval';
import {
  asBackupList,
  type BackupEntry,
  type BackupReason,
  backupKey,
  newBackupEntry,
  withBackup,
} from './backup-list.ts';
import { DatabaseError, messageOf } from './database-error.ts';

/** The database file as last saved, and the generation that save was given. */
export interface StoredImage {
  /** The SQLite file's bytes; undefined before the first save. */
  bytes: Uint8Array | undefined;
  /** Counts saves: every save writes the previous generation plus one, so newer is larger. */
  generation: number;
}

/** What a save writes: the new image, and the image it replaces when that one is worth keeping. */
export interface SaveRequest {
  bytes: Uint8Array;
  generation: number;
  /** The image being replaced, kept as a backup (a load keeps the image it migrated). */
  backup?: { bytes: Uint8Array; generation: number; reason: BackupReason } | undefined;
}

/**
 * An image as IndexedDB may hold it: bytes, as saves write them, or a Blob, as an adopted upload
 * is written — a Blob's bytes go to the browser's storage as they are, where bytes are serialized
 * and wrapped first, two more copies of a file that may be hundreds of megabytes.
 */
export type StoredBytes = Uint8Array | Blob;

/** Where a replacing image comes from: a given file (an adopted upload) or a stored backup. */
export type ReplacementSource = { bytes: StoredBytes } | { backupId: string };

/** What replacing the image did. */
export interface Replacement {
  generation: number;
  /** The backup the replaced image became; null when nothing was stored before. */
  backup: BackupEntry | null;
}

/** Where the database file lives between page loads. */
export interface ImageStore {
  /** `indexeddb` when saves survive a reload, `memory` when nothing is kept. */
  readonly kind: 'indexeddb' | 'memory';
  load(): Promise<StoredImage>;
  /** The stored generation alone: a cheap check for a newer image before a write. */
  loadGeneration(): Promise<number>;
  /** Writes everything in one transaction: either all of it lands or none of it does. */
  save(request: SaveRequest): Promise<void>;
  /** The backups, newest first: metadata only. */
  listBackups(): Promise<BackupEntry[]>;
  readBackup(id: string): Promise<Uint8Array | undefined>;
  /**
   * Makes `source` the image under the next generation and keeps the current image as a backup,
   * in one transaction. A restored backup leaves the list: its bytes are the image now.
   */
  replace(source: ReplacementSource, reason: BackupReason): Promise<Replacement>;
}

/** The IndexedDB database and object store names, for tools and tests that read the file. */
export function storeNames(name: string): { database: string; store: string } {
  return { database: `sqljs-migrate:${name}`, store: 'images' };
}

/** Keys inside the store; each backup's bytes live under `backupKey(id)`. */
export const IMAGE_KEY = 'image';
export const GENERATION_KEY = 'generation';
export const BACKUPS_KEY = 'backups';

/** Keeps the database file in one IndexedDB object store. */
export function indexedDbImageStore(name: string): ImageStore {
  const names = storeNames(name);
  let store: UseStore | undefined;
  // createStore opens lazily, and a missing `indexedDB` global throws synchronously on first
  // use; the async wrappers below turn both into rejections.
  const useStore = (): UseStore => {
    store ??= createStore(names.database, names.store);
    return store;
  };
  return {
    kind: 'indexeddb',
    async load() {
      const [bytes, generation] = await getMany<unknown>([IMAGE_KEY, GENERATION_KEY], useStore());
      return { bytes: await asBytes(bytes), generation: asGeneration(generation) };
    },
    async loadGeneration() {
      const [generation] = await getMany<unknown>([GENERATION_KEY], useStore());
      return asGeneration(generation);
    },
    save(request) {
      return readWrite(useStore(), (objects) => writeSave(objects, request));
    },
    async listBackups() {
      const [list] = await getMany<unknown>([BACKUPS_KEY], useStore());
      return asBackupList(list);
    },
    async readBackup(id) {
      const [bytes] = await getMany<unknown>([backupKey(id)], useStore());
      return asBytes(bytes);
    },
    replace(source, reason) {
      return readWrite(useStore(), async (objects) => {
        const [current, generation, stored, restored] = await Promise.all([
          request(objects.get(IMAGE_KEY)),
          request(objects.get(GENERATION_KEY)),
          request(objects.get(BACKUPS_KEY)),
          'bytes' in source ? source.bytes : request(objects.get(backupKey(source.backupId))),
        ]);
        if (!isImage(restored)) {
          const id = 'backupId' in source ? source.backupId : '';
          throw new DatabaseError('NO_SUCH_BACKUP', `No backup ${id} is stored any more.`);
        }
        let list = asBackupList(stored);
        if ('backupId' in source) {
          list = list.filter((entry) => entry.id !== source.backupId);
          objects.delete(backupKey(source.backupId));
        }
        const next = asGeneration(generation) + 1;
        objects.put(restored, IMAGE_KEY);
        objects.put(next, GENERATION_KEY);
        if (!isImage(current)) {
          objects.put(list, BACKUPS_KEY);
          return { generation: next, backup: null };
        }
        // Kept as it is stored: a Blob stays a Blob, and its bytes are never read here.
        const entry = newBackupEntry(sizeOf(current), asGeneration(generation), reason);
        keepBackup(objects, list, current, entry);
        return { generation: next, backup: entry };
      });
    },
  };
}

/** The part of an IndexedDB object store a save uses. */
export type ObjectWrites = Pick<IDBObjectStore, 'get' | 'put' | 'delete'>;

/**
 * The body of a save's transaction, a compare-and-set: it writes only when the stored generation
 * is still the one this save follows (`generation - 1`), and throws `CONFLICT` otherwise, so a
 * tab that saves without the cross-tab lock (a browser without Web Locks) can never silently
 * overwrite another tab's newer image. Run inside one readwrite transaction, the check and the
 * writes land together.
 */
export async function writeSave(
  objects: ObjectWrites,
  { bytes, generation, backup }: SaveRequest,
): Promise<void> {
  const stored = asGeneration(await request(objects.get(GENERATION_KEY)));
  if (stored !== generation - 1)
    throw new DatabaseError(
      'CONFLICT',
      `Another tab saved the database (generation ${stored}) since this tab read generation ${generation - 1}; nothing was written.`,
    );
  objects.put(bytes, IMAGE_KEY);
  objects.put(generation, GENERATION_KEY);
  if (backup === undefined) return;
  const list = asBackupList(await request(objects.get(BACKUPS_KEY)));
  keepBackup(
    objects,
    list,
    backup.bytes,
    newBackupEntry(backup.bytes.byteLength, backup.generation, backup.reason),
  );
}

/** Keeps nothing: for browsers where IndexedDB is missing or blocked. */
export function memoryImageStore(): ImageStore {
  return {
    kind: 'memory',
    async load() {
      return { bytes: undefined, generation: 0 };
    },
    async loadGeneration() {
      return 0;
    },
    async save() {},
    async listBackups() {
      return [];
    },
    async readBackup() {
      return undefined;
    },
    async replace() {
      throw new DatabaseError('SAVE_FAILED', 'Nothing is stored: this database runs in memory.');
    },
  };
}

/**
 * A failed write to IndexedDB in words a person can act on; `kept` says what was left as it
 * was ("The stored database is unchanged").
 */
export function storageFailure(
  error: unknown,
  kept: string,
): { code: 'QUOTA_EXCEEDED' | 'SAVE_FAILED'; message: string } {
  return isQuotaError(error)
    ? {
        code: 'QUOTA_EXCEEDED',
        message: `The browser refused to save: its storage for this site is full. ${kept}; free some space and try again.`,
      }
    : { code: 'SAVE_FAILED', message: `Saving failed (${messageOf(error)}). ${kept}.` };
}

/** True for the error a browser raises when a save would exceed the storage quota. */
export function isQuotaError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'QuotaExceededError' ||
      (error as { code?: unknown }).code === 22)
  );
}

/** Adds a backup's bytes and entry, and deletes the bytes of the backups that fall off the list. */
function keepBackup(
  objects: ObjectWrites,
  list: BackupEntry[],
  bytes: StoredBytes,
  entry: BackupEntry,
): void {
  const next = withBackup(list, entry);
  objects.put(bytes, backupKey(entry.id));
  objects.put(next.list, BACKUPS_KEY);
  for (const id of next.dropped) objects.delete(backupKey(id));
}

/**
 * Runs `work` in one readwrite transaction and resolves once it has committed. `work` may await
 * its own requests (the transaction stays open across them) but nothing else. When it throws,
 * the transaction is aborted, so nothing it wrote lands.
 */
function readWrite<T>(
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

function request<T>(req: IDBRequest<T>): Promise<T> {
  return promisifyRequest(req);
}

function isImage(value: unknown): value is StoredBytes {
  return value instanceof Uint8Array || (typeof Blob !== 'undefined' && value instanceof Blob);
}

function sizeOf(image: StoredBytes): number {
  return image instanceof Uint8Array ? image.byteLength : image.size;
}

/** The bytes of a stored image, reading a Blob's (one copy, from the browser's storage). */
async function asBytes(value: unknown): Promise<Uint8Array | undefined> {
  if (!isImage(value)) return undefined;
  return value instanceof Uint8Array ? value : new Uint8Array(await value.arrayBuffer());
}

function asGeneration(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
