import { checksumInput, type Migration } from '../../index.ts';

/**
 * The migrations' checksums, from the browser's native SHA-256 (off this thread, which the read
 * needs); undefined where there is none (a page not served securely), and the runner works them
 * out itself.
 */
export async function nativeChecksums(
  migrations: readonly Migration[],
): Promise<Record<string, string> | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return undefined;
  const encoder = new TextEncoder();
  try {
    const digests = await Promise.all(
      migrations.map((migration) =>
        subtle.digest('SHA-256', encoder.encode(checksumInput(migration.sql))),
      ),
    );
    return Object.fromEntries(
      migrations.map((migration, index) => [migration.name, hex(digests[index] as ArrayBuffer)]),
    );
  } catch {
    return undefined;
  }
}

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
