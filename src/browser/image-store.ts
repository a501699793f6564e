import { createStore, getMany, setMany, type UseStore } from 'idb-keyval';

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
  /** The image before a migration, kept under `backup` until the next migration. */
  backup?: Uint8Array | undefined;
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
}

/** The IndexedDB database and object store names, for tools and tests that read the file. */
export function storeNames(name: string): { database: string; store: string } {
  return { database: `sqljs-migrate:${name}`, store: 'images' };
}

/** Keys inside the store. */
export const IMAGE_KEY = 'image';
export const BACKUP_KEY = 'backup';
export const GENERATION_KEY = 'generation';

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
      return {
        bytes: bytes instanceof Uint8Array ? bytes : undefined,
        generation: typeof generation === 'number' ? generation : 0,
      };
    },
    async loadGeneration() {
      const [generation] = await getMany<unknown>([GENERATION_KEY], useStore());
      return typeof generation === 'number' ? generation : 0;
    },
    async save({ bytes, generation, backup }) {
      const entries: [IDBValidKey, unknown][] = [
        [IMAGE_KEY, bytes],
        [GENERATION_KEY, generation],
      ];
      if (backup !== undefined) entries.push([BACKUP_KEY, backup]);
      await setMany(entries, useStore());
    },
  };
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
  };
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
