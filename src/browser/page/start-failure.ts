/**
 * Why a worker did not start, in words that name what stood in the way when it was the page's
 * Content-Security-Policy: its Trusted Types rule, or its `worker-src`. (SQLite's wasm failing
 * to compile for want of `'wasm-unsafe-eval'` happens inside the worker: see `worker/sqlite.ts`.)
 */

import { messageOf } from '../errors.ts';

/** Where the README shows the smallest policy that works, and how to start a worker under Trusted Types. */
const SEE = 'see "Content-Security-Policy and Trusted Types" in the README of sqljs-migrate';

/** Why `new Worker` threw: `what` is the worker (`The database worker`), `error` what it threw. */
export function notCreated(what: string, error: unknown): string {
  const said = messageOf(error);
  const name = error instanceof Error ? error.name : '';
  // Every engine throws a TypeError whose message names Trusted Types or a trusted URL, or (Firefox)
  // a "sink type mismatch".
  if (name === 'TypeError' && /trusted|sink type/i.test(said))
    return `${what} could not be started: the page requires Trusted Types (require-trusted-types-for 'script'), and a worker's script URL must then be a TrustedScriptURL (${said}). Pass createWorker, starting the worker from a URL your Trusted Types policy made; ${SEE}.`;
  // WebKit refuses a worker the policy's worker-src does not allow by throwing at once.
  if (name === 'SecurityError')
    return `${what} could not be started: the browser refused its script (${said}). The page's Content-Security-Policy must allow it in worker-src (or in script-src, which worker-src falls back to): 'self' for the worker shipped with sqljs-migrate; ${SEE}.`;
  return `${what} could not be started: ${said}`;
}

/** `worker-src` refused the worker's script: Chromium and Firefox say so with an `error` event. */
export function refusedByWorkerSrc(what: string): string {
  return `${what} could not be started: the page's Content-Security-Policy refused its script (worker-src). Allow it in worker-src (or in script-src, which worker-src falls back to): 'self' for the worker shipped with sqljs-migrate; ${SEE}.`;
}

/**
 * Watches the page for `worker-src` violations from now until `stop()`: a worker the policy
 * refuses fails with an `error` event that says nothing of why, but the violation is reported to
 * the document first.
 */
export function watchWorkerSrc(): { seen(): boolean; stop(): void } {
  if (typeof document === 'undefined') return { seen: () => false, stop() {} };
  let seen = false;
  const listener = (event: SecurityPolicyViolationEvent) => {
    if (event.effectiveDirective === 'worker-src') seen = true;
  };
  document.addEventListener('securitypolicyviolation', listener);
  return {
    seen: () => seen,
    stop: () => document.removeEventListener('securitypolicyviolation', listener),
  };
}
