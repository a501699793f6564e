/**
 * A bounded cache for pure functions of text: the same SQL always has the same checksum, table
 * shape or normal form, and detection asks for them many times over (once per step of a replayed
 * history). When full it starts over, which keeps it simple and its memory bounded.
 */
export function memoize<T>(limit: number, compute: (key: string) => T): Memo<T> {
  const cache = new Map<string, T>();
  const remember = (key: string, value: T) => {
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
  };
  const memo = (key: string) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      remember(key, value);
    }
    return value;
  };
  return Object.assign(memo, { remember });
}

/** A memoized function, and a way to hand it a value worked out elsewhere. */
export interface Memo<T> {
  (key: string): T;
  /** Records `value` as the result for `key`; it must be exactly what computing it would give. */
  remember(key: string, value: T): void;
}
