/**
 * What one `acmapi issue` loads of Node's built-in modules (issue 9's start-up budget): the
 * modules it never needs on that path stay unloaded. A bundling change that makes one of them
 * load at start (for example a new undici whose files no longer match scripts/bundle-bin.mjs's
 * rewrites, or a top-level import in core) fails here, where the CPU bench would only drift.
 * The same holds for the libraries the build keeps in files of their own
 * (dist/programs/lazy/NAME.cjs): a plain issue reads none of them, and the path that needs one
 * still finds it.
 */
import { execFile } from 'node:child_process';
import { cp, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from './cli-harness.js';
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
    const required = join(world.temp.path, 'required.txt');
    const run = await runCli(['issue', '-d', 'builtins.acmapi.test', '--out', join(world.temp.path, 'builtins-store')], {
      ...ca.env,
      NODE_OPTIONS: `--require ${preload}`,
      ACMAPI_TEST_BUILTINS_FILE: report,
      ACMAPI_TEST_REQUIRED_FILE: required,
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const loaded = new Set((await readFile(report, 'utf8')).split('\n').filter(Boolean));
    // The run did its work: TLS and crypto are there (the list is real, not empty).
    expect(loaded).toContain('tls');
    expect(loaded).toContain('crypto');
    for (const unneeded of ['http', 'http2', 'child_process', 'assert']) expect(loaded, unneeded).not.toContain(unneeded);
    const files = (await readFile(required, 'utf8')).split('\n').filter(Boolean);
    expect(files.some((file) => file.endsWith('bin.cjs'))).toBe(true);
    expect(files.filter((file) => /[\\/]lazy[\\/]/.test(file))).toEqual([]);
  });

  it('takes undici\'s llhttp without WebAssembly SIMD from its own file when SIMD is off, and issues', async () => {
    const ca = await world.sandbox();
    const required = join(world.temp.path, 'required-no-simd.txt');
    const run = await runCli(['issue', '-d', 'no-simd.acmapi.test', '--out', join(world.temp.path, 'no-simd-store'), '--json'], {
      ...ca.env,
      NODE_OPTIONS: `--require ${preload}`,
      ACMAPI_TEST_BUILTINS_FILE: join(world.temp.path, 'builtins-no-simd.txt'),
      ACMAPI_TEST_REQUIRED_FILE: required,
      UNDICI_NO_WASM_SIMD: '1',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'issued' });
    const lazy = (await readFile(required, 'utf8')).split('\n').filter((file) => /[\\/]lazy[\\/]/.test(file));
    expect(lazy.map((file) => basename(file))).toEqual(['llhttp-wasm.cjs']);
  });
});

describe('an installation that lost a lazy file', () => {
  it('says the installation is incomplete and names the file, exit 7, instead of a network or write error', async () => {
    // A copy of the built command without tr46's file, which only a non-ASCII name needs.
    const copy = join(world.temp.path, 'broken-install');
    await cp(dirname(CLI_BIN), join(copy, 'dist'), { recursive: true });
    const missing = join(copy, 'dist', 'programs', 'lazy', 'tr46.cjs');
    await rm(missing);
    const ca = await world.sandbox();
    const run = await promisify(execFile)(process.execPath, [join(copy, 'dist', basename(CLI_BIN)), 'issue', '-d', 'bücher.acmapi.test', '--out', join(world.temp.path, 'broken-store'), '--json'], {
      env: { PATH: process.env['PATH'] ?? '', ...ca.env },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: unknown) => {
        const failed = error as { code?: number; stdout?: string };
        return { code: failed.code, stdout: failed.stdout ?? '' };
      },
    );
    expect(run.code).toBe(7);
    const json = JSON.parse(run.stdout) as { status?: string; error?: { code?: string; message?: string; hint?: string } };
    expect(json).toMatchObject({ status: 'error', error: { code: 'INSTALL_INCOMPLETE', message: `acmapi's installation is incomplete: ${missing} is missing.` } });
    expect(json.error?.hint).toContain('Reinstall');
  });
});
