import type { Database, SqlJsStatic } from 'sql.js';
import { chunksOver, type FileChunks, joinChunks } from './file-chunks.ts';

/**
 * A SQLite file that sql.js keeps as our chunks, and which chunks of it changed.
 *
 * sql.js keeps an open database's file in an in-memory file system, and `new Database(bytes)`
 * copies `bytes` into it with `bytes.slice()`. Answering that `slice` with a file of our own makes
 * our chunks the file: the chunks a load read from IndexedDB are the file as they are, with no
 * copy into one buffer, and a file that grows gets new chunks rather than a copy of itself.
 *
 * The file system reads the file with `subarray` and writes it with `set`, so our file sees every
 * write as it lands: which chunks changed since the last save, with no export and no second copy
 * to compare with. When SQLite cuts the file short, the file system moves it to an array of its
 * own and our file hears nothing more. So before changes are trusted, a probe commit (SQLite
 * rewrites the header with a new change counter) must be heard landing in our chunks: the file
 * system never hands an old file back, so a file that still receives writes received every write
 * before them. A probe that is not heard, or a size that does not add up, means the changes cannot
 * be proven: the file is then copied out whole and reopened as chunks of ours, and every chunk
 * counts as changed.
 */
export class TrackedFile {
  db!: Database;
  private file!: FileChunks;
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
    private readonly settings: string,
  ) {}

  /**
   * Opens `file`, letting SQLite read and write its chunks themselves. The file counts as saved as
   * it is: only what changes from here on is listed.
   */
  static open(sql: SqlJsStatic, file: FileChunks, settings: string): TrackedFile {
    const tracked = new TrackedFile(sql, settings);
    tracked.openOn(file);
    return tracked;
  }

  /** A new, empty database in chunks of `chunkSize`; all of it counts as changed (nothing is saved). */
  static create(sql: SqlJsStatic, chunkSize: number, settings: string): TrackedFile {
    // An empty file is one the file system replaces on its first write, so the file starts as
    // SQLite's smallest: one page, no tables.
    const seed = new sql.Database();
    seed.exec('PRAGMA user_version = 0');
    const bytes = seed.export();
    seed.close();
    const tracked = TrackedFile.open(sql, chunksOver(bytes, bytes.byteLength, chunkSize), settings);
    tracked.wholeFileSince = tracked.writes;
    return tracked;
  }

  /** The file's size, as SQLite counts it. */
  size(): number {
    return fileSize(this.db);
  }

  /**
   * The chunks changed since the last `markSaved`, in order, with the file's size. When the
   * changes cannot be proven, the file is first copied out of SQLite and reopened as chunks of
   * ours, and every chunk is listed. Call it with no transaction open.
   */
  changes(): { chunks: number[]; size: number; wholeFile: boolean } {
    if (!this.proven()) this.reopenOnCopy();
    const size = this.file.size;
    const count = Math.ceil(size / this.file.chunkSize);
    this.listedUpTo = this.writes;
    const wholeFile = this.wholeFileSince !== null;
    const chunks = wholeFile
      ? Array.from({ length: count }, (_, index) => index)
      : [...this.changed.keys()].filter((index) => index < count).sort((a, b) => a - b);
    return { chunks, size, wholeFile };
  }

  /** A copy of chunk `index` as the file holds it now (the last chunk may be short). */
  chunk(index: number): Uint8Array {
    const start = index * this.file.chunkSize;
    const end = Math.min(start + this.file.chunkSize, this.file.size);
    const chunk = this.file.chunks[index];
    return chunk === undefined ? new Uint8Array(end - start) : chunk.slice(0, end - start);
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
    return joinChunks(this.file);
  }

  /**
   * Closes the database and hands its file over: the buffer SQLite wrote into when the file was
   * opened over one buffer (`chunksOver`), stayed inside it and that can be proven (no copy; the
   * file is its first `byteLength` bytes), else a copy.
   */
  take(): { buffer: ArrayBuffer; byteLength: number; inPlace: boolean } {
    try {
      const buffer = this.proven() ? this.oneBuffer() : undefined;
      if (buffer !== undefined) return { buffer, byteLength: this.file.size, inPlace: true };
      const copy = this.db.export();
      return { buffer: copy.buffer as ArrayBuffer, byteLength: copy.byteLength, inPlace: false };
    } finally {
      this.db.close();
    }
  }

  close(): void {
    this.db.close();
  }

  /** The one buffer every chunk of the file is a view into, in order from its start, if there is one. */
  private oneBuffer(): ArrayBuffer | undefined {
    const { chunks, chunkSize } = this.file;
    const buffer = chunks[0]?.buffer;
    for (let index = 0; index * chunkSize < this.file.size; index++) {
      const chunk = chunks[index];
      if (chunk === undefined || chunk.buffer !== buffer || chunk.byteOffset !== index * chunkSize)
        return undefined;
    }
    return buffer as ArrayBuffer | undefined;
  }

  /** Runs a probe commit and says whether it, and everything before it, landed in our chunks. */
  private proven(): boolean {
    const headerWritesBefore = this.headerWrites;
    const counterBefore = this.changeCounter();
    const version = Number(this.db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    this.db.exec(`PRAGMA user_version = ${version}`);
    return (
      this.headerWrites > headerWritesBefore &&
      this.changeCounter() === (counterBefore + 1) >>> 0 &&
      fileSize(this.db) === this.file.size
    );
  }

  /** The header's change counter (4 bytes at offset 24, big endian), which every commit advances. */
  private changeCounter(): number {
    const first = this.file.chunks[0];
    if (first === undefined || first.byteLength < 28) return Number.NaN;
    return new DataView(first.buffer, first.byteOffset, 28).getUint32(24);
  }

  /** Takes the file out of SQLite whole and reopens it as chunks of ours. */
  private reopenOnCopy(): void {
    const bytes = this.db.export();
    this.db.close();
    this.openOn(chunksOver(bytes, bytes.byteLength, this.file.chunkSize));
    this.wholeFileSince = ++this.writes;
  }

  /** Opens `file` with its chunks as sql.js's file. */
  private openOn(file: FileChunks): void {
    this.file = file;
    const contents = new ChunkedContents(file, (offset, written) => this.record(offset, written));
    // The file system takes its copy of what it opens with `slice`: the copy is our file.
    const opening = { length: file.size, subarray: () => opening, slice: () => contents };
    const db = new this.sql.Database(opening as unknown as Uint8Array);
    let failure: unknown;
    try {
      if (this.settings !== '') db.exec(this.settings);
      db.exec('PRAGMA schema_version');
    } catch (error) {
      failure = error;
    }
    // A build of sql.js that copied the file some other way would be reading something else.
    if (contents.reads === 0)
      failure = new Error(
        'This build of sql.js does not read the file it is given from its file system, so its changes cannot be tracked.',
      );
    if (failure !== undefined) {
      db.close();
      throw failure;
    }
    this.db = db;
  }

  private record(offset: number, written: number): void {
    if (written === 0) return;
    if (offset === 0) this.headerWrites += 1;
    this.writes += 1;
    const { chunkSize } = this.file;
    // A write past the end grows the file over the bytes before it too: SQLite leaves pages it
    // freed in the same transaction unwritten, so those bytes change without a write of their own.
    const first = Math.floor(Math.min(offset, this.file.size) / chunkSize);
    const last = Math.floor((offset + written - 1) / chunkSize);
    for (let index = first; index <= last; index++) this.changed.set(index, this.writes);
    this.file.size = Math.max(this.file.size, offset + written);
  }
}

