/**
 * End to end: the built `acmapi` against an in-process HTTPS sandbox whose signfile
 * check is answered by a REAL nginx; results checked with openssl.
 */
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpenssl } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder, publicKeyOfCertificate, publicKeyOfPrivateKey } from './pki-checks.js';
import { attemptOf, expectStoreConsistent, readState } from './store-checks.js';

let world: World;
let ca: WorldSandbox;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ pending: { domains: ['pending.acmapi.test', 'approve-while-waiting.acmapi.test'] } });
});

afterAll(async () => {
  await world.stop();
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('acmapi issue (sandbox over HTTPS, signfile served by nginx)', () => {
  it('issues a certificate that openssl verifies, for the key it wrote with mode 0600', async () => {
    const out = join(world.temp.path, 'issued');
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '-d', 'acmapi.test', '--out', out], ca.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = join(out, 'www.acmapi.test');
    expect(run.stdout).toContain('Issued a certificate for www.acmapi.test, acmapi.test');
    expect(run.stdout).toContain(join(dir, 'fullchain.pem'));
    await expectVerifiedFolder(dir, ca.rootPath);
    expect((await stat(join(dir, 'privkey.pem'))).mode & 0o777).toBe(0o600);
    expect(await exists(join(dir, 'csr.pem'))).toBe(true);
    // The store's record: one live version, no application left in progress.
    const state = await expectStoreConsistent(dir);
    expect(state).toMatchObject({ name: 'www.acmapi.test' });
    expect(state.attempt).toBeUndefined();
    expect(state.versions.map((v) => v.status)).toEqual(['live']);
    // nginx, not a stub, answered the CA's signfile check for both domains.
    const log = await world.nginx.readAccessLog();
    expect(log).toMatch(/GET \/\.well-known\/pki-validation\/signfile HTTP\/1\.1" 200/);
    const san = await runOpenssl(['x509', '-in', join(dir, 'cert.pem'), '-noout', '-ext', 'subjectAltName']);
    expect(san.stdout).toContain('DNS:www.acmapi.test');
    expect(san.stdout).toContain('DNS:acmapi.test');
  });

  it('prints one JSON object with the documented shape in --json mode', async () => {
    const out = join(world.temp.path, 'issued-json');
    const run = await runCli(['issue', '-d', 'json.acmapi.test', '--key-type', 'rsa-2048', '--out', out, '--json'], ca.env);
    expect(run.code).toBe(0);
    const result = parseJsonOutput(run);
    const dir = join(out, 'json.acmapi.test');
    expect(result).toMatchObject({
      status: 'issued',
      exitCode: 0,
      name: 'json.acmapi.test',
      domains: ['json.acmapi.test'],
      dir,
      files: {
        privateKey: join(dir, 'privkey.pem'),
        csr: join(dir, 'csr.pem'),
        cert: join(dir, 'cert.pem'),
        chain: join(dir, 'chain.pem'),
        fullchain: join(dir, 'fullchain.pem'),
      },
      certificate: { subject: 'CN=json.acmapi.test', sans: ['json.acmapi.test'] },
    });
    expect(typeof result['handleId']).toBe('string');
    const fingerprint = await runOpenssl(['x509', '-in', join(dir, 'cert.pem'), '-noout', '-fingerprint', '-sha256']);
    expect(fingerprint.stdout.trim().split('=')[1]).toBe((result['certificate'] as Record<string, unknown>)['fingerprintSha256']);
    const keyText = await runOpenssl(['pkey', '-in', join(dir, 'privkey.pem'), '-noout', '-text']);
    expect(keyText.stdout).toContain('2048 bit');
    await expectVerifiedFolder(dir, ca.rootPath);
  });

  it('uses a CSR and key of the user\'s own (made by openssl)', async () => {
    const own = join(world.temp.path, 'own');
    await mkdir(own);
    await runOpenssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(own, 'key.pem')]);
    await runOpenssl(['req', '-new', '-key', join(own, 'key.pem'), '-subj', '/CN=own.acmapi.test', '-addext', 'subjectAltName=DNS:own.acmapi.test', '-out', join(own, 'req.pem')]);
    const out = join(world.temp.path, 'own-out');
    const run = await runCli(['issue', '-d', 'own.acmapi.test', '--csr', join(own, 'req.pem'), '--key', join(own, 'key.pem'), '--out', out], ca.env);
    expect(run.code).toBe(0);
    const dir = join(out, 'own.acmapi.test');
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(await publicKeyOfPrivateKey(join(own, 'key.pem')));
  });

  it('--csr without --key: exit 2 with KEY_REQUIRED and advice naming --key, before any request and without leaving a folder', async () => {
    const own = join(world.temp.path, 'csr-alone');
    await mkdir(own);
    await runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(own, 'key.pem'), '-subj', '/CN=alone.acmapi.test', '-addext', 'subjectAltName=DNS:alone.acmapi.test', '-out', join(own, 'req.pem')]);
    const out = join(own, 'store');
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', '-d', 'alone.acmapi.test', '--csr', join(own, 'req.pem'), '--out', out, '--json'], ca.env);
    expect(run.code).toBe(2);
    const error = parseJsonOutput(run)['error'] as { code: string; hint: string };
    expect(error.code).toBe('KEY_REQUIRED');
    expect(error.hint).toContain('--key');
    expect(ca.sandbox.requests.length).toBe(before);
    expect(await access(out).then(() => true, () => false)).toBe(false);
  });

  it('--key alone: acmapi makes the CSR with the user\'s key, and the certificate is for that key', async () => {
    const own = join(world.temp.path, 'key-alone');
    await mkdir(own);
    await runOpenssl(['ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', join(own, 'key.pem')]);
    const out = join(own, 'store');
    const run = await runCli(['issue', '-d', 'keyonly.acmapi.test', '--key', join(own, 'key.pem'), '--out', out, '--json'], ca.env);
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, 'keyonly.acmapi.test');
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(await publicKeyOfPrivateKey(join(own, 'key.pem')));
    expect((await readState(dir)).versions[0]).toMatchObject({ keyType: 'ec-p384' });
  });

  it('refuses a --key that does not belong to --csr, before any request (exit 2)', async () => {
    const own = join(world.temp.path, 'mismatch');
    await mkdir(own);
    await runOpenssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(own, 'key.pem')]);
    await runOpenssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(own, 'other.pem')]);
    await runOpenssl(['req', '-new', '-key', join(own, 'key.pem'), '-subj', '/CN=own.acmapi.test', '-out', join(own, 'req.pem')]);
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', '-d', 'own.acmapi.test', '--csr', join(own, 'req.pem'), '--key', join(own, 'other.pem'), '--out', own], ca.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not belong to the CSR');
    expect(run.stderr).toContain('What to do:');
    expect(ca.sandbox.requests.length).toBe(before);
  });

  it('warns that --auth-token is visible to other users, and never prints it', async () => {
    const out = join(world.temp.path, 'flag-token');
    const run = await runCli(
      ['issue', '-d', 'flag.acmapi.test', '--out', out, '--endpoint', ca.sandbox.url, '--customer-id', ca.customerId, '--auth-token', ca.token, '--ca-file', ca.rootPath],
      {},
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('--auth-token on the command line is visible to other users');
    expect(run.stderr).toContain('ACMAPI_AUTH_TOKEN');
  });

  it('fails with exit 5 and a TLS hint when the sandbox root is not trusted', async () => {
    const env = { ...ca.env };
    delete env['ACMAPI_CA_FILE'];
    const run = await runCli(['issue', '-d', 'tls.acmapi.test', '--out', join(world.temp.path, 'tls'), '--retries', '0'], env);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('--ca-file');
  });

  it('--ca-file replaces the default roots (a file without the sandbox root fails); NODE_EXTRA_CA_CERTS still adds', async () => {
    const other = join(world.temp.path, 'other-root.pem');
    await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(world.temp.path, 'other-root.key'), '-out', other, '-subj', '/CN=not the sandbox', '-days', '2']);
    const env = { ...ca.env, ACMAPI_CA_FILE: other };
    const untrusted = await runCli(['issue', '-d', 'cafile.acmapi.test', '--out', join(world.temp.path, 'cafile-1'), '--retries', '0'], env);
    expect(untrusted.code).toBe(5);
    const extra = await runCli(['issue', '-d', 'cafile.acmapi.test', '--out', join(world.temp.path, 'cafile-2'), '--retries', '0'], { ...env, NODE_EXTRA_CA_CERTS: ca.rootPath });
    expect(extra.stderr).toBe('');
    expect(extra.code).toBe(0);
  });

  it('fails with exit 7 when the output folder cannot be created', async () => {
    const file = join(world.temp.path, 'a-file');
    await writeFile(file, 'not a folder');
    const run = await runCli(['issue', '-d', 'io.acmapi.test', '--out', file, '--json'], ca.env);
    expect(run.code).toBe(7);
    // The store could not be read, so no name is known yet; the domains are.
    expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 7, domains: ['io.acmapi.test'], error: { code: 'LOCAL_IO' } });
    expect(parseJsonOutput(run)['name']).toBeUndefined();
    expect(run.stderr).toContain(file);
  });

  it('a LOCAL_IO error once the certificate is known carries its name, domains and dir in --json', async () => {
    const out = join(world.temp.path, 'io-named');
    await mkdir(out);
    // A file where the certificate's folder should be.
    await writeFile(join(out, 'named-io.acmapi.test'), 'not a folder');
    const run = await runCli(['issue', '-d', 'named-io.acmapi.test', '--out', out, '--json'], ca.env);
    expect(run.code, run.stderr).toBe(7);
    expect(parseJsonOutput(run)).toMatchObject({
      status: 'error',
      exitCode: 7,
      name: 'named-io.acmapi.test',
      domains: ['named-io.acmapi.test'],
      dir: join(out, 'named-io.acmapi.test'),
      error: { code: 'LOCAL_IO' },
    });
  });
});

