import { afterEach, describe, expect, it, vi } from 'vitest';
import { whyEngineFailed } from '../../../../src/browser/worker/sqlite.ts';

describe('why SQLite did not load', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("names 'wasm-unsafe-eval' when the worker's policy lets no wasm compile", () => {
    // What a worker under `script-src 'self'` meets: every compile refused.
    class Refusing {
      constructor() {
        throw new WebAssembly.CompileError('call to WebAssembly.Module() blocked by CSP');
      }
    }
    vi.stubGlobal('WebAssembly', { ...WebAssembly, Module: Refusing });
    const explained = whyEngineFailed(new Error('both async and sync fetching of the wasm failed'));
    expect(explained.message).toContain("add 'wasm-unsafe-eval' to its script-src");
    expect(explained.message).toContain('both async and sync fetching of the wasm failed');
  });

  it('says so where the browser runs no WebAssembly at all', () => {
    vi.stubGlobal('WebAssembly', undefined);
    expect(whyEngineFailed(new Error('WebAssembly is not defined')).message).toContain(
      'runs no WebAssembly here',
    );
  });

  it('leaves any other failure as it was: a wasm file that did not load', () => {
    const failure = new Error('failed to fetch /missing.wasm');
    expect(whyEngineFailed(failure)).toBe(failure);
  });
});
