// Reads the stored database raw, with the IndexedDB API and no app code, in any engine: a
// function that runs in the page (handed to a driver's evaluate), and what Node makes of it.
import { createHash } from 'node:crypto';

/** The IndexedDB database and store the browser layer keeps the demo's file in (see `storeNames`). */
export const STORED = { database: 'sqljs-migrate:starpunk-notes', store: 'images' };

/** The stored file and backups as IndexedDB holds them, read with the raw API (no app code). */
export interface StoredDatabase {
  imageSha256: string | null;
  imageBytes: number;
  generation: number | null;
  /** The backup list, newest first, each with the SHA-256 of the file its chunks make up. */
  backups: { reason: string; generation: number; sizeBytes: number; sha256: string | null }[];
  /** Every key in the store, sorted: a stray write shows up here too. */
  keys: string[];
  /** The chunk keys (as in `keys`) the manifest refers to, and each backup's manifest. */
  chunkKeys: { live: string[]; backups: string[][] };
  /** Chunk keys referred to that are not stored: a file that cannot be put together. */
  missingChunks: string[];
  /** Chunk keys stored that nothing refers to: garbage a save should have deleted. */
  strayChunks: string[];
  /** Every stored chunk's length in bytes, by key. */
  chunkBytes: Record<string, number>;
  /** The length of the stored backup list (entries and their manifests) as JSON. */
  backupListBytes: number;
  /** With `withFiles`: the file and each backup's file, base64, for opening in Node. */
  files?: { image: string | null; backups: (string | null)[] };
}

/** The entry `readStoredDatabase` shows for a backup of the file `stored` held. */
export function backupOf(
  stored: StoredDatabase,
  reason: string,
): StoredDatabase['backups'][number] {
  return {
    reason,
    generation: stored.generation ?? 0,
    sizeBytes: stored.imageBytes,
    sha256: stored.imageSha256,
  };
}

/** Which stored database to read, and whether to bring its files back whole. */
export interface StoredDatabaseOptions {
  /** The IndexedDB database's name; the demo's by default. */
  database?: string;
  withFiles?: boolean;
}

/** What `readStoreInPage` is handed. */
export interface StoreToRead {
  database: string;
  store: string;
  withFiles: boolean;
}

export function storeToRead({
  database = STORED.database,
  withFiles = false,
}: StoredDatabaseOptions): StoreToRead {
  return { database, store: STORED.store, withFiles };
}

/**
 * Runs in the page (every engine's evaluate hands it over as source, so it refers to nothing
 * outside itself): the manifest's chunks put together into the file and each backup's, with every
 * key in the store and which chunks are missing or left over, read as the format is laid out in
 * `src/browser/storage/layout.ts` (`manifest`, `backup-list`, `['chunk', index, version]`). Files
 * are hashed in the page where it has `crypto.subtle`; elsewhere (a non-secure origin) they come
 * back whole, for Node to hash.
 */
