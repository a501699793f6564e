import { lockName } from './cross-tab-lock.ts';

/**
 * The message a tab (or an upload's worker) posts on the database's BroadcastChannel after it
 * saved the stored image, so the other tabs catch up instead of overwriting it.
 */
export interface SavedAnnouncement {
  type: 'saved';
  generation: number;
  /**
   * The image was replaced wholesale (an adopted upload, a restored backup) rather than changed
   * by a migration or a write: what a tab showed about it no longer holds, so it reloads. Older
   * builds ignore the field and just catch up.
   */
  replaced?: boolean;
}

/**
 * Listens for other tabs' saves of database `name`. Returns how this tab announces its own saves
 * on the same channel and how it stops listening; undefined where BroadcastChannel is missing.
 */
export function listenForSaves(
  name: string,
  onSaved: (announcement: SavedAnnouncement) => void,
): { announce(announcement: SavedAnnouncement): void; close(): void } | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(lockName(name));
  channel.onmessage = (message: MessageEvent<SavedAnnouncement>) => {
    if (message.data?.type === 'saved' && typeof message.data.generation === 'number')
      onSaved(message.data);
  };
  return {
    announce: (announcement) => channel.postMessage(announcement),
    close: () => channel.close(),
  };
}

/** Tells every tab of database `name` about a save made outside them (an upload, a restore). */
export function announceSave(name: string, announcement: SavedAnnouncement): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(lockName(name));
  // A message is queued for every listener when posted, so closing right away loses nothing.
  channel.postMessage(announcement);
  channel.close();
}
