import { withLock } from './cross-tab-lock.ts';
import type { StoredImage } from './image-store.ts';

/** A load that took the cross-tab lock: the image once read, and the call that lets the lock go. */
export interface LockedLoad {
  /** The database name the load is for. */
  name: string;
  /** The stored image as it is while the lock is held. */
  stored: Promise<StoredImage>;
  /** Releases the lock; call it once the image is migrated and saved (or given up). */
  release(): void;
  /** Where the time went (ms): waiting for the lock, reading, checking the read under the lock. */
  timings: { lockMs: number; readMs: number; verifyMs: number };
}

/** How a load reads: the whole image, or just its generation (both must fall back, not reject). */
export interface ImageReader {
  read(): Promise<StoredImage>;
  readGeneration(): Promise<number>;
}

/**
 * Reads the stored image for the load → migrate → save sequence of one tab, and holds the
 * cross-tab lock `lock` until `release()`.
 *
 * The read does not wait for the lock: a Web Lock takes tens of milliseconds to be granted, and
 * the read is the slow part of a load, so both start at once. Once the lock is held the stored
 * generation is read again; every save writes a larger one in the same transaction as its image,
 * and no tab saves without the lock, so an equal generation proves the early read is the image
 * as it stands under the lock. Otherwise (another tab saved in between) the image is read again.
 */
export function beginLockedLoad(name: string, lock: string, reader: ImageReader): LockedLoad {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const requestedAt = performance.now();
  const timings = { lockMs: Number.NaN, readMs: Number.NaN, verifyMs: Number.NaN };
  const early = reader.read().then((image) => {
    timings.readMs = performance.now() - requestedAt;
    return image;
  });
  const stored = new Promise<StoredImage>((resolve, reject) => {
    withLock(lock, async () => {
      const lockedAt = performance.now();
      timings.lockMs = lockedAt - requestedAt;
      // Asked as soon as the lock is held, while the early read may still be running.
      const generation = reader.readGeneration().catch(() => Number.NaN);
      let image = await early;
      if ((await generation) !== image.generation) image = await reader.read();
      timings.verifyMs = performance.now() - Math.max(lockedAt, requestedAt + timings.readMs);
      resolve(image);
      await released;
    }).catch(reject);
  });
  return { name, stored, release: () => release(), timings };
}
