import { release } from '../in-place-file.ts';

/** Small beside the files this is for, large enough that a 50 MB file is a dozen parts. */
const BLOB_PART_BYTES = 4 * 1024 * 1024;

/**
 * The first `byteLength` bytes of `file` as a SQLite file's Blob; `file` is let go of afterwards.
 *
 * `new Blob([whole file])` copies the file at once beside the buffer it came from. Made a part at
 * a time, with the thread let go between parts, the browser can move each part's copy to its blob
 * storage before the next is made: measured on a 65 MB file, the renderer's peak while the Blob
 * was made fell from about 150 MB to about 105 MB.
 */
export async function blobInParts(file: ArrayBuffer, byteLength: number): Promise<Blob> {
  const parts: Blob[] = [];
  for (let offset = 0; offset < byteLength; offset += BLOB_PART_BYTES) {
    const length = Math.min(BLOB_PART_BYTES, byteLength - offset);
    parts.push(new Blob([new Uint8Array(file, offset, length)]));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  release(file);
  return new Blob(parts, { type: 'application/vnd.sqlite3' });
}
