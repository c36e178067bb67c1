/**
 * What one `acmapi issue` loads of Node's built-in modules (issue 9's start-up budget): the
 * modules it never needs on that path stay unloaded. A bundling change that makes one of them
 * load at start (for example a new undici whose files no longer match scripts/bundle-bin.mjs's
 * rewrites, or a top-level import in core) fails here, where the CPU bench would only drift.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World } from './fixtures.js';

const preload = fileURLToPath(new URL('./support/report-builtins.cjs', import.meta.url));
let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.stop();
});

describe('built-in modules loaded by acmapi issue', () => {
  it('issues without loading http, http2, child_process or assert', async () => {
    const ca = await world.sandbox();
    const report = join(world.temp.path, 'builtins.txt');
    const run = await runCli(['issue', '-d', 'builtins.acmapi.test', '--out', join(world.temp.path, 'builtins-store')], {
      ...ca.env,
      NODE_OPTIONS: `--require ${preload}`,
      ACMAPI_TEST_BUILTINS_FILE: report,
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const loaded = new Set((await readFile(report, 'utf8')).split('\n').filter(Boolean));
    // The run did its work: TLS and crypto are there (the list is real, not empty).
    expect(loaded).toContain('tls');
    expect(loaded).toContain('crypto');
    for (const unneeded of ['http', 'http2', 'child_process', 'assert']) expect(loaded, unneeded).not.toContain(unneeded);
  });
});
