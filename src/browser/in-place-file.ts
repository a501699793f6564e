import type { Database, SqlJsStatic } from 'sql.js';
import { fileSize } from './sql-loader.ts';

/**
 * Large files without copies.
 *
 * sql.js keeps an open database's file in an in-memory file system, and `new Database(bytes)`
 * copies `bytes` into it (with `bytes.slice()`): the file is held twice until the collector runs.
 * As SQLite then appends pages, the file system regrows its array by an eighth at a time, copying
 * the whole file on each step, so a migration that grows a 50 MB file briefly holds two copies of
 * it again. For an uploaded file those copies were most of the upgrade's memory.
 *
 * `openInPlace` hands sql.js a buffer for it to keep instead: the file in its first `length`
 * bytes and room to grow after them — room that costs no memory until SQLite writes into it, since
 * the pages of a fresh buffer are only backed once touched. The file system writes into that
 * buffer for as long as the file fits. If the file outgrows it, or a rollback cuts it short, the
 * file system moves to an array of its own; `takeFile` checks which happened before it trusts the
 * buffer, and exports a copy otherwise. A sql.js that copies by other means still works the same:
 * only the memory saving is lost.
 */

/** Opens the file held in `capacity[0, length)`, letting sql.js write into `capacity` itself. */
export function openInPlace(sql: SqlJsStatic, capacity: Uint8Array, length: number): Database {
  const file = capacity.subarray(0, length);
  // The file system takes its copy with `slice`; answering with the buffer hands that over.
  Object.defineProperty(file, 'slice', { value: () => capacity });
  return new sql.Database(file);
}

/** A database file taken out of sql.js, in a buffer of its own. */
export interface TakenFile {
  /** Holds the file in its first `byteLength` bytes; it may be larger (the room that was left). */
  buffer: ArrayBuffer;
  byteLength: number;
  /** True when no copy was made: the bytes are the buffer SQLite wrote into. */
  inPlace: boolean;
}

/**
 * Closes `db` and returns its file: the buffer `openInPlace` was given when SQLite still writes
 * into it (no copy), else a copy from `db.export()`. Call it with every transaction finished.
 */
export function takeFile(db: Database, capacity: Uint8Array | undefined): TakenFile {
  try {
    if (capacity !== undefined && writesLandIn(db, capacity)) {
      return { buffer: capacity.buffer as ArrayBuffer, byteLength: fileSize(db), inPlace: true };
    }
    const bytes = db.export();
    return { buffer: bytes.buffer as ArrayBuffer, byteLength: bytes.byteLength, inPlace: false };
  } finally {
    db.close();
  }
}

/** Lets go of a buffer's memory now rather than at the next collection, where the browser can. */
export function release(buffer: ArrayBuffer): void {
  (buffer as { transfer?: (length: number) => ArrayBuffer }).transfer?.call(buffer, 0);
}

/**
 * True when a commit lands in `capacity`: the header's user_version (4 bytes at offset 60, big
 * endian) is set to a value it did not have and read back from the buffer, then set back. A
 * buffer the file system has left keeps the old value, so a stale buffer is never taken for the
 * file.
 */
function writesLandIn(db: Database, capacity: Uint8Array): boolean {
  if (capacity.byteLength < 64) return false;
  const header = new DataView(capacity.buffer, capacity.byteOffset, 64);
  const original = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  const marker = original === 0x5a17e5 ? 0x5a17e6 : 0x5a17e5;
  db.exec(`PRAGMA user_version = ${marker}`);
  const marked = header.getInt32(60) === marker;
  db.exec(`PRAGMA user_version = ${original}`);
  return marked && header.getInt32(60) === original;
}
