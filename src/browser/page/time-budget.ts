/**
 * A time budget for work done in a worker: SQLite cannot be interrupted inside a statement, so
 * work that outlives its budget (a migration that never ends) is stopped by ending its worker.
 */

/** The longest delay a timer keeps: a larger one (or Infinity) would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * A time budget an app asked for (`option`, in milliseconds), as a timer can keep it: a positive
 * number, at most about 24.8 days (asking for more, Infinity included, means no sooner). Throws a
 * `RangeError` naming the option for anything else.
 */
export function timeBudget(asked: number, option: string): number {
  if (!(asked > 0))
    throw new RangeError(`${option} must be a positive number of milliseconds, not ${asked}.`);
  return Math.min(asked, LONGEST_TIMER_MS);
}

/** How a piece of work may be stopped, and the errors it is stopped with. */
export interface Budget {
  /** Milliseconds, as `timeBudget` gives them. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The error when `timeoutMs` passes. */
  timedOut(): Error;
  /** The error when `signal` aborts. */
  cancelled(): Error;
}

/**
 * `work`, unless `timeoutMs` passes or `signal` aborts first: then it rejects with the budget's
 * error, and the caller ends the worker (or the transaction), which stops SQLite wherever it is.
 */
export function withinBudget<T>(work: Promise<T>, budget: Budget): Promise<T> {
  const { timeoutMs, signal } = budget;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const cancel = () => reject(budget.cancelled());
    if (signal?.aborted) cancel();
    onAbort = cancel;
    signal?.addEventListener('abort', cancel, { once: true });
    timer = setTimeout(() => reject(budget.timedOut()), timeoutMs);
  });
  return Promise.race([work, stopped]).finally(() => {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  });
}

/** A time budget in words: `500 ms`, `2 s`, `1.5 s`. */
export function describeBudget(timeoutMs: number): string {
  return timeoutMs < 1000 ? `${timeoutMs} ms` : `${Number((timeoutMs / 1000).toFixed(1))} s`;
}
