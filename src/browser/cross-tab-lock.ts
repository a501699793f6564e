/** The Web Lock every tab of one database takes before it reads, migrates or saves the image. */
export function lockName(name: string): string {
  return `sqljs-migrate:${name}`;
}

/**
 * Runs `task` while holding the exclusive Web Lock `name`, so tabs that open or write at once
 * take turns. Where Web Locks are missing (very old browsers) the task runs unguarded: there is
 * no other cross-tab primitive that would do better.
 */
export async function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return task();
  return locks.request(name, { mode: 'exclusive' }, task);
}
