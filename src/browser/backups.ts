import type { BackupEntry } from './backup-list.ts';
import { DatabaseError } from './database-error.ts';
import { type ImageStore, indexedDbImageStore } from './image-store.ts';
import { replaceStoredImage } from './replace-image.ts';

/**
 * The stored backups of database `name`, newest first: the images loads migrated, uploads
 * replaced and restores replaced (the last `BACKUPS_KEPT`). Metadata only, so it is cheap. Empty
 * when nothing is stored or IndexedDB is unavailable.
 */
export async function listBackups(name: string): Promise<BackupEntry[]> {
  try {
    return await storeOf(name).listBackups();
  } catch {
    return [];
  }
}

/** One backup's bytes, e.g. for a download; rejects with `DatabaseError` `NO_SUCH_BACKUP`. */
export async function readBackup(name: string, id: string): Promise<Uint8Array> {
  const bytes = await storeOf(name).readBackup(id);
  if (bytes === undefined)
    throw new DatabaseError('NO_SUCH_BACKUP', `No backup ${id} is stored any more.`);
  return bytes;
}

/**
 * Makes backup `id` database `name`'s image again, byte for byte, under the cross-tab lock; the
 * image it replaces becomes a backup (so a restore can itself be undone), in one transaction.
 * The other tabs get a `replaced` event and stop writing; the caller should reload too. The next
 * load migrates the restored image if it is older than the app.
 */
export async function restoreBackup(name: string, id: string): Promise<{ generation: number }> {
  const { generation } = await replaceStoredImage(name, { backupId: id }, 'pre-restore');
  return { generation };
}

// One store (one IndexedDB connection) per database for the page's life: a page lists its
// backups after every change, and a connection per read would pile up.
const stores = new Map<string, ImageStore>();

function storeOf(name: string): ImageStore {
  let store = stores.get(name);
  if (store === undefined) {
    store = indexedDbImageStore(name);
    stores.set(name, store);
  }
  return store;
}