export async function readStoreInPage({
  database,
  store,
  withFiles,
}: StoreToRead): Promise<StoredDatabase> {
  const subtle = globalThis.crypto?.subtle;
  const sendFiles = withFiles || subtle === undefined;
  const none: StoredDatabase = {
    imageSha256: null,
    imageBytes: 0,
    generation: null,
    backups: [],
    keys: [],
    chunkKeys: { live: [], backups: [] },
    missingChunks: [],
    strayChunks: [],
    chunkBytes: {},
    backupListBytes: 0,
    ...(sendFiles ? { files: { image: null, backups: [] } } : {}),
  };
  // Opening a database that does not exist would create it (empty): check first.
  if (!(await indexedDB.databases()).some((info) => info.name === database)) return none;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(database);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const objects = db.transaction(store, 'readonly').objectStore(store);
    const settle = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    type Manifest = {
      generation: number;
      fileSize: number;
      chunkSize: number;
      chunks: number[];
    };
    const keysOf = (manifest: Manifest | undefined) =>
      (manifest?.chunks ?? []).map((version, index) => JSON.stringify(['chunk', index, version]));
    const [manifest, list, keys, values] = await Promise.all([
      settle<unknown>(objects.get('manifest')) as Promise<Manifest | undefined>,
      settle<unknown>(objects.get('backup-list')),
      settle(objects.getAllKeys()),
      settle(objects.getAll()),
    ]);
    const stored = new Map(
      keys.map((key, index) => [JSON.stringify(key), values[index] as unknown]),
    );
    const fileOf = (manifest: Manifest | undefined) => {
      if (manifest === undefined) return null;
      const file = new Uint8Array(manifest.fileSize);
      for (const [index, key] of keysOf(manifest).entries()) {
        const chunk = stored.get(key);
        if (!(chunk instanceof Uint8Array)) return null;
        file.set(chunk, index * manifest.chunkSize);
      }
      return file;
    };
    const entries = (Array.isArray(list) ? list : []) as {
      reason: string;
      generation: number;
      sizeBytes: number;
      manifest: Manifest;
    }[];
    const sha256 = async (file: Uint8Array | null) => {
      if (file === null || subtle === undefined) return null;
      const digest = new Uint8Array(
        await subtle.digest('SHA-256', file as Uint8Array<ArrayBuffer>),
      );
      return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
    };
    const base64 = (file: Uint8Array | null) => {
      if (file === null) return null;
      let text = '';
      for (let start = 0; start < file.byteLength; start += 0x8000)
        text += String.fromCharCode(...file.subarray(start, start + 0x8000));
      return btoa(text);
    };
    const image = fileOf(manifest);
    const backupFiles = entries.map((entry) => fileOf(entry.manifest));
    const chunkKeys = {
      live: keysOf(manifest),
      backups: entries.map((entry) => keysOf(entry.manifest)),
    };
    const referred = new Set([...chunkKeys.live, ...chunkKeys.backups.flat()]);
    const storedChunks = [...stored.keys()].filter((key) => key.startsWith('["chunk",'));
    return {
      imageSha256: await sha256(image),
      imageBytes: image?.byteLength ?? 0,
      generation: manifest?.generation ?? null,
      backups: await Promise.all(
        entries.map(async (entry, index) => ({
          reason: entry.reason,
          generation: entry.generation,
          sizeBytes: entry.sizeBytes,
          sha256: await sha256(backupFiles[index] ?? null),
        })),
      ),
      keys: [...stored.keys()].sort(),
      chunkKeys,
      missingChunks: [...referred].filter((key) => !stored.has(key)).sort(),
      strayChunks: storedChunks.filter((key) => !referred.has(key)).sort(),
      chunkBytes: Object.fromEntries(
        storedChunks.map((key) => {
          const value = stored.get(key);
          return [key, value instanceof Uint8Array ? value.byteLength : -1];
        }),
      ),
      backupListBytes: list === undefined ? 0 : JSON.stringify(list).length,
      ...(sendFiles ? { files: { image: base64(image), backups: backupFiles.map(base64) } } : {}),
    };
  } finally {
    db.close();
  }
}

/**
 * What the page read, with the hashes it could not make (a page without `crypto.subtle`) made
 * here, and its files only when they were asked for.
 */
export function completeStoredDatabase(
  read: StoredDatabase,
  { withFiles = false }: StoredDatabaseOptions,
): StoredDatabase {
  const { files, ...rest } = read;
  if (files === undefined) return read;
  const hash = (base64: string | null | undefined, made: string | null) =>
    made ??
    (base64 == null
      ? null
      : createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex'));
  const completed: StoredDatabase = {
    ...rest,
    imageSha256: hash(files.image, rest.imageSha256),
    backups: rest.backups.map((backup, index) => ({
      ...backup,
      sha256: hash(files.backups[index], backup.sha256),
    })),
  };
  return withFiles ? { ...completed, files } : completed;
}
