import { describe, expect, it } from 'vitest';
import { databaseWorkerName, openingOf } from '../../../src/browser/protocol.ts';

describe('a database worker’s name', () => {
  it.each(['notes', 'a name with spaces & symbols = ? #', 'café/ünïcode'])(
    'says what it opens, whatever the database is called: %s',
    (name) => {
      const opening = {
        name,
        storage: 'auto' as const,
        wasmUrl: 'https://example.org/w.wasm?v=1&x',
      };
      expect(openingOf(databaseWorkerName(opening))).toEqual(opening);
    },
  );

  it.each([
    'sqljs-migrate',
    'my-worker',
    'sqljs-migrate?storage=auto',
    'sqljs-migrate?database=notes&storage=disk',
  ])('says nothing when the worker was started under another name: %s', (name) => {
    expect(openingOf(name)).toBeUndefined();
  });
});
