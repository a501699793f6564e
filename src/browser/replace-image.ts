import type { BackupReason } from './backup-list.ts';
import { lockName, withLock } from './cross-tab-lock.ts';
import { DatabaseError, isDatabaseError } from './database-error.ts';
import {
  indexedDbImageStore,
  type Replacement,
  type ReplacementSource,
  storageFailure,
} from './image-store.ts';
import { announceSave } from './saved-channel.ts';

/**
 * Replaces database `name`'s stored image wholesale — with an upgraded upload, or with one of its
 * backups — under the cross-tab lock, keeping the current image as a backup in the same
 * transaction, then tells the other tabs, which stop writing and reload. The image is written as
 * it is: whoever calls this has already made sure this app can open it.
 */
export async function replaceStoredImage(
  name: string,
  source: ReplacementSource,
  reason: BackupReason,
): Promise<Replacement> {
  const store = indexedDbImageStore(name);
  try {
    return await withLock(lockName(name), async () => {
      const replacement = await store.replace(source, reason);
      // Still under the lock: a tab that reloads on this message opens the new image.
      announceSave(name, { type: 'saved', generation: replacement.generation, replaced: true });
      return replacement;
    });
  } catch (error) {
    if (isDatabaseError(error)) throw error;
    const failure = storageFailure(error, 'The stored database is unchanged');
    throw new DatabaseError(failure.code, failure.message, { cause: error });
  }
}
