import { DatabaseError, isDatabaseError, storageFailure } from './database-error.ts';
import {
  type BackupEntry,
  type BackupReason,
  indexedDbPageStore,
  type PageStore,
  type Replacement,
  type ReplacementSource,
} from './page-store.ts';
import { announceSave, lockName, withLock } from './tabs.ts';

/**
 * The stored database seen from outside its worker: its backups, a restore, the replacement an
 * adopted upload makes, and the stored file itself. Each opens the store for the page's life.
 */

/**
 * The stored backups of database `name`, newest first: the files loads migrated, uploads
 * replaced and restores replaced (the last `BACKUPS_KEPT`). Metadata only, so it is cheap. Empty
 * when nothing is stored or IndexedDB is unavailable.
 */
export async function listBackups(name: string): Promise<BackupEntry[]> {
  try {
    const store = await convertedStore(name);
    return await store.listBackups();
  } catch {
    return [];
  }
}

/** One backup's file, e.g. for a download; rejects with `DatabaseError` `NO_SUCH_BACKUP`. */
export async function readBackup(name: string, id: string): Promise<Uint8Array> {
  const bytes = await (await convertedStore(name)).readBackup(id);
  if (bytes === undefined)
    throw new DatabaseError('NO_SUCH_BACKUP', `No backup ${id} is stored any more.`);
  return bytes;
}

/**
 * Makes backup `id` database `name`'s file again, byte for byte, under the cross-tab lock; the
 * file it replaces becomes a backup (so a restore can itself be undone), in one transaction, and
 * no chunk is copied: the restored backup's chunks are the file's now. The other tabs get a
 * `replaced` event and stop writing; the caller should reload too. The next load migrates the
 * restored file if it is older than the app.
 */
export async function restoreBackup(name: string, id: string): Promise<{ generation: number }> {
  const { generation } = await replaceStoredFile(name, { backupId: id }, 'pre-restore');
  return { generation };
}

/**
 * The database file as IndexedDB holds it, read without opening or migrating it: what a person
 * downloads after a failed migration, to keep or to repair. Undefined when nothing is stored (or
 * IndexedDB is unavailable); rejects with `OPEN_FAILED` when what is stored is damaged.
 */
export async function readStoredImage(name: string): Promise<Uint8Array | undefined> {
  try {
    const store = await convertedStore(name);
    return (await store.readCurrent(false)).file;
  } catch (error) {
    // A stored database that is there but damaged is not "nothing stored": say what is wrong.
    if (isDatabaseError(error)) throw error;
    return undefined;
  }
}

/**
 * Replaces database `name`'s stored file wholesale — with an upgraded upload, or with one of its
 * backups — under the cross-tab lock, keeping the current file as a backup in the same
 * transaction, then tells the other tabs, which stop writing and reload. The file is written as
 * it is: whoever calls this has already made sure this app can open it.
 */
export async function replaceStoredFile(
  name: string,
  source: ReplacementSource,
  reason: BackupReason,
): Promise<Replacement> {
  const store = storeOf(name);
  try {
    return await withLock(lockName(name), async () => {
      await store.convertFirstFormat();
      const replacement = await store.replace(source, reason);
      // Still under the lock: a tab that reloads on this message opens the new file.
      announceSave(name, { type: 'saved', generation: replacement.generation, replaced: true });
      return replacement;
    });
  } catch (error) {
    throw storageFailure(error, 'The stored database is unchanged');
  }
}

/** The store, converted from 0.1.0's format first if it still is in it (under the lock). */
async function convertedStore(name: string): Promise<PageStore> {
  const store = storeOf(name);
  if ((await store.readManifest()) === undefined)
    await withLock(lockName(name), () => store.convertFirstFormat());
  return store;
}

// One store (one IndexedDB connection) per database for the page's life: a page lists its
// backups after every change, and a connection per read would pile up.
const stores = new Map<string, PageStore>();

function storeOf(name: string): PageStore {
  let store = stores.get(name);
  if (store === undefined) {
    store = indexedDbPageStore(name);
    stores.set(name, store);
  }
  return store;
}
