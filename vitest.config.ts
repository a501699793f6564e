import { defineConfig } from 'vitest/config';

// Two suites, both in Node: `unit` (test/unit, mirroring src/) against real sql.js, and `build`
// (test/build) for what the demo's build and its sample files do. The Playwright suite under
// test/e2e is separate.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // One module graph for the suite: each file's tests build their own databases and stores,
          // and loading sql.js again for every file was most of the suite's time.
          isolate: false,
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'build',
          include: ['test/build/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
    ],
  },
});
