/** Milliseconds from a monotonic clock where there is one (browsers, Node), else wall time. */
export function now(): number {
  const performance = (globalThis as { performance?: { now(): number } }).performance;
  return performance ? performance.now() : Date.now();
}

/** Rounds a duration to a tenth of a millisecond for reports and the ledger. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
