/**
 * The list of backups a database's store keeps: plain data about each stored image (the bytes
 * live under their own keys, so listing backups never reads tens of megabytes).
 */

/** Why an image was kept. */
export type BackupReason =
  /** The image as it was before a load migrated it. */
  | 'pre-migration'
  /** The image an adopted upload replaced. */
  | 'pre-adopt'
  /** The image a restored backup replaced. */
  | 'pre-restore';

/** One stored backup, as `listBackups` returns it. */
export interface BackupEntry {
  /** Names the backup for `readBackup` and `restoreBackup`. */
  id: string;
  reason: BackupReason;
  /** When the backup was made, ISO 8601. */
  createdAt: string;
  sizeBytes: number;
  /** The generation the image had while it was the database. */
  generation: number;
}

/** How many backups a store keeps; the oldest go first. Each may be as large as the database. */
export const BACKUPS_KEPT = 3;

/** The store key holding a backup's bytes. */
export function backupKey(id: string): string {
  return `backup:${id}`;
}

/** The entry for an image about to become a backup. */
export function newBackupEntry(
  sizeBytes: number,
  generation: number,
  reason: BackupReason,
  now: Date = new Date(),
): BackupEntry {
  return {
    // The generation alone would do (each one is replaced once), but an image restored from a
    // backup carries on under a new generation, so the time keeps ids apart across restores.
    id: `${generation}-${now.getTime().toString(36)}`,
    reason,
    createdAt: now.toISOString(),
    sizeBytes,
    generation,
  };
}

/** The list with `entry` first and no more than `kept` entries; `dropped` names those let go. */
export function withBackup(
  list: readonly BackupEntry[],
  entry: BackupEntry,
  kept: number = BACKUPS_KEPT,
): { list: BackupEntry[]; dropped: string[] } {
  const all = [entry, ...list.filter((other) => other.id !== entry.id)];
  return { list: all.slice(0, kept), dropped: all.slice(kept).map((other) => other.id) };
}

/** The stored list, or an empty one when the value is missing or not a list of entries. */
export function asBackupList(value: unknown): BackupEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is BackupEntry =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.id === 'string' &&
      typeof entry.reason === 'string' &&
      typeof entry.createdAt === 'string' &&
      typeof entry.sizeBytes === 'number' &&
      typeof entry.generation === 'number',
  );
}
