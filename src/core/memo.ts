/**
 * A bounded cache for pure functions of text: the same SQL always has the same checksum, table
 * shape or normal form, and detection asks for them many times over (once per step of a replayed
 * history). When full it starts over, which keeps it simple and its memory bounded.
 */
export function memoize<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}
