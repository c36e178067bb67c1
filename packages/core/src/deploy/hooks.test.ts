import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { hookEnvironment, isSecretEnvName, runHook, type HookEvent } from './hooks.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('acmapi-hooks-');
});
afterEach(async () => {
  await temp.cleanup();
});

/** Single-quoted for /bin/sh. */
const q = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

const event: HookEvent = {
  kind: 'deploy',
  certificate: 'shop',
  domains: ['shop.example', 'www.shop.example'],
  files: { cert: '/etc/acmapi/shop/cert.pem', key: '/etc/acmapi/shop/privkey.pem', chain: '/etc/acmapi/shop/chain.pem', fullchain: '/etc/acmapi/shop/fullchain.pem', dir: '/etc/acmapi/shop' },
  notAfter: '2031-04-01T00:00:00.000Z',
  reason: 'renewed',
};

function parseEnv(text: string): Record<string, string> {
  // `env -0`: NUL-separated, so values with newlines stay whole.
  return Object.fromEntries(
    text
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/** Whether a process is still running (a zombie that nobody reaped counts as gone). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

describe('runHook', () => {
  it('gives the hook the event as JSON on stdin', async () => {
    const out = join(temp.path, 'stdin.json');
    const result = await runHook('deploy', `cat > ${q(out)}`, event);
    expect(result).toMatchObject({ kind: 'deploy', exitCode: 0, signal: null, timedOut: false, aborted: false });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(event);
  });

  it("sets the event's fields and certbot's RENEWED_* in the hook's environment", async () => {
    const out = join(temp.path, 'env');
    await runHook('deploy', `env -0 > ${q(out)}`, { ...event, handleId: 'H-7' }, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ACMAPI_ERROR_CODE: 'STALE' } });
    const env = parseEnv(await readFile(out, 'utf8'));
    expect(env).toMatchObject({
      ACMAPI_HOOK: 'deploy',
      ACMAPI_CERTIFICATE: 'shop',
      ACMAPI_DOMAINS: 'shop.example www.shop.example',
      ACMAPI_CERT_PATH: '/etc/acmapi/shop/cert.pem',
      ACMAPI_KEY_PATH: '/etc/acmapi/shop/privkey.pem',
      ACMAPI_CHAIN_PATH: '/etc/acmapi/shop/chain.pem',
      ACMAPI_FULLCHAIN_PATH: '/etc/acmapi/shop/fullchain.pem',
      ACMAPI_NOT_AFTER: '2031-04-01T00:00:00.000Z',
      ACMAPI_HANDLE: 'H-7',
      RENEWED_LINEAGE: '/etc/acmapi/shop',
      RENEWED_DOMAINS: 'shop.example www.shop.example',
    });
    // An inherited ACMAPI_ERROR_CODE (from an outer run) is not passed on as if it were this event's.
    expect(env).not.toHaveProperty('ACMAPI_ERROR_CODE');
  });

  it('a failure hook gets the error code and message, with control characters escaped', async () => {
    const out = join(temp.path, 'env');
    const error = { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'The CA answered 107 for shop.example\u001b[2J.' };
    await runHook('failure', `env -0 > ${q(out)}`, { kind: 'failure', certificate: 'shop', error });
    const env = parseEnv(await readFile(out, 'utf8'));
    expect(env['ACMAPI_ERROR_CODE']).toBe('CA_DOMAIN_VERIFY_FAILED');
    expect(env['ACMAPI_ERROR_MESSAGE']).toBe('The CA answered 107 for shop.example\\u{1b}[2J.');
    expect(env).not.toHaveProperty('RENEWED_LINEAGE');
  });

  it("removes the auth token and the toolkit's other secrets from the hook's environment", async () => {
    const out = join(temp.path, 'env');
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: '/root',
      ACMAPI_AUTH_TOKEN: 'tok-3f9a1c-secret',
      ACMAPI_PFX_PASSPHRASE: 'pfx-8d2e-secret',
      'INPUT_AUTH-TOKEN': 'tok-input-secret',
      SITE_PFX_PASS: 'pfx-named-secret',
      ACMAPI_CUSTOMER_ID: 'customer-1',
    };
    await runHook('post', `env -0 > ${q(out)}`, { kind: 'post' }, { env, secretEnv: ['SITE_PFX_PASS'] });
    const text = await readFile(out, 'utf8');
    for (const secret of ['tok-3f9a1c-secret', 'pfx-8d2e-secret', 'tok-input-secret', 'pfx-named-secret']) expect(text).not.toContain(secret);
    expect(parseEnv(text)).toMatchObject({ HOME: '/root', ACMAPI_CUSTOMER_ID: 'customer-1', ACMAPI_HOOK: 'post' });
  });

  it('reports exit codes and keeps the tail of stderr, escaped; never throws for a failing command', async () => {
    expect(await runHook('post', 'exit 3', { kind: 'post' })).toMatchObject({ exitCode: 3, signal: null, timedOut: false });
    expect((await runHook('post', 'no-such-command-acmapi', { kind: 'post' })).exitCode).toBe(127);
    const noisy = await runHook('post', "printf 'bad \\033[31mred\\n' >&2; echo out; exit 1", { kind: 'post' });
    expect(noisy).toMatchObject({ exitCode: 1, stderrTail: 'bad \\u{1b}[31mred\n', stdoutTail: 'out\n' });
  });

  it('keeps at most 4 KiB of a long stderr, its end', async () => {
    const result = await runHook('post', "head -c 20000 /dev/zero | tr '\\0' a >&2; echo END >&2", { kind: 'post' });
    expect(result.stderrTail.startsWith('…')).toBe(true);
    expect(result.stderrTail.endsWith('aEND\n')).toBe(true);
    expect(Buffer.byteLength(result.stderrTail.slice(1))).toBe(4096);
  });

  it('the timeout kills the whole process group: the shell and a sleep it started', async () => {
    const pidFile = join(temp.path, 'pid');
    const result = await runHook('deploy', `sleep 100 & echo $! > ${q(pidFile)}; wait`, event, { timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(result.durationMs).toBeGreaterThanOrEqual(450);
    expect(result.durationMs).toBeLessThan(5_000);
    const sleepPid = Number(await readFile(pidFile, 'utf8'));
    expect(sleepPid).toBeGreaterThan(1);
    let running = true;
    for (let i = 0; i < 40 && running; i++) {
      running = await alive(sleepPid);
      if (running) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running).toBe(false);
  });

  it('an AbortSignal ends the hook like the timeout, and a signal aborted before keeps it from starting', async () => {
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 200);
    const result = await runHook('pre', 'sleep 100', { kind: 'pre' }, { signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
    const marker = join(temp.path, 'ran');
    const skipped = await runHook('pre', `touch ${q(marker)}`, { kind: 'pre' }, { signal: AbortSignal.abort() });
    expect(skipped).toMatchObject({ aborted: true, exitCode: null });
    await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('returns when the shell exits, even while a process it left in the background holds its output open', async () => {
    const pidFile = join(temp.path, 'pid');
    const result = await runHook('deploy', `sleep 30 & echo $! > ${q(pidFile)}; echo started`, event, { timeoutMs: 20_000 });
    const sleepPid = Number(await readFile(pidFile, 'utf8'));
    try {
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, stdoutTail: 'started\n' });
      expect(result.durationMs).toBeLessThan(2_000);
      // Not the hook's timeout's business: what it left running on purpose stays.
      expect(await alive(sleepPid)).toBe(true);
    } finally {
      process.kill(sleepPid, 'SIGKILL');
    }
  });
});

describe('hookEnvironment and isSecretEnvName', () => {
  it.each([
    ['ACMAPI_AUTH_TOKEN', true],
    ['ACMAPI_PFX_PASSPHRASE', true],
    ['INPUT_AUTH-TOKEN', true],
    ['INPUT_KEY-PASSPHRASE', true],
    ['ACMAPI_CUSTOMER_ID', false],
    ['GITHUB_TOKEN', false],
    ['PATH', false],
  ])('%s is a secret of this toolkit: %s', (name, expected) => {
    expect(isSecretEnvName(name)).toBe(expected);
  });

  it('sets only the fields the event has', () => {
    const env = hookEnvironment('pre', { kind: 'pre' }, { PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', ACMAPI_HOOK: 'pre' });
  });
});
