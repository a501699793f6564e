import { release } from '../in-place-file.ts';

/** Small beside the files this is for, large enough that a 50 MB file is a dozen parts. */
const BLOB_PART_BYTES = 4 * 1024 * 1024;

/**
 * The first `byteLength` bytes of `file` as a SQLite file's Blob; `file` is let go of afterwards.
 *
 * `new Blob([whole file])` copies the file at once beside the buffer it came from. Made of parts,
 * each part's copy is a Blob of its own, which the browser moves to its blob storage while the
 * next is made: measured on a 65 MB file, the renderer's peak while the Blob was made fell from
 * about 150 MB to below the migration's own peak (about 129 MB). Letting the thread go between
 * parts changed nothing measurable and cost 60 ms.
 */
export function blobInParts(file: ArrayBuffer, byteLength: number): Blob {
  const parts: Blob[] = [];
  for (let offset = 0; offset < byteLength; offset += BLOB_PART_BYTES) {
    const length = Math.min(BLOB_PART_BYTES, byteLength - offset);
    parts.push(new Blob([new Uint8Array(file, offset, length)]));
  }
  release(file);
  return new Blob(parts, { type: 'application/vnd.sqlite3' });
}
