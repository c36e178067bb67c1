/**
 * Issue 10, first acceptance line, end to end with a REAL nginx serving HTTPS on loopback:
 * `acmapi issue` with install targets (`--install-fullchain`, `--install-key`) that nginx's
 * `ssl_certificate`/`ssl_certificate_key` point at, and a `--deploy-hook` reloading that nginx.
 * `openssl s_client` (an independent peer) sees the new certificate's SHA-256 fingerprint after
 * the issue and after each renewal; a `renew` with nothing due runs no hook and changes no file.
 */
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, freePort, runOpenssl, startNginx } from '@acmapi/test-utils';
import type { NginxServer } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { snapshotTree } from './store-checks.js';

const DOMAIN = 'deploy.acmapi.test';

let world: World;
let ca: WorldSandbox;
let https: NginxServer;
let httpsPort: number;
let tls: string;
let fullchainPath: string;
let keyPath: string;
let hookLog: string;

/** The SHA-256 fingerprint openssl prints for the first certificate of a PEM text, e.g. `AB:CD:…`. */
async function fingerprintOf(pem: string): Promise<string> {
  const { stdout } = await runOpenssl(['x509', '-noout', '-fingerprint', '-sha256'], { input: pem });
  const match = /Fingerprint=([0-9A-F:]+)/.exec(stdout);
  if (match?.[1] === undefined) throw new Error(`no fingerprint in ${stdout}`);
  return match[1];
}

/** The fingerprint of the certificate nginx presents for DOMAIN, as `openssl s_client` sees it. */
async function servedFingerprint(): Promise<string> {
  const { stdout } = await runOpenssl(['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', DOMAIN], { input: '' });
  return fingerprintOf(stdout);
}

/** Waits for nginx (which reloads asynchronously after the hook's signal) to serve `fingerprint`. */
async function expectServed(fingerprint: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let served = await servedFingerprint();
  while (served !== fingerprint && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    served = await servedFingerprint();
  }
  expect(served).toBe(fingerprint);
  // And what nginx serves is a whole chain to the sandbox's root, for this name.
  const { stdout } = await runOpenssl(
    ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', DOMAIN, '-CAfile', ca.rootPath, '-verify_hostname', DOMAIN, '-verify_return_error'],
    { input: '' },
  );
  expect(stdout).toContain('Verification: OK');
  expect(stdout).not.toContain('Verification error');
}

/** What identifies a file's content and identity: inode, size, mode, modification time. */
async function fileIdentity(path: string): Promise<[number, number, number, number]> {
  const s = await stat(path);
  return [s.ino, s.size, s.mode, s.mtimeMs];
}

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox();
  tls = join(world.temp.path, 'tls');
  await mkdir(tls);
  fullchainPath = join(tls, 'fullchain.pem');
  keyPath = join(tls, 'privkey.pem');
  hookLog = join(world.temp.path, 'hooks.log');
  // What a new server has before its first certificate: a self-signed placeholder ("snakeoil").
  await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=placeholder', '-days', '1', '-keyout', keyPath, '-out', fullchainPath]);
  httpsPort = await freePort();
  https = await startNginx({
    webroot: world.temp.path,
    masterProcess: true,
    httpConfig: `server { listen 127.0.0.1:${httpsPort} ssl; server_name ${DOMAIN}; ssl_certificate ${fullchainPath}; ssl_certificate_key ${keyPath}; return 200 "ok\\n"; }`,
  });
});

afterAll(async () => {
  await https.stop();
  await world.stop();
});

describe('deploying to a real nginx (issue 10 acceptance)', () => {
  it('issue installs and reloads nginx; each renewal is served; a renewal with nothing due runs no hook and changes no file', async () => {
    const store = join(world.temp.path, 'store');
    const placeholder = await fingerprintOf(await readFile(fullchainPath, 'utf8'));
    expect(await servedFingerprint()).toBe(placeholder);
    const untrusted = await runOpenssl(['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', DOMAIN, '-CAfile', ca.rootPath, '-verify_return_error'], { input: '', allowFailure: true });
    // The check below can fail: the placeholder does not verify (a failed handshake exits non-zero).
    expect(untrusted.status).not.toBe(0);
    expect(untrusted.stdout).not.toContain('Verification: OK');

    const nginx = findBinary('nginx', 'nginx', ['/usr/sbin/nginx']);
    const conf = join(https.prefix, 'nginx.conf');
    // The hook's own record first (a reload that fails still leaves its line), then the reload.
    const reload = `echo "deploy $ACMAPI_CERTIFICATE" >> '${hookLog}' && '${nginx}' -s reload -c '${conf}' -p '${https.prefix}' -e '${join(https.prefix, 'error.log')}'`;
    const issued = await runCli(
      [
        'issue', '-d', DOMAIN, '--out', store,
        '--install-fullchain', fullchainPath, '--install-key', keyPath,
        '--deploy-hook', reload,
        '--pre-hook', `echo pre >> '${hookLog}'`, '--post-hook', `echo post >> '${hookLog}'`,
      ],
      ca.env,
    );
    expect(issued.code, issued.stderr).toBe(0);
    const first = await fingerprintOf(await readFile(fullchainPath, 'utf8'));
    expect(first).not.toBe(placeholder);
    // The installed fullchain is the store's live certificate, and the key is its key.
    expect(first).toBe(await fingerprintOf(await readFile(join(store, DOMAIN, 'fullchain.pem'), 'utf8')));
    expect(await readFile(keyPath, 'utf8')).toBe(await readFile(join(store, DOMAIN, 'privkey.pem'), 'utf8'));
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    await expectServed(first);
    const deployLines = async (): Promise<string[]> => (await readFile(hookLog, 'utf8')).split('\n').filter((line) => line.startsWith('deploy '));
    expect(await deployLines()).toEqual([`deploy ${DOMAIN}`]);

    // Two forced renewals, with only what was remembered: each one installed, reloaded and served.
    let previous = first;
    for (let renewal = 1; renewal <= 2; renewal++) {
      const renewed = await runCli(['renew', '--force', '--out', store, '--json'], ca.env);
      expect(renewed.code, renewed.stderr).toBe(0);
      expect(parseJsonOutput(renewed)).toMatchObject({ certificates: [{ name: DOMAIN, outcome: 'renewed' }] });
      const next = await fingerprintOf(await readFile(fullchainPath, 'utf8'));
      expect(next).not.toBe(previous);
      await expectServed(next);
      expect(await deployLines()).toHaveLength(1 + renewal);
      previous = next;
    }

    // cron's run with nothing due: no hook of any kind, no file touched, nginx untouched.
    await appendFile(hookLog, 'marker\n');
    const watched = [fullchainPath, keyPath, hookLog];
    const before = await Promise.all(watched.map(fileIdentity));
    const storeBefore = await snapshotTree(store);
    const log = await readFile(hookLog, 'utf8');
    const quiet = await runCli(['renew', '--out', store, '--json'], ca.env);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(parseJsonOutput(quiet)).toMatchObject({ certificates: [{ name: DOMAIN, outcome: 'not-due' }] });
    expect(await readFile(hookLog, 'utf8')).toBe(log);
    expect(await Promise.all(watched.map(fileIdentity))).toEqual(before);
    expect(await snapshotTree(store)).toEqual(storeBefore);
    await expectServed(previous);
    // And --quiet, what cron runs, prints nothing when nothing changed.
    const silent = await runCli(['renew', '--quiet', '--out', store], ca.env);
    expect(silent).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await Promise.all(watched.map(fileIdentity))).toEqual(before);
  });
});
