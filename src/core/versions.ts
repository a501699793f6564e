/**
 * Versions as migration tools write them, compared as those tools compare them: a run of digits
 * (`003`, `20240101120000`) is a number, however long, and Flyway's dotted versions (`1.1`,
 * `1.10`) are compared part by part, `1.0` being `1`.
 */
import { MigrationError } from './errors.ts';

/** The numeric parts a version text starts with (`1.1__x` → [1n, 1n]); null when it starts with no digit. */
export function versionParts(text: string): bigint[] | null {
  const match = /^\d+(?:\.\d+)*/.exec(text);
  if (match === null) return null;
  const parts = match[0].split('.').map((part) => BigInt(part));
  // Trailing zero parts say nothing: Flyway reads 1.0 as 1.
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return parts;
}

/** Negative, zero or positive as version `a` sorts before, with or after `b`. */
export function compareVersionParts(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative, zero or positive as version text `a` sorts before, with or after `b`. */
export function compareVersions(a: string, b: string): number {
  return compareVersionParts(versionParts(a) ?? [], versionParts(b) ?? []);
}

/** Compares two strings by their UTF-16 code units, as a file listing sorts names. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Refuses two migrations of one version (`1_a.sql` and `001_b.sql`, Flyway's `V1` and `V1.0`):
 * which runs first would be a guess.
 */
export function refuseSharedVersions(
  migrations: readonly { name: string; version: string }[],
): void {
  const seen = new Map<string, string>();
  for (const { name, version } of migrations) {
    const key = (versionParts(version) ?? []).join('.');
    const other = seen.get(key);
    if (other !== undefined)
      throw new MigrationError(
        'DUPLICATE_NUMBER',
        `${name}: shares its number with ${other}; give one of them the next free number`,
        { migrationName: name },
      );
    seen.set(key, name);
  }
}
