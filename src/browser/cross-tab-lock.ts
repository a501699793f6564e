/** The Web Lock every tab of one database takes before it reads, migrates or saves the image. */
export function lockName(name: string): string {
  return `sqljs-migrate:${name}`;
}

/**
 * Runs `task` while holding the exclusive Web Lock `name`, so tabs that open or write at once
 * take turns. Where Web Locks are missing, or refused because the site's storage is blocked
 * (they share its permission), the task runs unguarded; every save is then still a
 * compare-and-set on the stored generation (see `writeSave`), so no tab overwrites another's.
 */
export async function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return task();
  let started = false;
  try {
    return await locks.request(name, { mode: 'exclusive' }, () => {
      started = true;
      return task();
    });
  } catch (error) {
    if (started) throw error;
    return task();
  }
}

/** False where the Web Locks API is missing (a non-secure origin, an older browser). */
export function hasWebLocks(): boolean {
  return (globalThis.navigator as Navigator | undefined)?.locks !== undefined;
}
