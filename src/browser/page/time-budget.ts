/** The longest delay a timer keeps: a larger one (or Infinity) fires at once. */
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
