import { release } from '../in-place-file.ts';

/**
 * Reads `file` into the start of a buffer with room to grow after it (see `in-place-file.ts`):
 * as large again as the file, at least 16 MB. Room is address space, not memory, until SQLite
 * writes into it; where the browser will not reserve that much, the buffer has no room and an
 * upgrade that grows the file costs a copy. The file is read whole, copied once, and the read
 * freed at once, so nothing of the read is left for the collector while the migrations run.
 * Undefined when the file changed or vanished on disk since it was picked.
 */
export async function readWithRoom(file: Blob): Promise<Uint8Array | undefined> {
  let read: ArrayBuffer;
  try {
    read = await file.arrayBuffer();
  } catch {
    return undefined;
  }
  if (read.byteLength !== file.size) return undefined;
  const capacity = allocate(file.size, Math.max(file.size, 16 * 1024 * 1024));
  capacity.set(new Uint8Array(read));
  release(read);
  return capacity;
}

function allocate(size: number, room: number): Uint8Array {
  try {
    return new Uint8Array(size + room);
  } catch {
    return new Uint8Array(size);
  }
}
