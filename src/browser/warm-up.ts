import { checksumInput, rememberChecksum } from '../core/checksum.ts';
import type { Migration } from '../core/types.ts';
import { checksumOf } from '../index.ts';

/**
 * Works out the bundled migrations' checksums while the stored image is read: the runner needs
 * them on every load (it checks each applied migration's SQL against the ledger) and caches
 * them. Computed in JavaScript, cold, they cost about 14 ms of the worker's thread on the demo's
 * nine migrations, and that thread is what the IndexedDB read needs too. So the browser's own
 * SHA-256 (`crypto.subtle`, native and off this thread) does it, and the results are handed to
 * the runner's cache. Where there is no `crypto.subtle` (a page not served securely) or it fails,
 * they are computed here, one per task, and none once `until` settles, so the load never waits
 * for more than one.
 */
export async function warmUp(
  migrations: readonly Migration[],
  until: Promise<unknown>,
): Promise<void> {
  if (await rememberNativeChecksums(migrations)) return;
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

/** True when every checksum was worked out natively and handed to the runner. */
export async function rememberNativeChecksums(migrations: readonly Migration[]): Promise<boolean> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return false;
  const encoder = new TextEncoder();
  try {
    const digests = await Promise.all(
      migrations.map((migration) =>
        subtle.digest('SHA-256', encoder.encode(checksumInput(migration.sql))),
      ),
    );
    migrations.forEach((migration, index) => {
      rememberChecksum(migration.sql, hex(digests[index] as ArrayBuffer));
    });
    return true;
  } catch {
    return false;
  }
}

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Lets queued tasks (the IndexedDB result among them) run before the next step. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
