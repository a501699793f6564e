import { describe, expect, it, vi } from 'vitest';
import { blobInParts, readWithRoom } from '../../../../src/upload/worker/read-file.ts';

const MB = 1024 * 1024;

/** `size` bytes that differ from one position to the next, so a misplaced slice shows. */
function patterned(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  return bytes;
}

/** Whether `capacity` starts with `bytes` and holds only zeros after them (large arrays make slow diffs). */
function holds(capacity: Uint8Array | undefined, bytes: Uint8Array): boolean {
  if (capacity === undefined) return false;
  const start = Buffer.from(capacity.buffer, capacity.byteOffset, bytes.byteLength);
  return start.equals(bytes) && capacity.subarray(bytes.byteLength).every((b) => b === 0);
}

/** A Blob whose stream is not a byte stream, as in browsers without reader-supplied buffers. */
function withoutByteStream(bytes: Uint8Array<ArrayBuffer>): Blob {
  const blob = new Blob([bytes]);
  Object.defineProperty(blob, 'stream', {
    value: () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
  });
  return blob;
}

/** A Blob that claims `size` bytes while its contents are `bytes` (a file changed on disk). */
function claiming(size: number, bytes: Uint8Array<ArrayBuffer>): Blob {
  const blob = new Blob([bytes]);
  Object.defineProperty(blob, 'size', { value: size });
  return blob;
}

describe('readWithRoom', () => {
  it('reads a file of several reads into the start of a buffer as large again', async () => {
    const bytes = patterned(17 * MB + 123);
    const blob = new Blob([bytes]);
    // Through the stream into the buffer itself: never a slice read beside it.
    const slice = vi.spyOn(blob, 'slice');
    const capacity = await readWithRoom(blob);
    expect(slice).not.toHaveBeenCalled();
    expect(capacity?.byteLength).toBe(bytes.byteLength * 2);
    expect(holds(capacity, bytes)).toBe(true);
  });

  it('leaves at least 16 MB of room after a small file', async () => {
    const bytes = patterned(4096);
    const capacity = await readWithRoom(new Blob([bytes]));
    expect(capacity?.byteLength).toBe(4096 + 16 * MB);
    expect(holds(capacity, bytes)).toBe(true);
  });

  it('reads in slices where the stream takes no buffer of the reader', async () => {
    const bytes = patterned(17 * MB + 5);
    const capacity = await readWithRoom(withoutByteStream(bytes));
    expect(capacity?.byteLength).toBe(bytes.byteLength * 2);
    expect(holds(capacity, bytes)).toBe(true);
  });

  it('reads in slices into a new buffer when a read never answers', async () => {
    const bytes = patterned(5 * MB + 7);
    const blob = new Blob([bytes]);
    Object.defineProperty(blob, 'stream', {
      value: () => new ReadableStream({ type: 'bytes', pull: () => new Promise(() => {}) }),
    });
    const capacity = await readWithRoom(blob, 20);
    expect(holds(capacity, bytes)).toBe(true);
  });

  it('reads in slices into a new buffer when the stream never says it has ended', async () => {
    const bytes = patterned(3 * MB + 1);
    const blob = new Blob([bytes]);
    Object.defineProperty(blob, 'stream', {
      value: () => {
        let sent = 0;
        return new ReadableStream({
          type: 'bytes',
          pull(controller) {
            const request = controller.byobRequest;
            if (request?.view === null || request === null || sent === bytes.byteLength)
              return new Promise(() => {});
            const view = request.view as Uint8Array;
            const length = Math.min(view.byteLength, bytes.byteLength - sent);
            view.set(bytes.subarray(sent, sent + length));
            sent += length;
            request.respond(length);
          },
        });
      },
    });
    const capacity = await readWithRoom(blob, 20);
    expect(holds(capacity, bytes)).toBe(true);
  });

  it('gives nothing for a file shorter or longer than its size says', async () => {
    const bytes = patterned(5 * MB);
    expect(await readWithRoom(claiming(bytes.byteLength + 1000, bytes))).toBeUndefined();
    expect(await readWithRoom(claiming(bytes.byteLength - 1000, bytes))).toBeUndefined();
  });

  it('gives nothing for a file that cannot be read', async () => {
    const blob = new Blob([patterned(1000)]);
    Object.defineProperty(blob, 'stream', {
      value: () => new ReadableStream({ type: 'bytes', pull: (c) => c.error(new Error('gone')) }),
    });
    expect(await readWithRoom(blob)).toBeUndefined();
  });
});

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
