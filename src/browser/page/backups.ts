import { isStorageError, noSuchBackup } from '../errors.ts';
import { indexedDbChunkStore } from '../storage/chunk-store.ts';
import { joinChunks } from '../storage/file-chunks.ts';
import type { BackupEntry } from '../storage/layout.ts';
import { Coordinator } from '../tabs/coordinator.ts';

/**
 * The stored database seen from the page, outside its worker: its backups, a restore, and the
 * stored file itself. Each goes through the database's coordinator, which the page keeps for its
 * life.
 */

/**
 * The stored backups of database `name`, newest first: the files loads migrated, uploads
 * replaced and restores replaced (the last `BACKUPS_KEPT`). Metadata only, so it is cheap. Empty
 * when nothing is stored or IndexedDB is unavailable.
 */
export async function listBackups(name: string): Promise<BackupEntry[]> {
  try {
    return await (await coordinatorOf(name).converted()).listBackups();
  } catch {
    return [];
  }
}

/** One backup's file, e.g. for a download; rejects with `StorageError` `NO_SUCH_BACKUP`. */
export async function readBackup(name: string, id: string): Promise<Uint8Array> {
  const bytes = await (await coordinatorOf(name).converted()).readBackup(id);
  if (bytes === undefined) throw noSuchBackup(id);
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
  const { generation } = await coordinatorOf(name).replace({ backupId: id }, 'pre-restore');
  return { generation };
}

/**
 * The database file as IndexedDB holds it, read without opening or migrating it: what a person
 * downloads after a failed migration, to keep or to repair. Undefined when nothing is stored (or
 * IndexedDB is unavailable); rejects with `StorageError` (`DAMAGED`, `READ_FAILED`) when what is
 * stored cannot be read.
 */
export async function readStoredImage(name: string): Promise<Uint8Array | undefined> {
  try {
    const { file } = await (await coordinatorOf(name).converted()).readFile();
    return file === undefined ? undefined : joinChunks(file);
  } catch (error) {
    // A stored database that is there but damaged is not "nothing stored": say what is wrong.
    if (isStorageError(error)) throw error;
    return undefined;
  }
}

// One coordinator (one IndexedDB connection) per database for the page's life: a page lists its
// backups after every change, and a connection per read would pile up.
const coordinators = new Map<string, Coordinator>();

function coordinatorOf(name: string): Coordinator {
  let coordinator = coordinators.get(name);
  if (coordinator === undefined) {
    coordinator = new Coordinator(name, indexedDbChunkStore(name));
    coordinators.set(name, coordinator);
  }
  return coordinator;
}
