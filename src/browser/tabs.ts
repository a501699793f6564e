/**
 * How the tabs of one app take turns with its database: a Web Lock every tab holds while it
 * reads, migrates or saves the stored file, and a BroadcastChannel on which every save is
 * announced, so the other tabs catch up instead of overwriting it.
 */

/** The name of database `name`'s Web Lock and BroadcastChannel. */
export function lockName(name: string): string {
  return `sqljs-migrate:${name}`;
}

/**
 * Runs `task` while holding the exclusive Web Lock `name`, so tabs that open or write at once
 * take turns. Where Web Locks are missing, or refused because the site's storage is blocked
 * (they share its permission), the task runs unguarded; every save is then still a
 * compare-and-set on the stored generation (see `writeSave`), so no tab overwrites another's.
 */
export async function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return task();
  let started = false;
  try {
    return await locks.request(name, { mode: 'exclusive' }, () => {
      started = true;
      return task();
    });
  } catch (error) {
    if (started) throw error;
    return task();
  }
}

/** False where the Web Locks API is missing (a non-secure origin, an older browser). */
export function hasWebLocks(): boolean {
  return (globalThis.navigator as Navigator | undefined)?.locks !== undefined;
}

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

/** A read that took the cross-tab lock: what it read, and the call that lets the lock go. */
export interface LockedRead<T> {
  /** What was read, as it stands while the lock is held. */
  result: Promise<T>;
  /** Releases the lock; call it once the work that needed it is done (or given up). */
  release(): void;
  /** Where the time went (ms): waiting for the lock, reading, checking the read under the lock. */
  timings: { lockMs: number; readMs: number; verifyMs: number };
}

/** How a locked read reads: the whole thing, and the generation alone, to check it under the lock. */
export interface GenerationalReader<T> {
  read(): Promise<T>;
  /** The generation a read holds. */
  generationOf(value: T): number;
  readGeneration(): Promise<number>;
  /**
   * Runs under the lock once the early read is in; true when it changed what is stored (then it
   * is read again).
   */
  underLock?(early: T): Promise<boolean>;
}

/**
 * Reads what is stored and holds the cross-tab lock `lock` until `release()`.
 *
 * The read does not wait for the lock: a Web Lock can take a while to be granted, and
 * the read is the slow part of a load, so both start at once. Once the lock is held the stored
 * generation is read again; every save writes a larger one in the same transaction as its file,
 * and no tab saves without the lock, so an equal generation proves the early read is what is
 * stored under the lock. Otherwise (another tab saved in between) it is read again.
 */
export function readUnderLock<T>(lock: string, reader: GenerationalReader<T>): LockedRead<T> {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const requestedAt = performance.now();
  const timings = { lockMs: Number.NaN, readMs: Number.NaN, verifyMs: Number.NaN };
  const early = reader.read().then((value) => {
    timings.readMs = performance.now() - requestedAt;
    return value;
  });
  early.catch(() => {});
  const result = new Promise<T>((resolve, reject) => {
    withLock(lock, async () => {
      try {
        const lockedAt = performance.now();
        timings.lockMs = lockedAt - requestedAt;
        // Asked as soon as the lock is held, while the early read may still be running.
        const generation = reader.readGeneration().catch(() => Number.NaN);
        let value = await early;
        const changed = (await reader.underLock?.(value)) ?? false;
        if (changed || (await generation) !== reader.generationOf(value))
          value = await reader.read();
        timings.verifyMs = performance.now() - Math.max(lockedAt, requestedAt + timings.readMs);
        resolve(value);
      } catch (error) {
        reject(error);
        return;
      }
      await released;
    }).catch(reject);
  });
  return { result, release: () => release(), timings };
}
