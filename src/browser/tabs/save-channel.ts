import { lockName } from './web-lock.ts';

/**
 * The announcements tabs make on a BroadcastChannel after they saved the stored file, so the
 * others catch up instead of overwriting it. Only the coordinator posts them.
 */

/** What a tab (or an upload, or a restore) posts after it saved the stored file. */
export interface SavedAnnouncement {
  type: 'saved';
  generation: number;
  /**
   * The file was replaced wholesale (an adopted upload, a restored backup, a conversion from an
   * older format) rather than changed by a migration or a write: what a tab showed about it no
   * longer holds, so it reloads.
   */
  replaced?: boolean;
}

/** One tab's end of database `name`'s channel. */
export interface SaveChannel {
  announce(announcement: SavedAnnouncement): void;
  close(): void;
}

/**
 * Listens for other tabs' saves of database `name` (a tab never hears its own announcements).
 * Undefined where BroadcastChannel is missing.
 */
export function listenForSaves(
  name: string,
  onSaved: (announcement: SavedAnnouncement) => void,
): SaveChannel | undefined {
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

/** Tells every tab of database `name` about a save, from a side that does not listen. */
export function announceOnce(name: string, announcement: SavedAnnouncement): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(lockName(name));
  // A message is queued for every listener when posted, so closing right away loses nothing.
  channel.postMessage(announcement);
  channel.close();
}
