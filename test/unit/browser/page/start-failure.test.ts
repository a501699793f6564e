import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../../src/browser/page/open-database.ts';

const NOTES = {
  '/migrations/001_create_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
};

/** Opens with a worker that `create` makes (or throws); resolves with what the open rejected with. */
function openWith(create: () => Worker): Promise<unknown> {
  return openDatabase({ name: 'start-failure', migrations: NOTES, createWorker: create }).then(
    () => {
      throw new Error('the open succeeded');
    },
    (error: unknown) => error,
  );
}

/** A worker that only ever fails to load, as the browser reports it: an `error` event, no message. */
function workerThatFailsToLoad(): Worker {
  // Node has no ErrorEvent; the page's side checks for one.
  if (typeof ErrorEvent === 'undefined') vi.stubGlobal('ErrorEvent', class extends Event {});
  const target = new EventTarget();
  setTimeout(() => target.dispatchEvent(new Event('error', { cancelable: true })), 5);
  return Object.assign(target, {
    postMessage() {},
    terminate() {},
    start() {},
  }) as unknown as Worker;
}

describe('a worker that does not start', () => {
  afterEach(() => vi.unstubAllGlobals());

  // What each engine throws from `new Worker(url)` under `require-trusted-types-for 'script'`.
  it.each([
    [
      'Chromium',
      "Failed to construct 'Worker': This document requires 'TrustedScriptURL' assignment.",
    ],
    ['Firefox', 'Worker constructor: Sink type mismatch violation blocked by CSP'],
    ['WebKit', 'This assignment requires a TrustedScriptURL'],
  ])(
    'under Trusted Types (%s) is OPEN_FAILED naming the rule and what to pass',
    async (_, said) => {
      const error = await openWith(() => {
        throw new TypeError(said);
      });
      expect(error).toMatchObject({ name: 'DatabaseError', code: 'OPEN_FAILED' });
      const { message } = error as Error;
      expect(message).toContain("require-trusted-types-for 'script'");
      expect(message).toContain('createWorker');
      expect(message).toContain(said);
    },
  );

  it('refused at once by worker-src (WebKit) is OPEN_FAILED naming worker-src', async () => {
    const error = await openWith(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    expect(error).toMatchObject({ code: 'OPEN_FAILED' });
    expect((error as Error).message).toContain('worker-src');
  });

  it('refused by worker-src with an error event (Chromium, Firefox) is OPEN_FAILED naming worker-src', async () => {
    const page = new EventTarget();
    vi.stubGlobal('document', page);
    const error = await openWith(() => {
      const violation = Object.assign(new Event('securitypolicyviolation'), {
        effectiveDirective: 'worker-src',
      });
      setTimeout(() => page.dispatchEvent(violation), 1);
      return workerThatFailsToLoad();
    });
    expect(error).toMatchObject({ code: 'OPEN_FAILED' });
    expect((error as Error).message).toContain(
      'Content-Security-Policy refused its script (worker-src)',
    );
  });

  it('that fails to load with no violation reported says its script did not load', async () => {
    vi.stubGlobal('document', new EventTarget());
    const error = await openWith(workerThatFailsToLoad);
    expect(error).toMatchObject({ code: 'OPEN_FAILED' });
    expect((error as Error).message).toContain('failed to start or stopped with an error');
    expect((error as Error).message).not.toContain('worker-src');
  });
});
