import { defineConfig } from 'vitest/config';

// test-results.json is what .ci/run adds up into "N passed, N failed". The examples'
// own node:test file (sandbox-test-suite.test.mjs) is run by test/examples.test.ts with
// `node --test`, as its readers would run it, not collected by vitest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
