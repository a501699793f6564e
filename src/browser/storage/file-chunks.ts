/**
 * A database file held as chunks of one size, the way the chunk store keeps it: a load hands
 * SQLite the chunks IndexedDB returned, as they are, rather than copying them into one buffer.
 */
export interface FileChunks {
  /** The file's length in bytes. */
  size: number;
  chunkSize: number;
  /**
   * Chunk `i` holds bytes `i × chunkSize …`; each is `chunkSize` long but the last, which may be
   * shorter. Undefined until a read puts it in (and read as zeros).
   */
  chunks: (Uint8Array | undefined)[];
}

/**
 * `buffer[0, size)` as chunks that are views into it: no copy. The room after `size` is cut into
 * chunks too, so a file that grows into it stays in `buffer`.
 */
export function chunksOver(buffer: Uint8Array, size: number, chunkSize: number): FileChunks {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < buffer.byteLength; start += chunkSize)
    chunks.push(buffer.subarray(start, Math.min(start + chunkSize, buffer.byteLength)));
  return { size, chunkSize, chunks };
}

/** The whole file in one new buffer. */
export function joinChunks(file: FileChunks): Uint8Array {
  const joined = new Uint8Array(file.size);
  for (const [index, chunk] of file.chunks.entries()) {
    const start = index * file.chunkSize;
    if (chunk === undefined || start >= file.size) continue;
    joined.set(chunk.subarray(0, Math.min(chunk.byteLength, file.size - start)), start);
  }
  return joined;
}
