/** The middle value (the mean of the two middle ones for an even count): robust to outliers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
export const round3 = (value: number) => Math.round(value * 1000) / 1000;
/** Three significant figures: for ratios far below 1, such as bytes written ÷ the file's size. */
export const figures3 = (value: number) => Number(value.toPrecision(3));

/**
 * The median of each phase over some runs, named `<prefix><Phase><suffix>` (e.g. `libraryReadMs`
 * from `readMs`); a phase a run lacks counts as NaN for it.
 */
export function phaseMedians(
  prefix: string,
  runs: (Readonly<Record<string, number>> | undefined)[],
  suffix = '',
): Record<string, number> {
  const names = new Set(runs.flatMap((phases) => Object.keys(phases ?? {})));
  return Object.fromEntries(
    [...names].map((name) => [
      `${prefix}${name[0]?.toUpperCase()}${name.slice(1)}${suffix}`,
      round2(median(runs.map((phases) => phases?.[name] ?? Number.NaN))),
    ]),
  );
}

/** The items started `by` places in: each round measures the ways in another order, so none always goes first. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
