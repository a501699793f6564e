/**
 * How a database is laid out in IndexedDB: one IndexedDB database per app database, one object
 * store in it, and in that store a manifest, the chunk versions it names, and the backup list.
 * Every module that reads or writes the store reads the layout from here.
 */

/**
 * How long a chunk is: a load reads every chunk, and a save writes the ones SQLite changed, so
 * smaller chunks make loads slower and larger ones make a one-row save write more. It stays just
 * under 64 KiB, where Chromium starts compressing a value and stores one it cannot compress as a
 * file of its own, which makes a file of photos or encrypted data load far more slowly; and it
 * is a whole number of 4 KiB pages (SQLite's default size), so such a page lies in one chunk.
 * The size was chosen by measurement (`BENCH_ONLY=chunks npm run bench`; see bench/README.md).
 */
export const CHUNK_BYTES = 60 * 1024;

/** How many backups a store keeps; the oldest go first. */
export const BACKUPS_KEPT = 3;

/**
 * The IndexedDB database and object store that hold database `name`. The store is called
 * `images` because 0.1.0 kept one whole image of the file there; the name stays, so stores written
 * by every version are found.
 */
export function storeNames(name: string): { database: string; store: string } {
  return { database: `sqljs-migrate:${name}`, store: 'images' };
}

/** The key of the live file's manifest. */
export const MANIFEST_KEY = 'manifest';
/** The key of the backup list. */
export const BACKUP_LIST_KEY = 'backup-list';

/** The key of one chunk version. */
export function chunkKey(index: number, version: number): [string, number, number] {
  return ['chunk', index, version];
}

/** Every chunk key: `['chunk', …]` sorts after `['chunk']` and before `['chunk', []]`. */
export function chunkKeyRange(): IDBKeyRange {
  return IDBKeyRange.bound(['chunk'], ['chunk', []]);
}

/** Which chunk versions make up one stored file. */
export interface Manifest {
  /** Counts saves of the database by any tab: each writes the previous generation plus one. */
  generation: number;
  fileSize: number;
  chunkSize: number;
  /**
   * `chunks[i]` is the version of chunk `i`, a number no other write of that chunk uses: the
   * generation of the save that wrote it, a random fraction for a replacement's staged chunks,
   * or below zero for a backup converted from 0.1.0's format.
   */
  chunks: number[];
  /**
   * Which file this is: new whenever a file replaces the stored one wholesale (an adopted
   * upload, a restored backup, a conversion from 0.1.0's format), kept by every save. A tab that
   * finds another one knows the file was replaced, whether or not it heard that announced.
   * Missing from manifests stored before it was kept.
   */
  fileId?: string;
}

/**
 * A new `Manifest.fileId`: a random UUID. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost), so on a plain-http origin the same UUID (version 4) is made from
 * `crypto.getRandomValues`, which exists everywhere.
 */
export function newFileId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // The version (4) and variant (10xx) bits, as RFC 9562 sets them.
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Why a file was kept as a backup. */
export type BackupReason =
  /** The file as it was before a load migrated it. */
  | 'pre-migration'
  /** The file an adopted upload replaced. */
  | 'pre-adopt'
  /** The file a restored backup replaced. */
  | 'pre-restore';

/** One stored backup, as `listBackups` returns it. */
export interface BackupEntry {
  /** Names the backup for `readBackup` and `restoreBackup`. */
  id: string;
  reason: BackupReason;
  /** When the backup was made, ISO 8601. */
  createdAt: string;
  sizeBytes: number;
  /** The generation the file had while it was the database. */
  generation: number;
}

/** A backup as the store keeps it: its entry and the manifest of its chunks. */
export interface StoredBackup extends BackupEntry {
  manifest: Manifest;
}

/** A backup of the file `manifest` describes, made now. */
export function backupOf(manifest: Manifest, reason: BackupReason, now = new Date()): StoredBackup {
  return {
    // The generation alone would do (each one is replaced once), but a file restored from a
    // backup carries on under a new generation, so the time keeps ids apart across restores.
    id: `${manifest.generation}-${now.getTime().toString(36)}`,
    reason,
    createdAt: now.toISOString(),
    sizeBytes: manifest.fileSize,
    generation: manifest.generation,
    manifest,
  };
}

/** A stored backup's entry, without its manifest. */
export function entryOf({
  id,
  reason,
  createdAt,
  sizeBytes,
  generation,
}: BackupEntry): BackupEntry {
  return { id, reason, createdAt, sizeBytes, generation };
}

/** The list with `entry` first and no more than `BACKUPS_KEPT` entries; `dropped`: those let go. */
export function withBackup(
  list: readonly StoredBackup[],
  entry: StoredBackup,
): { list: StoredBackup[]; dropped: StoredBackup[] } {
  const all = [entry, ...list.filter((other) => other.id !== entry.id)];
  return { list: all.slice(0, BACKUPS_KEPT), dropped: all.slice(BACKUPS_KEPT) };
}

/** The stored list, or an empty one when the value is missing or not a list of backups. */
export function asBackupList(value: unknown): StoredBackup[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is StoredBackup =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.id === 'string' &&
      typeof entry.reason === 'string' &&
      typeof entry.createdAt === 'string' &&
      typeof entry.sizeBytes === 'number' &&
      typeof entry.generation === 'number' &&
      isManifest(entry.manifest),
  );
}

/** The stored value as a manifest, or undefined when it is missing or not one. */
export function asManifest(value: unknown): Manifest | undefined {
  return isManifest(value) ? value : undefined;
}

function isManifest(value: unknown): value is Manifest {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Manifest).generation === 'number' &&
    typeof (value as Manifest).fileSize === 'number' &&
    typeof (value as Manifest).chunkSize === 'number' &&
    Array.isArray((value as Manifest).chunks)
  );
}
