import { defineConfig } from 'vitest/config';

// test-results.json is what .ci/run adds up into "N passed, N failed".
// The end-to-end suite starts code-server and Chromium: long timeouts, one file at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
