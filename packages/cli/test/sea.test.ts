/**
 * The single-file executable (scripts/build-sea.mjs, `pnpm --filter @acmapi/cli build:sea`):
 * built here with Node 24 and postject, then run from a PATH on which it is the only
 * program (no `node` anywhere): `--version`, `demo`, and `issue` against an HTTPS sandbox
 * whose signfile check a real nginx answers; the certificates checked with openssl.
 */
import { execFile } from 'node:child_process';
import { access, copyFile, mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenssl } from '@acmapi/test-utils';
import { startWorld, type World, type WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder } from './pki-checks.js';

const exec = promisify(execFile);
const cliDir = fileURLToPath(new URL('..', import.meta.url));
const SEA = join(cliDir, 'dist', 'sea', 'acmapi');

let world: World;
let ca: WorldSandbox;
/** The only folder on the executable's PATH: it holds `acmapi` and nothing else. */
let binDir: string;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `acmapi ARGS` by name from a PATH without node, with exactly `env` besides. */
async function runSea(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec('acmapi', [...args], { env: { PATH: binDir, HOME: world.temp.path, ...env }, cwd: world.temp.path, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  // The build itself (about a minute: bundling, the blob, postject on a 120 MB binary).
  await exec(process.execPath, ['scripts/build-sea.mjs'], { cwd: cliDir, timeout: 600_000 });
  world = await startWorld();
  ca = await world.sandbox();
  binDir = join(world.temp.path, 'sea-bin');
  await mkdir(binDir);
  await copyFile(SEA, join(binDir, 'acmapi'));
}, 900_000);

afterAll(async () => {
  await world.stop();
});

describe('the single executable acmapi (Node SEA, Linux x64)', () => {
  it('runs where the PATH has no node', async () => {
    for (const dir of binDir.split(delimiter)) await expect(access(join(dir, 'node'))).rejects.toThrow();
    const result = await runSea(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.stderr).toBe('');
  });

  it('demo issues a certificate that openssl verifies', async () => {
    const out = join(world.temp.path, 'sea-demo');
    const result = await runSea(['demo', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('openssl verify');
    const dir = join(out, 'demo.acmapi.test');
    const verified = await runOpenssl(['verify', '-CAfile', join(dir, 'sandbox-root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')]);
    expect(verified.stdout).toContain(': OK');
  });

  it('issue applies to a CA over HTTPS, the signfile checked by nginx, into the store', async () => {
    const out = join(world.temp.path, 'sea-issued');
    const result = await runSea(['issue', '-d', 'sea.acmapi.test', '--out', out, '--json'], ca.env);
    expect(result.stdout).not.toContain(ca.env['ACMAPI_AUTH_TOKEN'] ?? '(none)');
    expect(result.stderr).not.toContain(ca.env['ACMAPI_AUTH_TOKEN'] ?? '(none)');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'issued', exitCode: 0 });
    await expectVerifiedFolder(join(out, 'sea.acmapi.test'), ca.rootPath);
  });

  it('holds every command: it prints the completion script, which loads them all', async () => {
    const result = await runSea(['completion', 'bash']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('complete -F _acmapi_complete acmapi');
  });
});
