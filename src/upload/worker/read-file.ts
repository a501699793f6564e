import { bufferWithRoom } from '../../browser/storage/tracked-file.ts';

/**
 * The uploaded file's bytes, in and out of the upload worker: read from the picked file straight
 * into the buffer SQLite will keep, and made a Blob again for a download.
 */

/**
 * Reads `file` into the start of a buffer with room to grow after it (see `tracked-file.ts`):
 * as large again as the file, at least 16 MB. Room is address space, not memory, until SQLite
 * writes into it; where the browser will not reserve that much, the buffer has no room and an
 * upgrade that grows the file costs a copy. Undefined when the file changed or vanished on disk
 * since it was picked.
 *
 * The file's stream writes straight into that buffer where the browser lets a reader bring its
 * own buffer, so the file is never held twice. Elsewhere it is read a slice at a time: reading it
 * whole would hold it twice, and a buffer the browser read a Blob into is freed only by the
 * collector (letting go of it early does not free it), so the slices are kept small.
 */
export async function readWithRoom(
  file: Blob,
  stallMs = STALL_MS,
): Promise<Uint8Array | undefined> {
  try {
    return await readInto(file, bufferWithRoom(file.size, file.size), stallMs);
  } catch {
    return undefined;
  }
}

async function readInto(
  file: Blob,
  capacity: Uint8Array,
  stallMs: number,
): Promise<Uint8Array | undefined> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = file.stream().getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream in this browser.
    return readSlices(file, capacity);
  }
  // Each read takes the buffer over and hands it back in its answer, so it is followed along.
  let buffer = capacity.buffer as ArrayBuffer;
  let offset = 0;
  while (offset < file.size) {
    const view = new Uint8Array(buffer, offset, Math.min(READ_BYTES, file.size - offset));
    const read = await withinTime(reader.read(view), stallMs);
    if (read === 'stalled') return readAgainInSlices(reader, file);
    if (read.done || read.value === undefined) break;
    buffer = read.value.buffer as ArrayBuffer;
    offset += read.value.byteLength;
  }
  if (offset !== file.size) {
    await reader.cancel().catch(() => {});
    return undefined;
  }
  // A file that grew on disk since it was picked has more to give than its size said.
  const end = await withinTime(reader.read(new Uint8Array(1)), stallMs);
  if (end === 'stalled') return readAgainInSlices(reader, file);
  if (!end.done) {
    await reader.cancel().catch(() => {});
    return undefined;
  }
  return new Uint8Array(buffer);
}

/** After a read that never answered: the buffer went with it, so the file is read into a new one. */
function readAgainInSlices(
  reader: ReadableStreamBYOBReader,
  file: Blob,
): Promise<Uint8Array | undefined> {
  void reader.cancel().catch(() => {});
  return readSlices(file, bufferWithRoom(file.size, file.size));
}

async function readSlices(file: Blob, capacity: Uint8Array): Promise<Uint8Array | undefined> {
  for (let offset = 0; offset < file.size; offset += READ_BYTES) {
    const slice = await file.slice(offset, offset + READ_BYTES).arrayBuffer();
    if (slice.byteLength !== Math.min(READ_BYTES, file.size - offset)) return undefined;
    capacity.set(new Uint8Array(slice), offset);
  }
  return capacity;
}

/** Large enough that the reads cost little more than one; small beside any file worth reading in parts. */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * How long a read may bring nothing before the file is read another way. A read of a local file
 * answers in milliseconds; this only guards against one that never answers.
 */
const STALL_MS = 10_000;

function withinTime<T>(read: Promise<T>, ms: number): Promise<T | 'stalled'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), ms);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/** Small beside the files this is for, large enough that a 50 MB file is a dozen parts. */
const BLOB_PART_BYTES = 4 * 1024 * 1024;

/**
 * The first `byteLength` bytes of `file` as a SQLite file's Blob. `new Blob([whole file])` copies
 * the file at once beside the buffer it came from; made of parts, each part's copy is a Blob of its
 * own, which the browser moves to its blob storage while the next is made.
 */
export function blobInParts(file: ArrayBuffer, byteLength: number): Blob {
  const parts: Blob[] = [];
  for (let offset = 0; offset < byteLength; offset += BLOB_PART_BYTES) {
    const length = Math.min(BLOB_PART_BYTES, byteLength - offset);
    parts.push(new Blob([new Uint8Array(file, offset, length)]));
  }
  return new Blob(parts, { type: 'application/vnd.sqlite3' });
}
