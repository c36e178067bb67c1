import { defineConfig } from 'vitest/config';

// The repository's own tests (test/): setup scripts, packaging, the Action's root metadata,
// the release plan. The runnable examples (examples/) are a workspace package with their own suite.
// test-results.json is what .ci/run adds up into "N passed, N failed".
export default defineConfig({
  test: {
    include: ['test/**/*.test.{mjs,js,ts}'],
    exclude: ['**/node_modules/**'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
