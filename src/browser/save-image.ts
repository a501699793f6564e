import type { Database } from 'sql.js';
import { type DatabaseErrorCode, isDatabaseError } from './database-error.ts';
import { type ImageStore, storageFailure } from './image-store.ts';
import { exportImage } from './sql-loader.ts';

/** What a save did: the generation and size now stored, or why nothing was. */
export type SaveOutcome =
  | { ok: true; generation: number; sizeBytes: number }
  | { ok: false; code: DatabaseErrorCode; problem: string };

/**
 * Writes the live database as the generation after `generation`, with `replaced` (the image a
 * migration changed) kept as a backup in the same transaction. A refused write leaves the stored
 * image as it was, and the problem says so in words a person can act on.
 */
export async function saveImage(
  store: ImageStore,
  db: Database,
  generation: number,
  replaced: Uint8Array | undefined,
): Promise<SaveOutcome> {
  const bytes = exportImage(db);
  try {
    await store.save({
      bytes,
      generation: generation + 1,
      backup:
        replaced === undefined
          ? undefined
          : { bytes: replaced, generation, reason: 'pre-migration' },
    });
  } catch (error) {
    if (isDatabaseError(error) && error.code === 'CONFLICT')
      return { ok: false, code: 'CONFLICT', problem: error.message };
    const failure = storageFailure(error, 'The last saved database is kept');
    return { ok: false, code: failure.code, problem: failure.message };
  }
  return { ok: true, generation: generation + 1, sizeBytes: bytes.byteLength };
}
