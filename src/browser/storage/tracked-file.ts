import type { Database, SqlJsStatic } from 'sql.js';

/**
 * A SQLite file that sql.js keeps in a buffer of ours, and which parts of it changed.
 *
 * sql.js keeps an open database's file in an in-memory file system, and `new Database(bytes)`
 * copies `bytes` into it with `bytes.slice()`. Answering that `slice` with our own buffer makes the
 * buffer the file: no copy when the file opens, and no regrowth (the file system's array grows by
 * copying the whole file) while the file fits. The buffer has room to grow after the file, which
 * costs no memory until SQLite writes into it.
 *
 * The file system writes into its array with `set(bytes, offset)`, so an own `set` on our buffer
 * sees every write as it lands: which chunks of the file changed since the last save, with no
 * export and no second copy to compare with. When the file outgrows the buffer, or SQLite cuts it
 * short, the file system moves to an array of its own and our `set` hears nothing more. So before
 * changes are trusted, a probe commit (SQLite rewrites the header with a new change counter) must
 * be heard landing in our buffer: the file system never hands an old array back, so a buffer that
 * still receives writes received every write before them. A probe that is not heard, or a size
 * that does not add up, means the changes cannot be proven: the file is then copied out whole and
 * reopened on a fresh buffer, and every chunk counts as changed.
 */
export class TrackedFile {
  db!: Database;
  private capacity!: Uint8Array;
  private length = 0;
  /** Counts the writes seen; each chunk's entry is the count at its last write. */
  private writes = 0;
  private readonly changed = new Map<number, number>();
  /** The count at which every chunk came to count as changed; null when none did. */
  private wholeFileSince: number | null = null;
  /** The count when `changes()` last listed them: `markSaved` forgets only what it listed. */
  private listedUpTo = 0;
  private headerWrites = 0;

  private constructor(
    private readonly sql: SqlJsStatic,
    private readonly options: TrackedFileOptions,
  ) {}

  /**
   * Opens the file held in `capacity[0, length)`, letting SQLite write into `capacity` itself.
   * The file counts as saved as it is: only what changes from here on is listed.
   */
  static open(
    sql: SqlJsStatic,
    capacity: Uint8Array,
    length: number,
    options: TrackedFileOptions,
  ): TrackedFile {
    const tracked = new TrackedFile(sql, options);
    tracked.openOn(capacity, length);
    return tracked;
  }

  /** A new, empty database, in a buffer of ours; all of it counts as changed (nothing is saved). */
  static create(sql: SqlJsStatic, options: TrackedFileOptions): TrackedFile {
    // An empty file is one the file system replaces on its first write, so the file starts as
    // SQLite's smallest: one page, no tables.
    const seed = new sql.Database();
    seed.exec('PRAGMA user_version = 0');
    const bytes = seed.export();
    seed.close();
    const tracked = TrackedFile.open(sql, withRoom(bytes, 0), bytes.byteLength, options);
    tracked.wholeFileSince = tracked.writes;
    return tracked;
  }

  /** The file's size, as SQLite counts it. */
  size(): number {
    return fileSize(this.db);
  }

  /**
   * The chunks changed since the last `markSaved`, in order, with the file's size. When the
   * changes cannot be proven, the file is first moved to a fresh buffer of ours (a copy out of
   * SQLite), and every chunk is listed. Call it with no transaction open.
   */
  changes(): { chunks: number[]; size: number; wholeFile: boolean } {
    if (!this.proven()) this.reopenOnCopy();
    const size = this.length;
    const count = Math.ceil(size / this.options.chunkSize);
    this.listedUpTo = this.writes;
    const wholeFile = this.wholeFileSince !== null;
    const chunks = wholeFile
      ? Array.from({ length: count }, (_, index) => index)
      : [...this.changed.keys()].filter((index) => index < count).sort((a, b) => a - b);
    return { chunks, size, wholeFile };
  }

  /** A copy of chunk `index` as the file holds it now (the last chunk may be short). */
  chunk(index: number): Uint8Array {
    const start = index * this.options.chunkSize;
    return this.capacity.slice(start, Math.min(start + this.options.chunkSize, this.length));
  }

  /** A copy of chunk `index` when it is as last saved, else undefined. */
  savedChunk(index: number): Uint8Array | undefined {
    if (this.wholeFileSince !== null || this.changed.has(index)) return undefined;
    return this.chunk(index);
  }

  /**
   * Forgets the changes the last `changes()` listed: they are saved. A write made since (while
   * the save was on its way) is kept for the next save.
   */
  markSaved(): void {
    for (const [index, write] of this.changed)
      if (write <= this.listedUpTo) this.changed.delete(index);
    if (this.wholeFileSince !== null && this.wholeFileSince <= this.listedUpTo)
      this.wholeFileSince = null;
  }

