/**
 * The store commands end to end: acmapi.json (`issue NAME`, `matrix`), `list`, `renew` with
 * short-lived sandbox certificates and an injected clock (`ACMAPI_NOW`), a pending application
 * polled by restarted processes, PKCS#12 export checked by openssl, and two concurrent issues.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpenssl } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, startCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder, publicKeyOfCertificate, publicKeyOfPrivateKey } from './pki-checks.js';
import { attemptOf, expectStoreConsistent, readState } from './store-checks.js';

let world: World;
let ca: WorldSandbox;

// Short-lived certificates: 600 s (+60 s backdating); with ACMAPI_NOW 8 minutes ahead, less than a third is left.
const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ validitySeconds: 600, pending: { domains: ['*.pending.acmapi.test'] } });
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

function applies(sandbox: WorldSandbox, domain: string): number {
  return sandbox.sandbox.requests.filter((r) => r.kind === 'apply' && r.domains?.includes(domain) === true).length;
}

interface ListEntry {
  name: string;
  domains: string[];
  state: string;
  daysLeft: number | null;
  notAfter: string | null;
  fingerprintSha256: string | null;
  handleId?: string;
  lastError?: { code: string };
}

async function list(out: string, env: Record<string, string> = {}): Promise<ListEntry[]> {
  const run = await runCli(['list', '--json', '--out', out], env);
  expect(run.code).toBe(0);
  return parseJsonOutput(run)['certificates'] as ListEntry[];
}

describe('acmapi.json', () => {
  let project: string;

  beforeAll(async () => {
    project = join(world.temp.path, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'acmapi.json'),
      JSON.stringify({
        endpoint: ca.sandbox.url,
        customerId: ca.customerId,
        defaults: { keyType: 'rsa-2048', storeDir: 'store' },
        certificates: [
          { name: 'shop', domains: ['shop.acmapi.test', 'www.shop.acmapi.test'] },
          { name: 'blog', domains: ['blog.acmapi.test'], keyType: 'ec-p384' },
        ],
      }),
    );
  });

  it('issue NAME takes the domains, key type, endpoint, customer id and store folder from it (the token from the environment)', async () => {
    const env = { ACMAPI_AUTH_TOKEN: ca.token, ACMAPI_CA_FILE: ca.rootPath };
    const run = await runCli(['issue', 'shop', '--json'], env, project);
    expect(run.code, run.stderr).toBe(0);
    const dir = join(project, 'store', 'shop');
    expect(parseJsonOutput(run)).toMatchObject({ status: 'issued', name: 'shop', domains: ['shop.acmapi.test', 'www.shop.acmapi.test'], dir });
    await expectVerifiedFolder(dir, ca.rootPath);
    expect((await runOpenssl(['pkey', '-in', join(dir, 'privkey.pem'), '-noout', '-text'])).stdout).toContain('2048 bit');

    const unknown = await runCli(['issue', 'nope', '--json'], env, project);
    expect(unknown.code).toBe(2);
    expect(parseJsonOutput(unknown)).toMatchObject({ error: { code: 'USAGE_CERTIFICATE_UNKNOWN' } });
    expect(unknown.stderr).toContain('shop, blog');

    // list shows the store's certificate and the one acmapi.json names but nobody issued yet.
    const listed = parseJsonOutput(await runCli(['list', '--json'], {}, project))['certificates'] as ListEntry[];
    expect(listed.map((e) => [e.name, e.state])).toEqual([
      ['blog', 'new'],
      ['shop', 'valid'],
    ]);
  });

  it('defaults.keyType is a fallback: a key type remembered from --key-type survives renew (core\'s settingsForRun precedence)', async () => {
    const env = { ACMAPI_AUTH_TOKEN: ca.token, ACMAPI_CA_FILE: ca.rootPath };
    const keyOf = async (name: string): Promise<string> => (await runOpenssl(['pkey', '-in', join(project, 'store', name, 'privkey.pem'), '-noout', '-text'])).stdout;
    const other = join(world.temp.path, 'project-keytype');
    await mkdir(other);
    await writeFile(
      join(other, 'acmapi.json'),
      JSON.stringify({ endpoint: ca.sandbox.url, customerId: ca.customerId, defaults: { keyType: 'rsa-2048', storeDir: '../project/store' }, certificates: [{ name: 'keytype', domains: ['keytype.acmapi.test'] }] }),
    );
    const issued = await runCli(['issue', 'keytype', '--key-type', 'ec-p384'], env, other);
    expect(issued.code, issued.stderr).toBe(0);
    expect(await keyOf('keytype')).toContain('NIST CURVE: P-384');
    const renewed = await runCli(['renew', 'keytype', '--force'], env, other);
    expect(renewed.code, renewed.stderr).toBe(0);
    // A new key (the default key policy), of the remembered type, not defaults.keyType's.
    expect(await keyOf('keytype')).toContain('NIST CURVE: P-384');
    expect(await keyOf('keytype')).not.toContain('2048 bit');
  });

  it('renew --json lists the certificates by name (as the README says), not in acmapi.json order', async () => {
    const dry = await runCli(['renew', '--dry-run', '--json'], {}, project);
    expect(dry.code, dry.stderr).toBe(0);
    // acmapi.json lists shop before blog.
    expect((parseJsonOutput(dry)['certificates'] as { name: string }[]).map((c) => c.name)).toEqual(['blog', 'shop']);
  });

  it('matrix prints one line of {"include":[{name, domains}]} for strategy.matrix, optionally a subset', async () => {
    const all = await runCli(['matrix'], {}, project);
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(all.stdout)).toEqual({
      include: [
        { name: 'shop', domains: 'shop.acmapi.test,www.shop.acmapi.test' },
        { name: 'blog', domains: 'blog.acmapi.test' },
      ],
    });
    const some = await runCli(['matrix', '--config', join(project, 'acmapi.json'), '--certificates', 'blog'], {});
    expect(JSON.parse(some.stdout)).toEqual({ include: [{ name: 'blog', domains: 'blog.acmapi.test' }] });
    const wrong = await runCli(['matrix', '--certificates', 'nope'], {}, project);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('"nope"');
    const none = await runCli(['matrix', '--config', join(world.temp.path, 'missing.json')], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing.json');
  });
});

describe('renewal with short-lived certificates and an injected clock', () => {
  it('list says valid, then due at ACMAPI_NOW; renew --dry-run plans, renew replaces key and certificate, then is not due', async () => {
    const out = join(world.temp.path, 'renewal');
    const dir = join(out, 'short.acmapi.test');
    expect((await runCli(['issue', '-d', 'short.acmapi.test', '--out', out], ca.env)).code).toBe(0);
    const oldKey = await publicKeyOfPrivateKey(join(dir, 'privkey.pem'));
    const fingerprint = (await runOpenssl(['x509', '-in', join(dir, 'cert.pem'), '-noout', '-fingerprint', '-sha256'])).stdout.trim().split('=')[1];
    const [valid] = await list(out);
    expect(valid).toMatchObject({ name: 'short.acmapi.test', domains: ['short.acmapi.test'], state: 'valid', daysLeft: 0, fingerprintSha256: fingerprint });
    expect(Date.parse(valid?.notAfter ?? '')).toBeGreaterThan(Date.now());

    const later = { ...ca.env, ACMAPI_NOW: inMinutes(8) };
    expect((await list(out, later))[0]?.state).toBe('due');
    const human = await runCli(['list', '--out', out], later);
    expect(human.stdout).toMatch(/short\.acmapi\.test\s+due/);

    const before = applies(ca, 'short.acmapi.test');
    const dry = await runCli(['renew', '--dry-run', '--out', out, '--json'], later);
    expect(dry.code).toBe(0);
    expect(parseJsonOutput(dry)).toMatchObject({ dryRun: true, certificates: [{ name: 'short.acmapi.test', action: 'apply', reason: 'due' }] });
    expect(applies(ca, 'short.acmapi.test')).toBe(before);

    const renewed = await runCli(['renew', '--out', out, '--json'], later);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(parseJsonOutput(renewed)).toMatchObject({ status: 'ok', exitCode: 0, certificates: [{ status: 'issued', name: 'short.acmapi.test' }] });
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfPrivateKey(join(dir, 'privkey.pem'))).not.toBe(oldKey);
    expect((await expectStoreConsistent(dir)).versions.map((v) => v.status)).toEqual(['archived', 'live']);

    // Now (the real time) the new certificate is fresh. (At ACMAPI_NOW it would be due again: it lives 10 minutes.)
    const again = await runCli(['renew', '--all', '--out', out, '--json'], ca.env);
    expect(parseJsonOutput(again)).toMatchObject({ status: 'ok', certificates: [{ status: 'not-due' }] });
    expect(applies(ca, 'short.acmapi.test')).toBe(before + 1);
    // Without credentials nothing is asked of the CA, so none are needed.
    const noCredentials = await runCli(['renew', '--out', out], {});
    expect(noCredentials.code).toBe(0);
    expect(noCredentials.stdout).toContain('not yet due for renewal');
  });

  it('--renew-before-days N (older name --days) makes a certificate due earlier; issue honours it too', async () => {
    const out = join(world.temp.path, 'days');
    expect((await runCli(['issue', '-d', 'days.acmapi.test', '--out', out], ca.env)).code).toBe(0);
    expect((await list(out))[0]?.state).toBe('valid');
    const run = await runCli(['issue', '-d', 'days.acmapi.test', '--out', out, '--renew-before-days', '1', '--json'], ca.env);
    expect(run.code).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'issued' });
  });
});

describe('a pending application polled by restarted processes', () => {
  it('is picked up by renew and retrieve, listed with its handle, and the certificate matches the first run\'s key', async () => {
    const out = join(world.temp.path, 'polls');
    const domain = 'slow.pending.acmapi.test';
    const dir = join(out, domain);
    const first = await runCli(['issue', '-d', domain, '--out', out, '--json'], ca.env);
    expect(first.code).toBe(3);
    const handleId = parseJsonOutput(first)['handleId'] as string;
    const firstKey = await publicKeyOfPrivateKey(join(dir, 'versions', (await attemptOf(dir))?.id ?? '?', 'privkey.pem'));

    for (const args of [['renew', '--out', out], ['retrieve', handleId, '--out', out], ['renew', domain, '--out', out]]) {
      const poll = await runCli(args, ca.env);
      expect(poll.code, `${args.join(' ')}: ${poll.stderr}`).toBe(3);
    }
    const [pending] = await list(out);
    expect(pending).toMatchObject({ name: domain, state: 'pending', handleId, daysLeft: null, notAfter: null });
    expect((await attemptOf(dir))?.polls).toBe(3);
    // The hint names the store, as issue's does: retrieve would not find it in ./certs.
    expect((await runCli(['list', '--out', out], {})).stdout).toContain(`acmapi retrieve ${handleId} --out ${out} (or acmapi renew --out ${out})`);
    expect(applies(ca, domain)).toBe(1);

    await ca.sandbox.approve(handleId);
    const done = await runCli(['renew', '--out', out, '--json'], ca.env);
    expect(done.code, done.stderr).toBe(0);
    expect(parseJsonOutput(done)).toMatchObject({ certificates: [{ status: 'issued', handleId }] });
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(firstKey);
    expect((await list(out))[0]).toMatchObject({ state: 'valid' });
    expect(applies(ca, domain)).toBe(1);

    // Regression: retrieve run again after it succeeded said "No pending application" (exit 2).
    const retrieves = ca.sandbox.requests.filter((r) => r.kind === 'retrieve' && r.handleId === handleId).length;
    const again = await runCli(['retrieve', handleId, '--out', out, '--json'], ca.env);
    expect(again.code, again.stderr).toBe(0);
    expect(parseJsonOutput(again)).toMatchObject({ status: 'issued', alreadyInstalled: true, exitCode: 0, name: domain, domains: [domain], handleId, dir, files: { cert: join(dir, 'cert.pem') } });
    const human = await runCli(['retrieve', handleId, '--out', out], ca.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`handle ${handleId} is already installed: "${domain}"`);
    expect(human.stdout).toContain(join(dir, 'fullchain.pem'));
    expect(ca.sandbox.requests.filter((r) => r.kind === 'retrieve' && r.handleId === handleId).length).toBe(retrieves);
  });

  it('a refused pending application is recorded, its key retired, and list shows the error', async () => {
    const out = join(world.temp.path, 'refused-pending');
    const domain = 'no.pending.acmapi.test';
    const first = await runCli(['issue', '-d', domain, '--out', out, '--json'], ca.env);
    const handleId = parseJsonOutput(first)['handleId'] as string;
    ca.sandbox.refuse(handleId);
    const run = await runCli(['retrieve', handleId, '--out', out, '--json'], ca.env);
    expect(run.code).toBe(4);
    const [entry] = await list(out);
    // Regression: the domains were empty once the only application was refused.
    expect(entry).toMatchObject({ name: domain, domains: [domain], state: 'failed', lastError: { code: 'CA_REFUSED' } });
    expect((await runCli(['list', '--out', out], {})).stdout).toMatch(new RegExp(`${domain.replace(/\./g, '\\.')}\\s+failed\\s+-\\s+-\\s+-\\s+${domain.replace(/\./g, '\\.')}`));
    expect(entry?.handleId).toBeUndefined();
    const state = await expectStoreConsistent(join(out, domain));
    expect(state.versions.map((v) => v.status)).toEqual(['refused']);
    expect(await exists(join(out, domain, 'versions', state.versions[0]?.id ?? '?', 'privkey.pem'))).toBe(true);
  });
});

describe('a signal while issue --wait waits for a pending application', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: says which handle is saved where and how to pick it up, exits %d, the handle kept and the lock released', async (signal, exitCode) => {
    const out = join(world.temp.path, `signal-${signal}`);
    const domain = `${signal.toLowerCase()}.pending.acmapi.test`;
    const dir = join(out, domain);
    const { child, ended } = startCli(['issue', '-d', domain, '--out', out, '--wait', '10m', '--preflight', 'off', ...(signal === 'SIGTERM' ? ['--json'] : [])], ca.env);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    for (let i = 0; i < 400 && !stderr.includes('waiting up to'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(stderr).toContain('waiting up to');
    child.kill(signal);
    const end = await ended;
    expect(end.signal).toBeNull();
    expect(end.code).toBe(exitCode);
    const application = await attemptOf(dir);
    const handleId = application?.handleId ?? '?';
    expect(application).toMatchObject({ status: 'pending' });
    expect(end.stderr).toContain(`Interrupted while waiting; the application is pending with handle ${handleId}, saved in ${dir}: run \`acmapi retrieve ${handleId} --out ${out}\``);
    if (signal === 'SIGTERM') expect(JSON.parse(end.stdout)).toMatchObject({ status: 'pending', interrupted: 'SIGTERM', exitCode: 143, handleId, dir });
    expect(await exists(join(dir, '.lock'))).toBe(false);
    await expectStoreConsistent(dir);
    // And it can be picked up as the message says.
    await ca.sandbox.approve(handleId);
    expect((await runCli(['retrieve', handleId, '--out', out], ca.env)).code).toBe(0);
  });
});

describe('PKCS#12 export', () => {
  it('--pfx writes cert.pfx (0600) that openssl opens with the passphrase file, holding the live key and certificate', async () => {
    const out = join(world.temp.path, 'pfx');
    const dir = join(out, 'pfx.acmapi.test');
    const passFile = join(world.temp.path, 'pfx-pass.txt');
    await writeFile(passFile, 'correct horse battery\n', { mode: 0o600 });
    const run = await runCli(['issue', '-d', 'pfx.acmapi.test', '--out', out, '--pfx', '--pfx-passphrase-file', passFile, '--json'], ca.env);
    expect(run.code, run.stderr).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ files: { pfx: join(dir, 'cert.pfx') } });
    const pfx = join(dir, 'cert.pfx');
    const certOut = join(world.temp.path, 'pfx-cert.pem');
    const keyOut = join(world.temp.path, 'pfx-key.pem');
    await runOpenssl(['pkcs12', '-in', pfx, '-passin', `file:${passFile}`, '-nokeys', '-clcerts', '-out', certOut]);
    await runOpenssl(['pkcs12', '-in', pfx, '-passin', `file:${passFile}`, '-nocerts', '-nodes', '-out', keyOut]);
    expect(await publicKeyOfCertificate(certOut)).toBe(await publicKeyOfCertificate(join(dir, 'cert.pem')));
    expect(await publicKeyOfPrivateKey(keyOut)).toBe(await publicKeyOfPrivateKey(join(dir, 'privkey.pem')));
    await expect(runOpenssl(['pkcs12', '-in', pfx, '-passin', 'pass:wrong', '-nokeys'])).rejects.toThrow();
    expect((await readFile(pfx)).length).toBeGreaterThan(0);

    // The environment variable works too, and a not-due run keeps the file; no passphrase: exit 2.
    const env = await runCli(['issue', '-d', 'pfx.acmapi.test', '--out', out, '--pfx', '--json'], { ...ca.env, ACMAPI_PFX_PASSPHRASE: 'correct horse battery' });
    expect(parseJsonOutput(env)).toMatchObject({ status: 'not-due', files: { pfx } });
    const missing = await runCli(['issue', '-d', 'pfx.acmapi.test', '--out', out, '--pfx', '--json'], ca.env);
    expect(missing.code).toBe(2);
    expect(parseJsonOutput(missing)).toMatchObject({ error: { code: 'USAGE_PFX' } });
  });
});

describe('PKCS#12 export of a pending application', () => {
  it('retrieve writes the cert.pfx the certificate remembers from issue --pfx, as renew does', async () => {
    const out = join(world.temp.path, 'pfx-pending');
    const domain = 'pfx.pending.acmapi.test';
    const dir = join(out, domain);
    const pfx = join(dir, 'cert.pfx');
    const passphrase = 'pending horse battery';
    const env = { ...ca.env, ACMAPI_PFX_PASSPHRASE: passphrase };
    const first = await runCli(['issue', '-d', domain, '--out', out, '--pfx', '--json'], env);
    expect(first.code, first.stderr).toBe(3);
    const handleId = parseJsonOutput(first)['handleId'] as string;
    await ca.sandbox.approve(handleId);

    // As printed by issue: no --pfx; the remembered setting names the variable.
    const done = await runCli(['retrieve', handleId, '--out', out, '--json'], env);
    expect(done.code, done.stderr).toBe(0);
    expect(parseJsonOutput(done)).toMatchObject({ status: 'issued', handleId, files: { pfx } });
    const certOut = join(world.temp.path, 'pfx-pending-cert.pem');
    await runOpenssl(['pkcs12', '-in', pfx, '-passin', `pass:${passphrase}`, '-nokeys', '-clcerts', '-out', certOut]);
    expect(await publicKeyOfCertificate(certOut)).toBe(await publicKeyOfCertificate(join(dir, 'cert.pem')));
    expect(`${done.stdout}${done.stderr}`).not.toContain(passphrase);
  });
});

describe('two concurrent acmapi issue for one certificate', () => {
  it('exactly one application reaches the CA: the second waits for the lock and finds the certificate not due; with --lock-wait 0 it exits 9', async () => {
    const slow = await world.sandbox({ faults: { delayMs: 2_000 } });
    const out = join(world.temp.path, 'concurrent');
    const domain = 'together.acmapi.test';
    const args = ['issue', '-d', domain, '--out', out, '--json'];
    const a = startCli(args, slow.env);
    const b = startCli(args, slow.env);
    // Once one holds the lock, a third that will not wait gives up at once.
    for (let i = 0; i < 200 && !(await exists(join(out, domain, '.lock'))); i++) await new Promise((r) => setTimeout(r, 25));
    const c = await runCli([...args, '--lock-wait', '0'], slow.env);
    expect(c.code).toBe(9);
    expect(parseJsonOutput(c)).toMatchObject({ status: 'error', exitCode: 9, error: { code: 'STORE_LOCKED' } });
    expect(c.stderr).toContain('--lock-wait');
    const results = await Promise.all([a.ended, b.ended]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const statuses = results.map((r) => (JSON.parse(r.stdout) as { status: string }).status).sort();
    expect(statuses).toEqual(['issued', 'not-due']);
    expect(applies(slow, domain)).toBe(1);
    await expectVerifiedFolder(join(out, domain), slow.rootPath);
    expect((await readState(join(out, domain))).versions).toHaveLength(1);
  });
});
