import type { Migration } from '../core/types.ts';
import { checksumOf } from '../index.ts';

/**
 * Uses the time the stored image takes to arrive from IndexedDB, when the worker's thread is
 * idle, to compute the bundled migrations' checksums: the runner needs them on every load and
 * caches them, and computed cold, after the image arrived, they were most of an up-to-date run's
 * time. One checksum per task, and none once `until` settles, so the load never waits for more
 * than one.
 */
export async function warmUp(
  migrations: readonly Migration[],
  until: Promise<unknown>,
): Promise<void> {
  let arrived = false;
  const settle = () => {
    arrived = true;
  };
  until.then(settle, settle);
  for (const migration of migrations) {
    await nextTask();
    if (arrived) return;
    checksumOf(migration.sql);
  }
}

/** Lets queued tasks (the IndexedDB result among them) run before the next step. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