describe('an http:// endpoint', () => {
  const CLEARTEXT = 'travel over the network unencrypted';

  it('warns once that the token goes in cleartext when the host is not loopback', async () => {
    const file = join(world.temp.path, 'cleartext-file');
    await writeFile(file, 'not a folder');
    // Fails on the store (exit 7) before any request: nothing reaches the network.
    const run = await runCli(['issue', '-d', 'cleartext.acmapi.test', '--out', file], { ...ca.env, ACMAPI_ENDPOINT: 'http://acmapi.example.com/api' });
    expect(run.code).toBe(7);
    expect(run.stderr.split(CLEARTEXT)).toHaveLength(2);
    expect(run.stderr).toContain('http://acmapi.example.com');
  });

  it('does not warn for the sandbox on loopback without TLS, and issues', async () => {
    const plain = await world.sandbox({ tls: false });
    expect(plain.env['ACMAPI_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const run = await runCli(['issue', '-d', 'plain.acmapi.test', '--out', join(world.temp.path, 'plain'), '--json'], plain.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(CLEARTEXT);
  });
});

describe('a second issue for a certificate that is live', () => {
  it('does nothing while it is not yet due (exit 0, says so), and finds it with the domains in another order', async () => {
    const out = join(world.temp.path, 'not-due');
    const dir = join(out, 'a.notdue.acmapi.test');
    expect((await runCli(['issue', '-d', 'a.notdue.acmapi.test', '-d', 'b.notdue.acmapi.test', '--out', out], ca.env)).code).toBe(0);
    const applies = ca.sandbox.requests.filter((r) => r.kind === 'apply').length;
    const again = await runCli(['issue', '-d', 'b.notdue.acmapi.test', '-d', 'a.notdue.acmapi.test', '--out', out, '--json'], ca.env);
    expect(again.code).toBe(0);
    expect(parseJsonOutput(again)).toMatchObject({ status: 'not-due', name: 'a.notdue.acmapi.test', dir, exitCode: 0 });
    const human = await runCli(['issue', '-d', 'a.notdue.acmapi.test', '-d', 'b.notdue.acmapi.test', '--out', out], ca.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('not yet due for renewal');
    expect(human.stdout).toContain('--force');
    // Nothing reached the CA, and no second folder was made for the other order.
    expect(ca.sandbox.requests.filter((r) => r.kind === 'apply').length).toBe(applies);
    expect(await exists(join(out, 'b.notdue.acmapi.test'))).toBe(false);
  });

  it('with --force: keeps the live key and certificate when the CA refuses (key retired, not deleted), and replaces both when it issues', async () => {
    const out = join(world.temp.path, 'renew');
    const dir = join(out, 'renew.acmapi.test');
    expect((await runCli(['issue', '-d', 'renew.acmapi.test', '--out', out], ca.env)).code).toBe(0);
    const liveKey = await publicKeyOfPrivateKey(join(dir, 'privkey.pem'));
    const refusing = await world.sandbox({ refuse: ['renew.acmapi.test'] });
    const refused = await runCli(['issue', '-d', 'renew.acmapi.test', '--out', out, '--force'], refusing.env);
    expect(refused.code).toBe(4);
    // The live pair still matches: a server reloading now keeps working.
    expect(await publicKeyOfPrivateKey(join(dir, 'privkey.pem'))).toBe(liveKey);
    await expectVerifiedFolder(dir, ca.rootPath);
    // The refused application is recorded, and its key kept in its version folder.
    const afterRefusal = await expectStoreConsistent(dir);
    expect(afterRefusal.lastError).toMatchObject({ code: 'CA_REFUSED' });
    const retired = afterRefusal.versions.find((v) => v.status === 'refused');
    expect(retired?.reason).toContain('CA_REFUSED');
    expect(await exists(join(dir, 'versions', retired?.id ?? '?', 'privkey.pem'))).toBe(true);

    expect((await runCli(['issue', '-d', 'renew.acmapi.test', '--out', out, '--force'], ca.env)).code).toBe(0);
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfPrivateKey(join(dir, 'privkey.pem'))).not.toBe(liveKey);
    expect((await stat(join(dir, 'privkey.pem'))).mode & 0o777).toBe(0o600);
    const renewed = await expectStoreConsistent(dir);
    expect(renewed.lastError).toBeUndefined();
    expect(renewed.versions.map((v) => v.status)).toEqual(['archived', 'refused', 'live']);
  });
});

describe('pending applications', () => {
  it('exits 3 with the key and handle saved, then retrieve after approval installs that key\'s certificate', async () => {
    const out = join(world.temp.path, 'pending');
    const dir = join(out, 'pending.acmapi.test');
    const first = await runCli(['issue', '-d', 'pending.acmapi.test', '--out', out, '--json'], ca.env);
    expect(first.code).toBe(3);
    const result = parseJsonOutput(first);
    expect(result).toMatchObject({ status: 'pending', exitCode: 3, domains: ['pending.acmapi.test'], dir });
    const handleId = result['handleId'] as string;
    expect(handleId).not.toBe('');
    expect(await exists(join(dir, 'cert.pem'))).toBe(false);
    expect(await exists(join(dir, 'fullchain.pem'))).toBe(false);
    // The pending slot: handle, domains and endpoint in state.json, the key and CSR in the application's version folder.
    const stateText = await readFile(join(dir, 'state.json'), 'utf8');
    const pending = await attemptOf(dir);
    expect(pending).toMatchObject({ status: 'pending', handleId, domains: ['pending.acmapi.test'], endpoint: ca.sandbox.url });
    expect(typeof pending?.pendingSince).toBe('string');
    expect(stateText).not.toContain(ca.token);
    const files = result['files'] as Record<string, string>;
    expect(files['privateKey']).toBe(join(dir, 'versions', pending?.id ?? '?', 'privkey.pem'));
    expect((await stat(files['privateKey'] ?? '')).mode & 0o777).toBe(0o600);
    const keyBefore = await publicKeyOfPrivateKey(files['privateKey'] ?? '');

    // Still pending: exit 3 again, nothing installed.
    const early = await runCli(['retrieve', handleId, '--out', out], ca.env);
    expect(early.code).toBe(3);
    expect(early.stdout).toContain(`acmapi retrieve ${handleId}`);
    expect(await exists(join(dir, 'cert.pem'))).toBe(false);

    await ca.sandbox.approve(handleId);
    const second = await runCli(['retrieve', handleId, '--dir', dir], ca.env);
    expect(second.code).toBe(0);
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(keyBefore);
    const state = await expectStoreConsistent(dir);
    expect(state.attempt).toBeUndefined();
    // Polled twice: the early retrieve and the one that installed it.
    expect(state.versions.at(-1)).toMatchObject({ status: 'live', handleId, polls: 2 });
  });

  it('with --wait, saves the handle before polling and installs the certificate approved meanwhile', async () => {
    const out = join(world.temp.path, 'waiting');
    const dir = join(out, 'approve-while-waiting.acmapi.test');
    const running = runCli(['issue', '-d', 'approve-while-waiting.acmapi.test', '--out', out, '--wait', '40s'], ca.env);
    let handleId: string | undefined;
    for (let i = 0; i < 200 && handleId === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      handleId = ca.sandbox.applications().find((a) => a.domains.includes('approve-while-waiting.acmapi.test'))?.handleId;
    }
    expect(handleId).toBeDefined();
    // The handle is on disk while the command is still waiting.
    const saved = async () => (await exists(join(dir, 'state.json'))) && (await attemptOf(dir))?.handleId !== undefined;
    for (let i = 0; i < 100 && !(await saved()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await attemptOf(dir)).toMatchObject({ status: 'pending', handleId });
    await ca.sandbox.approve(handleId ?? '');
    const run = await running;
    expect(run.code).toBe(0);
    await expectVerifiedFolder(dir, ca.rootPath);
    expect((await readState(dir)).attempt).toBeUndefined();
  });

  it('refuses a new application over one still pending (exit 2, key kept), unless --force (old key kept as abandoned)', async () => {
    const out = join(world.temp.path, 'pending');
    const dir = join(out, 'pending.acmapi.test');
    // The first test's certificate is live and not due: --force applies anew, which goes pending.
    const run = await runCli(['issue', '-d', 'pending.acmapi.test', '--out', out, '--force', '--json'], ca.env);
    expect(run.code).toBe(3);
    const handleId = parseJsonOutput(run)['handleId'] as string;
    const applies = ca.sandbox.requests.filter((r) => r.kind === 'apply').length;
    const again = await runCli(['issue', '-d', 'pending.acmapi.test', '--out', out, '--json'], ca.env);
    expect(again.code).toBe(2);
    expect(parseJsonOutput(again)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'STORE_PENDING_EXISTS' } });
    expect(again.stderr).toContain(handleId);
    expect(again.stderr).toContain('acmapi retrieve');
    expect(ca.sandbox.requests.filter((r) => r.kind === 'apply').length).toBe(applies);
    expect(await attemptOf(dir)).toMatchObject({ status: 'pending', handleId });

    const forced = await runCli(['issue', '-d', 'pending.acmapi.test', '--out', out, '--force', '--json'], ca.env);
    expect(forced.code).toBe(3);
    const state = await expectStoreConsistent(dir);
    const abandoned = state.versions.find((v) => v.handleId === handleId);
    expect(abandoned?.status).toBe('abandoned');
    expect(await exists(join(dir, 'versions', abandoned?.id ?? '?', 'privkey.pem'))).toBe(true);
  });
});
