import { storageFailure } from '../errors.ts';
import type {
  ChunkStore,
  Replacement,
  ReplacementSource,
  SaveRequest,
  SaveResult,
  StoredFile,
} from '../storage/chunk-store.ts';
import type { BackupReason } from '../storage/layout.ts';
import {
  announceOnce,
  listenForSaves,
  type SaveChannel,
  type SavedAnnouncement,
} from './save-channel.ts';
import { isHeld, lockName, withLock } from './web-lock.ts';

/**
 * The one place that decides what runs under a database's cross-tab lock, and that tells the
 * other tabs what was stored. Every change of the stored file goes through it:
 *
 * - a load reads the stored file at once, takes the lock, converts a store of 0.1.0, and holds
 *   the lock while the caller migrates and saves (`load`, then `save`);
 * - a tab's write takes the lock, catches up with newer saves, runs, and saves (`underLock`,
 *   `save`);
 * - a restored backup or an adopted upload takes the lock, converts, and replaces the file
 *   (`replace`).
 *
 * The storage below it only runs transactions; the tabs' Web Lock and BroadcastChannel are used
 * from here alone.
 */
export class Coordinator {
  private readonly lock: string;
  private channel: SaveChannel | undefined;

  constructor(
    readonly name: string,
    readonly store: ChunkStore,
  ) {
    this.lock = lockName(name);
  }

  /**
   * Reads the stored file while the lock is asked for, and holds the lock until `release()`:
   * under it, a store of 0.1.0 is converted and the read is checked, and read again when another
   * tab saved in between (see `readUnderLock`).
   */
  load(): LockedRead<StoredFile> {
    return readUnderLock(this.lock, {
      read: () => this.store.readFile(),
      generationOf: (stored) => stored.manifest?.generation ?? 0,
      readGeneration: () => this.storedGeneration(),
      // Only a store with no manifest can still be in 0.1.0's format. Where Web Locks are
      // missing, another tab may have converted it since the generation was checked: read the
      // generation again, or this tab would start empty beside the converted file.
      underLock: async (stored) =>
        stored.manifest === undefined &&
        ((await this.convert()) || (await this.storedGeneration()) !== 0),
    });
  }

  /** Runs `task` holding the lock: a tab's write or catch-up. */
  underLock<T>(task: () => Promise<T>): Promise<T> {
    return withLock(this.lock, task);
  }

  /** Saves (the caller holds the lock), then tells the other tabs the new generation. */
  async save(request: SaveRequest): Promise<SaveResult> {
    const saved = await this.store.save(request);
    this.announce({ type: 'saved', generation: saved.manifest.generation });
    return saved;
  }

  /**
   * Replaces the stored file wholesale under the lock (a store of 0.1.0 converted first), keeping
   * the current file as a backup, then tells every tab, which stops writing and reloads. A failure
   * rejects with a `StorageError` that says the stored database is unchanged.
   */
  async replace(source: ReplacementSource, reason: BackupReason): Promise<Replacement> {
    try {
      return await withLock(this.lock, async () => {
        await this.convert();
        const replacement = await this.store.replace(source, reason);
        // Still under the lock: a tab that reloads on this message opens the new file.
        this.announce({ type: 'saved', generation: replacement.generation, replaced: true });
        return replacement;
      });
    } catch (error) {
      throw storageFailure(error, 'The stored database is unchanged');
    }
  }

  /** The store, converted from 0.1.0's format first if it still is in it (under the lock). */
  async converted(): Promise<ChunkStore> {
    if ((await this.store.readManifest()) === undefined)
      await withLock(this.lock, () => this.convert());
    return this.store;
  }

  /** Hears the other tabs' saves until `close()`; this tab's own announcements go out on the same channel. */
  listen(onSaved: (announcement: SavedAnnouncement) => void): void {
    this.channel?.close();
    this.channel = listenForSaves(this.name, onSaved);
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
  }

  /** Converts a store in 0.1.0's format (under the lock); true when it did. */
  private async convert(): Promise<boolean> {
    const generation = await this.store.convertWholeImage();
    if (generation === undefined) return false;
    // Tabs of 0.1.0 read the old keys, now gone: they stop writing and reload.
    this.announce({ type: 'saved', generation, replaced: true });
    return true;
  }

  private async storedGeneration(): Promise<number> {
    return (await this.store.readManifest())?.generation ?? 0;
  }

  private announce(announcement: SavedAnnouncement): void {
    if (this.channel !== undefined) this.channel.announce(announcement);
    else announceOnce(this.name, announcement);
  }
}

/** A read that took the cross-tab lock: what it read, and the call that lets the lock go. */
export interface LockedRead<T> {
  /** What was read, as it stands while the lock is held. */
  result: Promise<T>;
  /** Releases the lock; call it once the work that needed it is done (or given up). */
  release(): void;
  /**
   * Resolves when the read is in but another tab holds the lock, so this one waits for its turn;
   * never, when the lock came first or was free.
   */
  waiting: Promise<void>;
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
  let locked = false;
  let nowWaiting: () => void = () => {};
  const waiting = new Promise<void>((resolve) => {
    nowWaiting = resolve;
  });
  const early = reader.read().then((value) => {
    timings.readMs = performance.now() - requestedAt;
    if (!locked)
      void isHeld(lock).then((held) => {
        if (held && !locked) nowWaiting();
      });
    return value;
  });
  early.catch(() => {});
  const result = new Promise<T>((resolve, reject) => {
    withLock(lock, async () => {
      locked = true;
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
  return { result, release: () => release(), waiting, timings };
}
