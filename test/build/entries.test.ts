import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../e2e/support/sites.ts';

/**
 * Every package a module of `src/` reaches through its imports (type-only imports erased), from
 * the entry `entry`: what an app that imports that entry ships at most.
 */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(
      /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm,
    )) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else
        packages.add(specifier.startsWith('@') ? specifier : (specifier.split('/')[0] as string));
    }
  };
  visit(path.join(PROJECT_ROOT, 'src', entry));
  return packages;
}

describe("the package's entries", () => {
  it.each([['browser.ts'], ['upload.ts'], ['index.ts']])(
    '%s reaches neither Kysely nor Drizzle, so an app that imports neither adapter ships neither',
    (entry) => {
      const reached = packagesReachedFrom(entry);
      expect(reached.has('kysely')).toBe(false);
      expect(reached.has('drizzle-orm')).toBe(false);
    },
  );

  it('the Kysely adapter reaches Kysely and not Drizzle, and the Drizzle adapter the reverse', () => {
    const kysely = packagesReachedFrom('kysely.ts');
    const drizzle = packagesReachedFrom('drizzle.ts');
    expect([kysely.has('kysely'), kysely.has('drizzle-orm')]).toEqual([true, false]);
    expect([drizzle.has('drizzle-orm'), drizzle.has('kysely')]).toEqual([true, false]);
  });
});
