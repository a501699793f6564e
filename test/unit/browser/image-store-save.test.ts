import { describe, expect, it } from 'vitest';
import {
  BACKUPS_KEY,
  GENERATION_KEY,
  IMAGE_KEY,
  type ObjectWrites,
  writeSave,
} from '../../../src/browser/image-store.ts';

/** An object store over a Map whose requests succeed on the next microtask, as IndexedDB's do. */
function fakeObjectStore(entries: Record<string, unknown>) {
  const data = new Map<IDBValidKey, unknown>(Object.entries(entries));
  const succeed = (result: unknown) => {
    const request = { result } as { result: unknown; onsuccess?: () => void };
    queueMicrotask(() => request.onsuccess?.());
    return request as unknown as IDBRequest;
  };
  const objects = {
    get: (key: IDBValidKey) => succeed(data.get(key)),
    put: (value: unknown, key?: IDBValidKey) => {
      data.set(key as IDBValidKey, value);
      return succeed(key);
    },
    delete: (key: IDBValidKey) => {
      data.delete(key);
      return succeed(undefined);
    },
  } as unknown as ObjectWrites;
  return { objects, data };
}

describe('writeSave', () => {
  it('writes the image when the stored generation is the one the save follows', async () => {
    const { objects, data } = fakeObjectStore({
      [IMAGE_KEY]: new Uint8Array([1]),
      [GENERATION_KEY]: 4,
    });
    await writeSave(objects, { bytes: new Uint8Array([2]), generation: 5 });
    expect(data.get(IMAGE_KEY)).toEqual(new Uint8Array([2]));
    expect(data.get(GENERATION_KEY)).toBe(5);
  });

  it('refuses with CONFLICT and writes nothing when another tab saved a newer generation', async () => {
    const { objects, data } = fakeObjectStore({
      [IMAGE_KEY]: new Uint8Array([9]),
      [GENERATION_KEY]: 5,
    });
    await expect(
      writeSave(objects, {
        bytes: new Uint8Array([2]),
        generation: 5,
        backup: { bytes: new Uint8Array([1]), generation: 4, reason: 'pre-migration' },
      }),
    ).rejects.toMatchObject({ name: 'DatabaseError', code: 'CONFLICT' });
    expect(data.get(IMAGE_KEY)).toEqual(new Uint8Array([9]));
    expect(data.get(GENERATION_KEY)).toBe(5);
    expect(data.has(BACKUPS_KEY)).toBe(false);
  });

  it('writes the first image of an empty store as generation 1', async () => {
    const { objects, data } = fakeObjectStore({});
    await writeSave(objects, { bytes: new Uint8Array([1]), generation: 1 });
    expect(data.get(GENERATION_KEY)).toBe(1);
  });
});
