/**
 * Clocks that drift: the built `acmapi` run under libfaketime (Debian package `faketime`)
 * minutes behind or ahead of the in-process HTTPS sandbox (which backdates notBefore by its
 * default 60 s, as CAs do). Within core's tolerance (CLOCK_SKEW_TOLERANCE_MS, 5 min) the
 * certificate is installed with a warning; beyond it the message says the clock is off and
 * the handle is kept, so that `retrieve` fetches the same certificate once the clock is
 * right; renewal timing is not fooled by minutes either way.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, runOpenssl } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, parseJsonOutput, runCli } from './cli-harness.js';
import type { CliRun } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;
let faketime: string;

beforeAll(async () => {
  // Fails with "install it: apt-get install faketime" when the tool is missing.
  faketime = findBinary('faketime', 'faketime');
  world = await startWorld();
  ca = await world.sandbox();
});

afterAll(async () => {
  await world.stop();
});

/** `acmapi ARGS…` with the process's clock moved by `offset` (faketime's `-f` syntax: `-3m`, `+10m`). */
function runSkewed(offset: string, args: readonly string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      faketime,
      ['-f', offset, process.execPath, CLI_BIN, ...args],
      // Timers run on the real monotonic clock; only the wall clock is off, as on a drifting machine.
      { env: { PATH: process.env['PATH'] ?? '', FAKETIME_DONT_FAKE_MONOTONIC: '1', ...env }, cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (code === -1) {
          reject(error ?? new Error('no exit code'));
          return;
        }
        expect(stdout + stderr).not.toContain(ca.token);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function serial(file: string): Promise<string> {
  return (await runOpenssl(['x509', '-in', file, '-noout', '-serial'])).stdout.trim();
}

describe('a clock minutes off (faketime)', () => {
  it('3 minutes behind: issue installs the certificate with a warning naming the skew', async () => {
    const out = join(world.temp.path, 'behind-3m');
    const run = await runSkewed('-3m', ['issue', '-d', 'behind.acmapi.test', '--out', out], ca.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/clock/i);
    expect(run.stdout).toContain('Issued a certificate for behind.acmapi.test');
  });

  it('10 minutes behind: a clear message about the clock, the handle kept; retrieve with the right clock gets that same certificate', async () => {
    const out = join(world.temp.path, 'behind-10m');
    const applies = (): number => ca.sandbox.requests.filter((r) => r.kind === 'apply' && r.domains?.includes('far.acmapi.test') === true).length;
    const run = await runSkewed('-10m', ['issue', '-d', 'far.acmapi.test', '--out', out], ca.env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/not valid until .*clock skew/);
    expect(run.stderr).toMatch(/clock/i);
    expect(applies()).toBe(1);
    const handle = ca.sandbox.requests.find((r) => r.kind === 'apply' && r.domains?.includes('far.acmapi.test') === true)?.handleId ?? '';
    expect(handle).not.toBe('');
    // The clock is right again: retrieve fetches the certificate of that same application.
    const retrieved = await runCli(['retrieve', handle, '--out', out, '--json'], ca.env);
    expect(retrieved.code, retrieved.stderr).toBe(0);
    expect(parseJsonOutput(retrieved)).toMatchObject({ status: 'issued' });
    expect(applies()).toBe(1);
  });

  it('10 minutes ahead: issues without a warning', async () => {
    const out = join(world.temp.path, 'ahead-10m');
    const run = await runSkewed('+10m', ['issue', '-d', 'ahead.acmapi.test', '--out', out], ca.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('renewal timing: a fresh certificate is not due with the clock 10 minutes behind or ahead, and stays the same', async () => {
    const out = join(world.temp.path, 'renew-timing');
    await mkdir(out, { recursive: true });
    const issued = await runCli(['issue', '-d', 'timing.acmapi.test', '--out', out], ca.env);
    expect(issued.code, issued.stderr).toBe(0);
    const cert = join(out, 'timing.acmapi.test', 'cert.pem');
    const before = await serial(cert);
    for (const offset of ['-10m', '+10m']) {
      const run = await runSkewed(offset, ['renew', '--out', out, '--json'], ca.env);
      expect(run.code, `${offset}: ${run.stderr}`).toBe(0);
      expect(parseJsonOutput(run), offset).toMatchObject({ certificates: [{ name: 'timing.acmapi.test', status: 'not-due' }] });
    }
    expect(await serial(cert)).toBe(before);
  });
});
