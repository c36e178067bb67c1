import { defineConfig } from 'vitest/config';

// The repository's own tests (test/): setup scripts, packaging, the Action's root metadata,
// the release plan; and tests of the runnable examples (examples/), when there are any.
// test-results.json is what .ci/run adds up into "N passed, N failed".
export default defineConfig({
  test: {
    include: ['test/**/*.test.{mjs,js,ts}', 'examples/**/*.test.{mjs,js,ts}'],
    exclude: ['**/node_modules/**'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
