/**
 * The cross-tab lock: a Web Lock every tab holds while it reads, migrates or saves the stored
 * file. Only the coordinator takes it.
 */

/** The name of database `name`'s Web Lock and BroadcastChannel. */
export function lockName(name: string): string {
  return `sqljs-migrate:${name}`;
}

/**
 * Runs `task` while holding the exclusive Web Lock `name`, so tabs that open or write at once
 * take turns. Where Web Locks are missing, or refused because the site's storage is blocked
 * (they share its permission), the task runs unguarded; every save is then still a
 * compare-and-set on the stored generation, so no tab overwrites another's.
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

/**
 * True when someone holds the Web Lock `name` now: asked while this context's own request for it
 * is still waiting, that is another tab. False where Web Locks are missing.
 */
export async function isHeld(name: string): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return false;
  try {
    return ((await locks.query()).held ?? []).some((held) => held.name === name);
  } catch {
    return false;
  }
}

/** False where the Web Locks API is missing (a non-secure origin, an older browser). */
function hasWebLocks(): boolean {
  return (globalThis.navigator as Navigator | undefined)?.locks !== undefined;
}

/**
 * What a tab tells the page where Web Locks are missing, naming the origin and what to do; null
 * where they are there. Browsers offer Web Locks only in secure contexts: https, or localhost.
 */
export function missingLocksWarning(): string | null {
  if (hasWebLocks()) return null;
  const fallback =
    'so tabs do not take turns; every save still checks that no other tab saved first, so none is overwritten';
  if (globalThis.isSecureContext === false)
    return `${globalThis.location?.origin ?? 'This origin'} is not a secure context, so the browser offers no Web Locks here, ${fallback}. Serve the app over https (or from localhost) to have them.`;
  return `This browser offers no Web Locks, ${fallback}.`;
}
