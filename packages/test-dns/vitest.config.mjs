import { defineConfig } from 'vitest/config';

// test-results.json is what .ci/run adds up into "N passed, N failed".
export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
