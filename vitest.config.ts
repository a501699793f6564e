import { defineConfig } from 'vitest/config';

// Unit tests run in Node against real sql.js; the Playwright suite under test/e2e is separate.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
