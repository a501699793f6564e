import { describe, expect, it } from 'vitest';
import { blobInParts } from '../../../src/browser/upload/blob-in-parts.ts';

describe('blobInParts', () => {
  it('holds the first bytes of the buffer, in order, across several parts', async () => {
    const size = 9 * 1024 * 1024 + 17;
    const file = new ArrayBuffer(size + 4096);
    const bytes = new Uint8Array(file);
    for (let i = 0; i < bytes.byteLength; i++) bytes[i] = (i * 7 + (i >> 16)) & 0xff;
    const expected = Buffer.from(bytes.slice(0, size));

    const blob = blobInParts(file, size);

    expect(blob.size).toBe(size);
    expect(blob.type).toBe('application/vnd.sqlite3');
    expect(Buffer.from(await blob.arrayBuffer()).equals(expected)).toBe(true);
  });

  it('makes an empty Blob of no bytes', () => {
    expect(blobInParts(new ArrayBuffer(8), 0).size).toBe(0);
  });
});
