/** The command line itself: help, version, usage errors (exit 2), durations, credentials. */
import { spawnSync } from 'node:child_process';
import { access, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@acmapi/test-utils';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, parseJsonOutput, runCli } from './cli-harness.js';

const CREDS = { ACMAPI_ENDPOINT: 'https://127.0.0.1:9/', ACMAPI_CUSTOMER_ID: 'c', ACMAPI_AUTH_TOKEN: 'canary-token-usage' };

describe('acmapi command line', () => {
  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs through a link to bin.cjs, as npm installs it, also under node --preserve-symlinks-main', async () => {
    const temp = await makeTempDir('acmapi-link-');
    try {
      const link = join(temp.path, 'acmapi'); // npm's node_modules/.bin/acmapi
      await symlink(CLI_BIN, link);
      const expected = (await runCli(['--version'])).stdout;
      for (const nodeArgs of [[], ['--preserve-symlinks-main']]) {
        const version = spawnSync(process.execPath, [...nodeArgs, link, '--version'], { encoding: 'utf8' });
        expect(version.stdout, version.stderr).toBe(expected);
        const list = spawnSync(process.execPath, [...nodeArgs, link, 'list', '--out', join(temp.path, 'store'), '--json'], { encoding: 'utf8' });
        expect(list.status, list.stderr).toBe(0);
        expect(JSON.parse(list.stdout)).toMatchObject({ certificates: [] });
      }
    } finally {
      await temp.cleanup();
    }
  });

  it('--help lists the commands, and each command has its own help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['issue', 'renew', 'retrieve', 'list', 'check', 'matrix', 'sandbox', 'demo']) expect(run.stdout).toContain(command);
    const issue = await runCli(['issue', '--help']);
    expect(issue.code).toBe(0);
    for (const flag of ['--domain', '--key-type', '--csr', '--key', '--out', '--wait', '--timeout', '--json', '--endpoint', '--customer-id', '--auth-token', '--ca-file']) {
      expect(issue.stdout).toContain(flag);
    }
  });

  it.each([['30'], ['soon'], ['-5m'], ['5 parsecs']])('rejects --wait %s with exit 2', async (value) => {
    const run = await runCli(['issue', '-d', 'a.acmapi.test', '--wait', value, '--json'], CREDS);
    expect(run.code).toBe(2);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'USAGE_DURATION' } });
    expect(run.stderr).toContain('--wait 30s');
  });

  it('rejects an unknown key type and an unknown flag with exit 2', async () => {
    expect((await runCli(['issue', '-d', 'a.acmapi.test', '--key-type', 'rsa-1024'], CREDS)).code).toBe(2);
    const unknown = await runCli(['issue', '--frobnicate', '--json'], CREDS);
    expect(unknown.code).toBe(2);
    expect(parseJsonOutput(unknown)).toMatchObject({ status: 'error', error: { code: 'USAGE' } });
  });

  it('asks for credentials with the environment variable to set (exit 2)', async () => {
    const run = await runCli(['issue', '-d', 'a.acmapi.test'], { ACMAPI_CUSTOMER_ID: 'c' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ACMAPI_AUTH_TOKEN');
  });

  it('retrieve without a pending folder says where it looked and what to pass (exit 2)', async () => {
    const run = await runCli(['retrieve', 'handle_x', '--out', '/nonexistent-acmapi-out'], CREDS);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--dir');
  });

  // Regression: --timeout 1y passed parsing, core refused deadlineMs only after the key and CSR were saved.
  it.each([
    [['issue', '-d', 'a.acmapi.test', '--preflight', 'off', '--timeout', '30d'], '--timeout', '2147483647ms'],
    [['issue', '-d', 'a.acmapi.test', '--preflight', 'off', '--timeout', '1y'], '--timeout', '2147483647ms'],
    [['issue', '-d', 'a.acmapi.test', '--preflight', 'off', '--wait', '31d'], '--wait', '30d'],
    [['issue', '-d', 'a.acmapi.test', '--preflight', 'off', '--lock-wait', '60d'], '--lock-wait', '30d'],
    [['renew', '--timeout', '25d'], '--timeout', '2147483647ms'],
    [['renew', '--wait', '1000h'], '--wait', '30d'],
    [['retrieve', 'handle_x', '--timeout', '25d'], '--timeout', '2147483647ms'],
  ])('%j is a usage error naming the flag and its maximum, before anything is written', async (args, flag, max) => {
    const temp = await makeTempDir('acmapi-usage-');
    try {
      const out = join(temp.path, 'store');
      const run = await runCli([...args, '--out', out, '--json'], CREDS);
      expect(run.code).toBe(2);
      const error = parseJsonOutput(run)['error'] as { code: string; message: string; hint: string };
      expect(error.code).toBe('USAGE_DURATION');
      expect(`${error.message} ${error.hint}`).toContain(flag);
      expect(`${error.message} ${error.hint}`).toContain(max);
      expect(await access(out).then(() => true, () => false)).toBe(false);
    } finally {
      await temp.cleanup();
    }
  });

  // The bundle loads tr46 only when a name is not plain ASCII (scripts/bundle-bin.mjs): the
  // built command must still map names through UTS #46, and reject what it forbids.
  it('maps an internationalised name to its A-label, and rejects one UTS #46 forbids (exit 4)', async () => {
    const temp = await makeTempDir();
    try {
      const refused = { ...CREDS, ACMAPI_ENDPOINT: 'https://127.0.0.1:9/' };
      const idn = await runCli(['issue', '-d', 'bücher.example', '--retries', '0', '--out', temp.path, '--json'], refused);
      expect(parseJsonOutput(idn)).toMatchObject({ domains: ['xn--bcher-kva.example'], error: { code: 'TRANSPORT_REFUSED' } });
      const bad = await runCli(['issue', '-d', 'bü--x.example', '--out', temp.path, '--json'], refused);
      expect(bad.code).toBe(4);
      expect(parseJsonOutput(bad)).toMatchObject({ error: { code: 'DOMAIN_INVALID' } });
    } finally {
      await temp.cleanup();
    }
  });
});
