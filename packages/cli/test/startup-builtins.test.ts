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

describe('an installation that lost a file', () => {
  /** A copy of the built command without `file` (relative to dist/). */
  async function copyWithout(file: string): Promise<{ bin: string; missing: string }> {
    const copy = join(world.temp.path, `broken-${basename(file)}`);
    await cp(dirname(CLI_BIN), join(copy, 'dist'), { recursive: true });
    const missing = join(copy, 'dist', file);
    await rm(missing);
    return { bin: join(copy, 'dist', basename(CLI_BIN)), missing };
  }

  async function run(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
    return promisify(execFile)(process.execPath, [bin, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      },
    );
  }

  // Each is needed only late (a .pfx after the certificate arrived, llhttp inside a retried CA
  // call, tr46 for a name): the command says so before it sends anything.
  it.each(['node-forge.cjs', 'tr46.cjs', 'llhttp-wasm.cjs'])('without lazy/%s: INSTALL_INCOMPLETE naming it, exit 7, before anything is sent', async (name) => {
    const { bin, missing } = await copyWithout(join('programs', 'lazy', name));
    const ca = await world.sandbox();
    const domain = `broken-${name.replace(/\W/g, '')}.acmapi.test`;
    const result = await run(bin, ['issue', '-d', domain, '--out', join(world.temp.path, `broken-store-${name}`), '--json'], ca.env);
    expect(result.code, result.stderr).toBe(7);
    const json = JSON.parse(result.stdout) as { status?: string; error?: { code?: string; message?: string; hint?: string } };
    expect(json).toMatchObject({ status: 'error', error: { code: 'INSTALL_INCOMPLETE', message: `acmapi's installation is incomplete: ${missing} is missing.` } });
    expect(json.error?.hint).toContain('Reinstall');
    expect(ca.sandbox.requests.filter((request) => request.domains?.includes(domain) === true)).toEqual([]);
  });

  it("without a command's program: the same words, exit 7, not a stack trace", async () => {
    const { bin } = await copyWithout(join('programs', 'list.cjs'));
    const result = await run(bin, ['list', '--out', join(world.temp.path, 'broken-list')], {});
    expect(result.code).toBe(7);
    expect(result.stderr).toContain("acmapi's installation is incomplete");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
