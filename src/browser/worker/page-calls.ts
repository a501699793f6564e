import { releaseProxy } from 'comlink';

/**
 * Calls the page at once (the message is posted now, even while a migration runs on), and lets
 * the answer go: a page that is gone (a closed tab) is not worth an unhandled rejection.
 */
export function tell(call: () => unknown): void {
  try {
    Promise.resolve(call()).catch(() => {});
  } catch {
    // A callback that cannot even be posted to is a page that is gone, too.
  }
}

/** Lets a callback the page handed over (a Comlink proxy) go: its message port closes. */
export function letGo(callback: unknown): void {
  tell(() => (callback as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.());
}