/**
 * What sql.js's in-memory file system keeps as the file's contents: our chunks, behind the three
 * things the file system asks of its contents (`length`, `subarray`, `set`).
 */
class ChunkedContents {
  /** Reads served so far. */
  reads = 0;

  constructor(
    private readonly file: FileChunks,
    private readonly onWrite: (offset: number, written: number) => void,
  ) {}

  /**
   * The room the file system may write into without growing the contents itself: any, since
   * these contents grow by adding chunks.
   */
  get length(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  /** Bytes `start … end`: a view into one chunk, or a copy when they span chunks. */
  subarray(start: number, end: number): Uint8Array {
    this.reads += 1;
    const { chunks, chunkSize } = this.file;
    const first = Math.floor(start / chunkSize);
    const chunk = chunks[first];
    const at = first * chunkSize;
    if (chunk !== undefined && end <= at + chunk.byteLength)
      return chunk.subarray(start - at, end - at);
    const joined = new Uint8Array(Math.max(0, end - start));
    for (let index = first; index * chunkSize < end; index++) {
      const part = chunks[index];
      const from = index * chunkSize;
      if (part === undefined) continue;
      const low = Math.max(start, from);
      const high = Math.min(end, from + part.byteLength);
      if (high > low) joined.set(part.subarray(low - from, high - from), low - start);
    }
    return joined;
  }

  /** A copy of bytes `start … end`. */
  slice(start: number, end: number): Uint8Array {
    return this.subarray(start, end).slice();
  }

  set(source: Uint8Array, offset = 0): void {
    const { chunkSize } = this.file;
    for (let done = 0; done < source.length; ) {
      const position = offset + done;
      const index = Math.floor(position / chunkSize);
      const within = position - index * chunkSize;
      const count = Math.min(source.length - done, chunkSize - within);
      this.writable(index, within + count).set(source.subarray(done, done + count), within);
      done += count;
    }
    this.onWrite(offset, source.length);
  }

  /** Chunk `index`, at least `needed` bytes long: a short last chunk grows to a whole one. */
  private writable(index: number, needed: number): Uint8Array {
    const { chunks, chunkSize } = this.file;
    const chunk = chunks[index];
    if (chunk !== undefined && chunk.byteLength >= needed) return chunk;
    // Chunks between the end and this one hold bytes SQLite never wrote: zeros, as in any file.
    for (let hole = chunks.length; hole < index; hole++) chunks[hole] = new Uint8Array(chunkSize);
    const whole = new Uint8Array(chunkSize);
    if (chunk !== undefined) whole.set(chunk);
    chunks[index] = whole;
    return whole;
  }
}

/** The database file's size, from SQLite's own page count (no export needed). */
function fileSize(db: Database): number {
  const pages = db.exec('PRAGMA page_count')[0]?.values[0]?.[0];
  const pageSize = db.exec('PRAGMA page_size')[0]?.values[0]?.[0];
  return Number(pages ?? 0) * Number(pageSize ?? 0);
}

/**
 * A new buffer for a file of `length` bytes with `room` bytes after it, at least 16 MB: room is
 * address space, not memory, until SQLite writes into it. Where the browser will not reserve that
 * much, the buffer has no room.
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
