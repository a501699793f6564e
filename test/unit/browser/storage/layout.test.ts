import { afterEach, describe, expect, it, vi } from 'vitest';
import { newFileId } from '../../../../src/browser/storage/layout.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('a new file id', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is a random UUID where crypto.randomUUID exists', () => {
    expect(newFileId()).toMatch(UUID_V4);
  });

  it('is a random UUID too on a non-secure origin, where crypto.randomUUID is missing', () => {
    // What a plain-http page (not localhost) offers: getRandomValues, no randomUUID.
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', {
      getRandomValues: (bytes: Uint8Array<ArrayBuffer>) => real.getRandomValues(bytes),
    });
    const ids = Array.from({ length: 50 }, () => newFileId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
