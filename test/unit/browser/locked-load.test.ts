import { describe, expect, it } from 'vitest';
import type { StoredImage } from '../../../src/browser/image-store.ts';
import { beginLockedLoad, type ImageReader } from '../../../src/browser/locked-load.ts';

/** A reader over a store whose generation the test moves, counting full reads. */
function fakeStore(first: StoredImage) {
  let current = first;
  const store = {
    reads: 0,
    reader: {
      read: async () => {
        store.reads += 1;
        return current;
      },
      readGeneration: async () => current.generation,
    } satisfies ImageReader,
    saveElsewhere(image: StoredImage) {
      current = image;
    },
  };
  return store;
}

const image = (generation: number): StoredImage => ({
  bytes: new Uint8Array([generation]),
  generation,
});

describe('beginLockedLoad', () => {
  it('keeps the early read when no tab saved before the lock was held', async () => {
    const store = fakeStore(image(3));
    const load = beginLockedLoad('notes', 'lock', store.reader);
    expect(await load.stored).toEqual(image(3));
    expect(store.reads).toBe(1);
    load.release();
  });

  it('reads again when another tab saved between the early read and the lock', async () => {
    const store = fakeStore(image(3));
    const reader: ImageReader = {
      read: store.reader.read,
      // The other tab's save lands while this one waits for the lock.
      readGeneration: async () => {
        store.saveElsewhere(image(4));
        return 4;
      },
    };
    const load = beginLockedLoad('notes', 'lock', reader);
    expect(await load.stored).toEqual(image(4));
    expect(store.reads).toBe(2);
    load.release();
  });

  it('reads again when the generation cannot be checked', async () => {
    const store = fakeStore(image(1));
    const load = beginLockedLoad('notes', 'lock', {
      ...store.reader,
      readGeneration: () => Promise.reject(new Error('gone')),
    });
    expect(await load.stored).toEqual(image(1));
    expect(store.reads).toBe(2);
    load.release();
  });
});
