import { defineConfig } from 'vitest/config';

// test-results.json is what .ci/run adds up into "N passed, N failed".
// The end-to-end files each start nginx and sandboxes and spawn the CLI many times:
// one file at a time keeps them from starving each other on small machines.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    globalSetup: ['test/build-cli.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