  /** A copy of the whole file, e.g. for a download. */
  bytes(): Uint8Array {
    if (!this.proven()) this.reopenOnCopy();
    return this.capacity.slice(0, this.length);
  }

  /**
   * Closes the database and hands its file over: the buffer SQLite wrote into when that can be
   * proven (no copy; the file is its first `byteLength` bytes), else a copy.
   */
  take(): { buffer: ArrayBuffer; byteLength: number; inPlace: boolean } {
    try {
      if (this.proven())
        return {
          buffer: this.capacity.buffer as ArrayBuffer,
          byteLength: this.length,
          inPlace: true,
        };
      const copy = this.db.export();
      return { buffer: copy.buffer as ArrayBuffer, byteLength: copy.byteLength, inPlace: false };
    } finally {
      this.db.close();
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs a probe commit and says whether it, and everything before it, landed in our buffer. */
  private proven(): boolean {
    const headerWritesBefore = this.headerWrites;
    const counterBefore = changeCounter(this.capacity);
    const version = Number(this.db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    this.db.exec(`PRAGMA user_version = ${version}`);
    return (
      this.headerWrites > headerWritesBefore &&
      changeCounter(this.capacity) === (counterBefore + 1) >>> 0 &&
      fileSize(this.db) === this.length
    );
  }

  /** Takes the file out of SQLite whole and reopens it on a fresh buffer of ours. */
  private reopenOnCopy(): void {
    const bytes = this.db.export();
    this.db.close();
    this.openOn(withRoom(bytes, bytes.byteLength), bytes.byteLength);
    this.wholeFileSince = ++this.writes;
  }

  /** Opens the file in `capacity[0, length)` with `capacity` as sql.js's file. */
  private openOn(capacity: Uint8Array, length: number): void {
    this.capacity = capacity;
    this.length = length;
    const record = (offset: number, written: number) => this.record(offset, written);
    const file = capacity.subarray(0, length);
    // The file system takes its copy with `slice`; answering with the buffer hands that over.
    Object.defineProperty(file, 'slice', { value: () => capacity });
    Object.defineProperty(capacity, 'set', {
      value(source: ArrayLike<number>, offset = 0) {
        Uint8Array.prototype.set.call(this, source, offset);
        record(offset, source.length);
      },
    });
    const db = new this.sql.Database(file);
    try {
      if (this.options.settings !== '') db.exec(this.options.settings);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
  }

  private record(offset: number, written: number): void {
    if (written === 0) return;
    if (offset === 0) this.headerWrites += 1;
    this.writes += 1;
    const { chunkSize } = this.options;
    // A write past the end grows the file over the bytes before it too: SQLite leaves pages it
    // freed in the same transaction unwritten, so those bytes change without a write of their own.
    const first = Math.floor(Math.min(offset, this.length) / chunkSize);
    const last = Math.floor((offset + written - 1) / chunkSize);
    for (let index = first; index <= last; index++) this.changed.set(index, this.writes);
    this.length = Math.max(this.length, offset + written);
  }
}

/** How a tracked file is cut into chunks, and the pragmas every connection to it starts with. */
export interface TrackedFileOptions {
  chunkSize: number;
  settings: string;
}

/** The database file's size, from SQLite's own page count (no export needed). */
export function fileSize(db: Database): number {
  const pages = db.exec('PRAGMA page_count')[0]?.values[0]?.[0];
  const pageSize = db.exec('PRAGMA page_size')[0]?.values[0]?.[0];
  return Number(pages ?? 0) * Number(pageSize ?? 0);
}

/**
 * A new buffer for a file of `length` bytes with `room` bytes after it, at least 16 MB: room is
 * address space, not memory, until SQLite writes into it. Where the browser will not reserve that
 * much, the buffer has no room, and a growing file costs a copy.
 */
export function bufferWithRoom(length: number, room: number): Uint8Array {
  try {
    return new Uint8Array(length + Math.max(room, 16 * 1024 * 1024));
  } catch {
    return new Uint8Array(length);
  }
}

/** `bytes` at the start of a new buffer with room after them (see `bufferWithRoom`). */
export function withRoom(bytes: Uint8Array, room: number): Uint8Array {
  const capacity = bufferWithRoom(bytes.byteLength, room);
  capacity.set(bytes);
  return capacity;
}

/** The header's change counter (4 bytes at offset 24, big endian), which every commit advances. */
function changeCounter(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset, 28).getUint32(24);
}
