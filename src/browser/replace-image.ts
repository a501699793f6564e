import type { BackupReason } from './backup-list.ts';
import { lockName, withLock } from './cross-tab-lock.ts';
import { DatabaseError, isDatabaseError, messageOf } from './database-error.ts';
import {
  indexedDbImageStore,
  isQuotaError,
  type Replacement,
  type ReplacementSource,
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
    if (isQuotaError(error))
      throw new DatabaseError(
        'QUOTA_EXCEEDED',
        'The browser refused to save: its storage for this site is full. The stored database is unchanged; free some space and try again.',
        { cause: error },
      );
    throw new DatabaseError(
      'SAVE_FAILED',
      `Saving failed (${messageOf(error)}). The stored database is unchanged.`,
      { cause: error },
    );
  }
}
