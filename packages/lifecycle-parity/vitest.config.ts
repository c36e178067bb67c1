import { defineConfig } from 'vitest/config';

// test-results.json is what .ci/run adds up into "N passed, N failed".
// Each test starts sandboxes and runs a front end several times (the CLI as a child
// process, a 111 retry waits 1–2 s): one file at a time, generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    globalSetup: ['test/check-cli-build.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
