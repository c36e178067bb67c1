/**
 * Ctrl-C (SIGINT) or SIGTERM while an application is on its way to the CA ends the run
 * through the same path as an error, through the BUILT command: the user's signfile is put
 * back (or ours removed), the webroot's `.acmapi.lock` and the certificate's `.lock` are
 * gone, the application saved before sending is kept (unsent, no failure, no backoff), and
 * the exit code is the shell's for the signal. The CA is a TCP peer that accepts and never
 * answers, so the signal lands while the application is in flight; its connection tells
 * the test when. A second signal quits at once.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryToken, startCli } from './cli-harness.js';
import { attemptOf, expectStoreConsistent, readState } from './store-checks.js';

/** A "CA" that accepts every connection and never answers; `connected()` resolves at the next connection. */
interface HangingCa {
  url: string;
  connected: () => Promise<void>;
}

let temp: string;
let server: Server;
let ca: HangingCa;
const sockets: Socket[] = [];
let onConnection: (() => void) | undefined;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'acmapi-interrupt-'));
  server = createServer((socket) => {
    sockets.push(socket);
    onConnection?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  ca = {
    url: `http://127.0.0.1:${address.port}/`,
    connected: () => new Promise((resolve) => (onConnection = resolve)),
  };
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await rm(temp, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Starts `acmapi issue --webroot` of `domain` against the hanging CA. */
function startIssue(domain: string, webroot: string, out: string, extra: readonly string[] = []): ReturnType<typeof startCli> {
  return startCli(['issue', '-d', domain, '--signfile', join(temp, 'SF'), '--webroot', webroot, '--out', out, '--preflight', 'off', '--timeout', '1m', ...extra], {
    ACMAPI_CUSTOMER_ID: 'c',
    ACMAPI_AUTH_TOKEN: canaryToken(),
    ACMAPI_ENDPOINT: ca.url,
  });
}

describe('a signal while an application is in flight', () => {
  beforeAll(async () => {
    await writeFile(join(temp, 'SF'), 'SF-TOKEN');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: the signfile that was in the webroot is put back, the locks are gone, the saved application kept; exit %d', async (signal, exitCode) => {
    const webroot = join(temp, `webroot-kept-${signal}`);
    const folder = join(webroot, '.well-known', 'pki-validation');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'signfile'), 'OLD-CONTENT');
    const out = join(temp, `store-kept-${signal}`);
    const domain = `${signal.toLowerCase()}.kept.acmapi.test`;
    const connected = ca.connected();
    const { child, ended } = startIssue(domain, webroot, out);
    await connected;
    // Sent while the application is in flight: the signfile of this run is in the webroot now.
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('SF-TOKEN');
    child.kill(signal);
    const end = await ended;
    expect(end.signal, end.stderr).toBeNull();
    expect(end.code, end.stderr).toBe(exitCode);
    expect(end.stderr).toContain(`Interrupted by ${signal} before any answer of the CA`);
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('OLD-CONTENT');
    expect(await readdir(folder)).toEqual(['signfile']);
    const dir = join(out, domain);
    expect(await exists(join(dir, '.lock'))).toBe(false);
    // Saved before sending and still unsent: the next run sends it again; an interruption is no failure (no backoff).
    expect(await attemptOf(dir)).toMatchObject({ status: 'prepared', domains: [domain] });
    expect((await readState(dir)).lastError).toBeUndefined();
    await expectStoreConsistent(dir);
  });

  it('SIGINT without a signfile there before: ours and the folders this run made are removed', async () => {
    const webroot = join(temp, 'webroot-empty');
    await mkdir(webroot);
    const out = join(temp, 'store-empty');
    const connected = ca.connected();
    const { child, ended } = startIssue('empty.acmapi.test', webroot, out, ['--json']);
    await connected;
    expect(await exists(join(webroot, '.well-known', 'pki-validation', '.acmapi.lock'))).toBe(true);
    child.kill('SIGINT');
    const end = await ended;
    expect(end.code, end.stderr).toBe(130);
    expect(await readdir(webroot)).toEqual([]);
    expect(JSON.parse(end.stdout)).toMatchObject({ status: 'error', exitCode: 130, interrupted: 'SIGINT', error: { code: 'INTERRUPTED' } });
  });

  it('renew, sending the kept application again: SIGTERM cleans up the same way, exit 143', async () => {
    const webroot = join(temp, 'webroot-renew');
    const folder = join(webroot, '.well-known', 'pki-validation');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'signfile'), 'OLD-CONTENT');
    const out = join(temp, 'store-renew');
    const domain = 'renew.acmapi.test';
    const env = { ACMAPI_CUSTOMER_ID: 'c', ACMAPI_AUTH_TOKEN: canaryToken(), ACMAPI_ENDPOINT: ca.url };
    let connected = ca.connected();
    const issue = startIssue(domain, webroot, out);
    await connected;
    issue.child.kill('SIGINT');
    expect((await issue.ended).code).toBe(130);
    // renew remembers the webroot and signfile, and sends the application left unsent.
    connected = ca.connected();
    const renew = startCli(['renew', '--out', out], env);
    await connected;
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('SF-TOKEN');
    renew.child.kill('SIGTERM');
    const end = await renew.ended;
    expect(end.code, end.stderr).toBe(143);
    expect(end.stderr).toContain('sending the same key and CSR again');
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('OLD-CONTENT');
    expect(await readdir(folder)).toEqual(['signfile']);
    const dir = join(out, domain);
    expect(await exists(join(dir, '.lock'))).toBe(false);
    expect(await attemptOf(dir)).toMatchObject({ status: 'prepared' });
    expect((await readState(dir)).lastError).toBeUndefined();
  });

  it('after a run killed hard (SIGKILL) left its signfile, the next run puts the user\'s file back instead of adopting ours', async () => {
    const webroot = join(temp, 'webroot-killed');
    const folder = join(webroot, '.well-known', 'pki-validation');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'signfile'), 'OLD-CONTENT');
    const out = join(temp, 'store-killed');
    let connected = ca.connected();
    const killed = startIssue('killed.acmapi.test', webroot, out);
    await connected;
    killed.child.kill('SIGKILL');
    expect((await killed.ended).signal).toBe('SIGKILL');
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('SF-TOKEN');
    // The next run (another certificate in the same webroot) takes over the dead run's lock.
    connected = ca.connected();
    const next = startIssue('next.acmapi.test', webroot, join(temp, 'store-next'));
    await connected;
    next.child.kill('SIGINT');
    const end = await next.ended;
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).not.toContain('already holds this content');
    expect(await readFile(join(folder, 'signfile'), 'utf8')).toBe('OLD-CONTENT');
    expect(await readdir(folder)).toEqual(['signfile']);
  });

  it('the first SIGINT ends a wait for another run\'s lock: exit 130, nothing sent, the other run\'s lock untouched', async () => {
    const out = join(temp, 'store-lock-wait');
    const dir = join(out, 'waiting.acmapi.test');
    await mkdir(dir, { recursive: true });
    // Another run, alive on this host (this test process), holds the certificate.
    const holder = `${JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), token: 'other-run' })}\n`;
    await writeFile(join(dir, '.lock'), holder);
    const connections = sockets.length;
    const { child, ended } = startIssue('waiting.acmapi.test', join(temp, 'webroot-lock-wait'), out, ['--lock-wait', '10m']);
    // The store writes its .gitignore just before it takes a certificate's lock: from then on the run waits.
    for (let i = 0; i < 400 && !(await exists(join(out, '.gitignore'))); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await exists(join(out, '.gitignore'))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const end = await ended;
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).not.toContain('SIGINT again');
    // The wait was announced, with the holder and the wait: it is not a silent hang.
    expect(end.stderr).toContain(`Certificate "waiting.acmapi.test" is held by another acmapi run, process ${process.pid} on ${hostname()}`);
    expect(end.stderr).toContain('waiting up to 600 s (--lock-wait)');
    expect(sockets.length).toBe(connections);
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(holder);
    await rm(join(dir, '.lock'));
  });

  it('a second SIGINT quits at once, saying so, while the first waits for the run to unwind', async () => {
    const webroot = join(temp, 'webroot-twice');
    await mkdir(webroot);
    const marker = join(temp, 'pre-hook-started');
    // The pre hook runs once the command watches for signals, and no signal cuts it short
    // (it may restart a web server): the first SIGINT waits for it, the second does not.
    const { child, ended } = startIssue('twice.acmapi.test', webroot, join(temp, 'store-twice'), ['--pre-hook', `touch ${marker} && sleep 5`]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    for (let i = 0; i < 400 && !(await exists(marker)); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    for (let i = 0; i < 400 && !stderr.includes('SIGINT received'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(child.exitCode).toBeNull();
    const sent = Date.now();
    child.kill('SIGINT');
    const end = await ended;
    expect(end.code, end.stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(2_000);
    expect(end.stderr).toContain('SIGINT received: stopping and cleaning up (signfile, locks); send it again to quit at once.');
    expect(end.stderr).toContain('SIGINT again: quitting at once.');
  });
});
