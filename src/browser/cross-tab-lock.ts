/** The Web Lock every tab of one database takes before it reads, migrates or saves the image. */
export function lockName(name: string): string {
  return `sqljs-migrate:${name}`;
}

/**
 * Runs `task` while holding the exclusive Web Lock `name`, so tabs that open or write at once
 * take turns. Where Web Locks are missing, or refused because the site's storage is blocked
 * (they share its permission), the task runs unguarded: storage is then per tab anyway, so
 * there is nothing shared to guard.
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
