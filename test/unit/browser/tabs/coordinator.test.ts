import { describe, expect, it } from 'vitest';
import {
  type GenerationalReader,
  readUnderLock,
} from '../../../../src/browser/tabs/coordinator.ts';
import { installWebLocks } from '../page/handles.ts';

interface Stored {
  bytes: number;
  generation: number;
}

/** A reader over a store whose generation the test moves, counting full reads. */
function fakeStore(first: Stored) {
  let current = first;
  const store = {
    reads: 0,
    reader: {
      read: async () => {
        store.reads += 1;
        return current;
      },
      generationOf: (stored: Stored) => stored.generation,
      readGeneration: async () => current.generation,
    } satisfies GenerationalReader<Stored>,
    saveElsewhere(next: Stored) {
      current = next;
    },
  };
  return store;
}

const stored = (generation: number): Stored => ({ bytes: generation * 10, generation });

describe('readUnderLock', () => {
  it('keeps the early read when no tab saved before the lock was held', async () => {
    const store = fakeStore(stored(3));
    const load = readUnderLock('lock', store.reader);
    expect(await load.result).toEqual(stored(3));
    expect(store.reads).toBe(1);
    load.release();
  });

  it('reads again when another tab saved between the early read and the lock', async () => {
    const store = fakeStore(stored(3));
    const load = readUnderLock('lock', {
      ...store.reader,
      // The other tab's save lands while this one waits for the lock.
      readGeneration: async () => {
        store.saveElsewhere(stored(4));
        return 4;
      },
    });
    expect(await load.result).toEqual(stored(4));
    expect(store.reads).toBe(2);
    load.release();
  });

  it('reads again when the generation cannot be checked', async () => {
    const store = fakeStore(stored(1));
    const load = readUnderLock('lock', {
      ...store.reader,
      readGeneration: () => Promise.reject(new Error('gone')),
    });
    expect(await load.result).toEqual(stored(1));
    expect(store.reads).toBe(2);
    load.release();
  });

  it('reads again when the work done first under the lock changed what is stored', async () => {
    const store = fakeStore(stored(1));
    const load = readUnderLock('lock', {
      ...store.reader,
      underLock: async () => {
        // A conversion from an older format keeps the generation but rewrites the store.
        store.saveElsewhere({ bytes: 99, generation: 1 });
        return true;
      },
    });
    expect(await load.result).toEqual({ bytes: 99, generation: 1 });
    expect(store.reads).toBe(2);
    load.release();
  });

  it('rejects when the read fails, and does not hold the lock', async () => {
    const load = readUnderLock<Stored>('lock', {
      read: () => Promise.reject(new Error('IndexedDB is gone')),
      generationOf: (stored) => stored.generation,
      readGeneration: async () => 0,
    });
    await expect(load.result).rejects.toThrow('IndexedDB is gone');
    const next = readUnderLock('lock', fakeStore(stored(2)).reader);
    expect(await next.result).toEqual(stored(2));
    next.release();
  });

  it('says it waits once its read is in while another tab holds the lock, and goes on when that tab lets go', async () => {
    await withFakeLocks(async () => {
      const store = fakeStore(stored(2));
      const first = readUnderLock('lock', store.reader);
      await first.result;
      const second = readUnderLock('lock', store.reader);
      const waited = await Promise.race([
        second.waiting.then(() => true),
        second.result.then(() => false),
      ]);
      expect(waited).toBe(true);
      first.release();
      expect(await second.result).toEqual(stored(2));
      second.release();
    });
  });

  it('never says it waits when the lock was free', async () => {
    await withFakeLocks(async () => {
      const load = readUnderLock('lock', fakeStore(stored(1)).reader);
      let waited = false;
      void load.waiting.then(() => {
        waited = true;
      });
      await load.result;
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(waited).toBe(false);
      load.release();
    });
  });
});

/** Runs `work` with Web Locks in `navigator.locks` (Node has none), granted as a browser does. */
async function withFakeLocks(work: () => Promise<void>): Promise<void> {
  const restore = installWebLocks({ grantAfterTask: true, reportHeld: true });
  try {
    await work();
  } finally {
    restore();
  }
}
