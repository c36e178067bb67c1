// The project service against a real sandbox CA over HTTPS, a real signfile server and a real
// store on disk: what the extension's Apply, Check Signfile and the pending tracker do, without VS Code.
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmApiClient, runCertificate, type CertificateSettings, type LifecycleEvent, type PreflightMode } from '@acmapi/core';
import { serveSignfile, type ServeSignfileResult } from '@acmapi/core/deploy';
import { openStore } from '@acmapi/core/store';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { startDnsServer } from '@acmapi/test-dns';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { formatMessage } from '../src/l10n/localize.js';
import { PendingPoller, type PollOutcome } from '../src/pending/poller.js';
import { describeError } from '../src/project/advice.js';
import { ProjectService } from '../src/project/project-service.js';
import type { Logger } from '../src/project/logger.js';

const SIGNFILE = 'vscode-test-signfile-token';
const TOKEN = 'vscode-test-auth-token';
const lines: string[] = [];
const log: Logger = {
  trace: (message) => lines.push(message),
  debug: (message) => lines.push(message),
  info: (message) => lines.push(message),
  warn: (message) => lines.push(message),
  error: (message) => lines.push(String(message)),
};

let temp: TempDir;
let sandbox: Sandbox;
let signfileServer: ServeSignfileResult;

const DOMAINS = ['example.test', 'www.example.test', 'pending.example.test', 'missing.example.test', 'own.example.test', 'lonely.example.test', 'wizard.example.test', 'warned.example.test', 'remembered.example.test', 'tracked.example.test', 'refused.example.test', 'lost.example.test'];

async function open(authToken: string | null = TOKEN, preflightMode: PreflightMode = 'warn', env: NodeJS.ProcessEnv = {}): Promise<ProjectService> {
  return ProjectService.open({
    configFile: join(temp.path, 'acmapi.json'),
    settings: {
      caFile: join(temp.path, 'sandbox-ca.pem'),
      preflightMode,
      resolve: DOMAINS.map((domain) => `${domain}:127.0.0.1`),
      httpPort: signfileServer.port,
      httpsPort: 1,
    },
    authToken: () => Promise.resolve(authToken ?? undefined),
    log,
    t: formatMessage,
    env,
  });
}

beforeAll(async () => {
  temp = await makeTempDir('acmapi-vscode-service-');
  signfileServer = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
  sandbox = await startSandbox({
    customers: [{ customerId: 'vscode', authToken: TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
    validation: { httpPort: signfileServer.port, resolve: { '*': ['127.0.0.1'] } },
    pending: { domains: ['pending.example.test', 'tracked.example.test'] },
    refuse: ['refused.example.test'],
  });
  await writeFile(join(temp.path, 'sandbox-ca.pem'), sandbox.caBundlePem);
  await writeFile(join(temp.path, 'signfile'), SIGNFILE);
  await mkdir(join(temp.path, 'certs'));
  await writeFile(
    join(temp.path, 'acmapi.json'),
    JSON.stringify({
      endpoint: sandbox.url,
      customerId: 'vscode',
      signfile: { name: 'signfile', path: 'signfile' },
      certificates: [
        { name: 'site', domains: ['example.test', 'www.example.test'] },
        { name: 'slow', domains: ['pending.example.test'] },
        { name: 'own', domains: ['own.example.test'], csr: 'own/csr.pem', key: 'keys/own.pem' },
        { name: 'lonely', domains: ['lonely.example.test'], csr: 'lonely/csr.pem' },
        // No keyType, no placement, nothing of PKCS#12: what the certificate remembers decides.
        { name: 'remembered', domains: ['remembered.example.test'] },
        { name: 'tracked', domains: ['tracked.example.test'] },
        { name: 'refused', domains: ['refused.example.test'] },
        { name: 'lost', domains: ['lost.example.test'] },
      ],
    }),
  );
});

/** A P-256 key and a CSR for `domain`, made by openssl (an independent peer) at `keyFile` and `csrFile`. */
async function opensslKeyAndCsr(domain: string, keyFile: string, csrFile: string): Promise<void> {
  await mkdir(join(temp.path, keyFile, '..'), { recursive: true });
  await mkdir(join(temp.path, csrFile, '..'), { recursive: true });
  await runOpenssl(
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`],
    { cwd: temp.path },
  );
}

/** The version folders of certificate `name` in the store (none when it has no folder). */
async function versions(name: string): Promise<string[]> {
  return readdir(join(temp.path, 'certs', name, 'versions')).catch(() => []);
}

/** Runs `fn` with the project's signfile replaced by a wrong one, so the preflight fails. */
async function withWrongSignfile<T>(fn: () => Promise<T>): Promise<T> {
  await writeFile(join(temp.path, 'signfile'), 'another token');
  try {
    return await fn();
  } finally {
    await writeFile(join(temp.path, 'signfile'), SIGNFILE);
  }
}

/**
 * Runs core's lifecycle on the project's store the way `acmapi issue` does, with `settings` to
 * remember (e.g. `--webroot DIR --reuse-key --key-type rsa-2048`, or `--pfx`).
 */
async function issueAsTheCli(name: string, settings: CertificateSettings): Promise<string> {
  const store = await openStore(join(temp.path, 'certs'));
  const result = await runCertificate({
    repository: store,
    name,
    command: 'issue',
    settings,
    client: () => new AcmApiClient({ customerId: 'vscode', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem }),
  });
  if (result.status !== 'issued' && result.status !== 'pending') throw new Error(`expected issued or pending, got ${result.status}`);
  return result.handleId;
}

afterAll(async () => {
  await sandbox.close();
  await signfileServer.close();
  await temp.cleanup();
});

describe('ProjectService', () => {
  it('checks the signfile of each domain the way the CA will', async () => {
    const service = await open();
    const result = await service.preflight(['example.test', 'missing.example.test']);
    if ('reason' in result) throw new Error(result.reason);
    expect(result.domains.map((domain) => domain.ok)).toEqual([true, true]);
    await writeFile(join(temp.path, 'signfile'), 'another token');
    const failing = await service.preflight(['example.test']);
    await writeFile(join(temp.path, 'signfile'), SIGNFILE);
    if ('reason' in failing) throw new Error(failing.reason);
    expect(failing.domains[0]?.failure?.kind).toBe('content-mismatch');
  });

  it('applies, installs the certificate in the store, and then skips renewal while not due', async () => {
    const service = await open();
    const outcome = await service.apply({ name: 'site', domains: ['example.test', 'www.example.test'], command: 'issue' });
    expect(outcome.status).toBe('issued');
    const record = (await service.records()).find((entry) => entry.name === 'site');
    expect(record?.state).toBe('valid');
    const live = await service.liveCertificate('site');
    if (live === undefined) throw new Error('no live certificate');
    await writeFile(join(temp.path, 'root.pem'), sandbox.caCertificates.rootPem);
    await writeFile(join(temp.path, 'chain.pem'), live.chainPem);
    await writeFile(join(temp.path, 'cert.pem'), live.certPem);
    const verified = await runOpenssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], { cwd: temp.path });
    expect(verified.stdout).toContain('cert.pem: OK');
    const again = await service.apply({ name: 'site', domains: ['example.test', 'www.example.test'], command: 'renew' });
    expect(again.status).toBe('skipped');
  });

  it('keeps a pending application, and the poller installs it once the CA approves', async () => {
    const service = await open();
    const outcome = await service.apply({ name: 'slow', domains: ['pending.example.test'], command: 'issue' });
    if (outcome.status !== 'pending') throw new Error(`expected pending, got ${outcome.status}`);
    expect(await service.pendingItems()).toEqual([{ certificateName: 'slow', handleId: outcome.handleId }]);
    const outcomes: PollOutcome[] = [];
    const poller = new PendingPoller({ list: () => service.pendingItems(), retrieve: (item, signal) => service.retrieve(item, signal), onOutcome: (_item, result) => outcomes.push(result) });
    try {
      await poller.pollNow();
      expect(outcomes.map((result) => result.status)).toEqual(['pending']);
      await sandbox.approve(outcome.handleId);
      await poller.pollNow();
      expect(outcomes.map((result) => result.status)).toEqual(['pending', 'issued']);
      expect(poller.pending).toEqual([]);
    } finally {
      poller.dispose();
    }
    const record = (await service.records()).find((entry) => entry.name === 'slow');
    expect(record?.state).toBe('valid');
    expect(record?.application).toBeUndefined();
  });

  it('applies with acmapi.json\'s csr and key (made by openssl) and keeps that key in the store', async () => {
    await opensslKeyAndCsr('own.example.test', 'keys/own.pem', 'own/csr.pem');
    const service = await open();
    const events: LifecycleEvent[] = [];
    const outcome = await service.apply({ name: 'own', domains: ['own.example.test'], command: 'issue', onEvent: (event) => events.push(event) });
    expect(outcome.status).toBe('issued');
    expect(events.map((event) => event.type)).not.toContain('key-generating');
    expect(await readFile(join(temp.path, 'certs', 'own', 'privkey.pem'), 'utf8')).toBe(await readFile(join(temp.path, 'keys', 'own.pem'), 'utf8'));
  });

  it('applies with the CSR wizard\'s key and CSR, passed in', async () => {
    await opensslKeyAndCsr('wizard.example.test', 'wizard/privkey.pem', 'wizard/csr.pem');
    const [privateKeyPem, csrPem] = await Promise.all([readFile(join(temp.path, 'wizard', 'privkey.pem'), 'utf8'), readFile(join(temp.path, 'wizard', 'csr.pem'), 'utf8')]);
    const service = await open();
    const outcome = await service.apply({ name: 'wizard', domains: ['wizard.example.test'], command: 'issue', keyAndCsr: { privateKeyPem, csrPem } });
    expect(outcome.status).toBe('issued');
    expect(await readFile(join(temp.path, 'certs', 'wizard', 'privkey.pem'), 'utf8')).toBe(privateKeyPem);
  });

  it('refuses a CSR without its private key (core\'s KEY_REQUIRED), names acmapi.json\'s "key", and writes nothing', async () => {
    await opensslKeyAndCsr('lonely.example.test', 'lonely-key/key.pem', 'lonely/csr.pem');
    const service = await open();
    const error: unknown = await service.apply({ name: 'lonely', domains: ['lonely.example.test'], command: 'issue' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'KEY_REQUIRED' });
    expect(describeError(error, formatMessage)).toContain('"key"');
    await expect(stat(join(temp.path, 'certs', 'lonely'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('in mode warn reports a failing preflight through the events and applies anyway', async () => {
    const service = await open();
    const events: LifecycleEvent[] = [];
    const outcome = await withWrongSignfile(() => service.apply({ name: 'warned', domains: ['warned.example.test'], command: 'issue', onEvent: (event) => events.push(event) }));
    const finished = events.find((event) => event.type === 'preflight-finished');
    expect(finished?.type === 'preflight-finished' ? finished.result.domains.map((domain) => domain.failure?.kind) : undefined).toEqual(['content-mismatch']);
    expect(events.map((event) => event.type)).toContain('applying');
    expect(outcome.status).toBe('issued');
  });

  it('in mode strict a failing preflight during renew sends nothing and writes nothing', async () => {
    const service = await open(TOKEN, 'strict');
    const state = join(temp.path, 'certs', 'site', 'state.json');
    const before = await readFile(state, 'utf8');
    const versionsBefore = await versions('site');
    const events: LifecycleEvent[] = [];
    await expect(
      withWrongSignfile(() => service.apply({ name: 'site', domains: ['example.test', 'www.example.test'], command: 'renew', force: true, onEvent: (event) => events.push(event) })),
    ).rejects.toMatchObject({ code: 'PREFLIGHT_FAILED', failedDomains: ['example.test', 'www.example.test'] });
    expect(events.map((event) => event.type)).not.toContain('applying');
    expect(events.map((event) => event.type)).not.toContain('key-generating');
    expect(await versions('site')).toEqual(versionsBefore);
    expect(await readFile(state, 'utf8')).toBe(before);
  });

  it('renews with what the certificate remembers and acmapi.json does not say: the webroot placement, the key type and reuse-key', async () => {
    const webroot = join(temp.path, 'webroot');
    await mkdir(webroot);
    const remembered: CertificateSettings = {
      domains: ['remembered.example.test'],
      keyType: 'rsa-2048',
      reuseKey: true,
      signfile: { path: join(temp.path, 'signfile'), name: 'signfile', placement: { kind: 'webroot', dir: webroot, iis: false } },
    };
    await issueAsTheCli('remembered', remembered);
    const keyBefore = await readFile(join(temp.path, 'certs', 'remembered', 'privkey.pem'), 'utf8');
    const certBefore = await readFile(join(temp.path, 'certs', 'remembered', 'cert.pem'), 'utf8');
    const service = await open();
    const events: LifecycleEvent[] = [];
    const outcome = await service.apply({ name: 'remembered', domains: ['remembered.example.test'], command: 'renew', force: true, onEvent: (event) => events.push(event) });
    expect(outcome.status).toBe('issued');
    const deployed = events.find((event) => event.type === 'signfile-deployed');
    expect(deployed?.type === 'signfile-deployed' ? deployed.path : undefined).toBe(join(webroot, '.well-known', 'pki-validation', 'signfile'));
    expect(events.map((event) => event.type)).toContain('key-reused');
    expect(events.map((event) => event.type)).not.toContain('key-generating');
    // A new certificate for the same RSA key, as openssl (an independent peer) reads it.
    const certAfter = await readFile(join(temp.path, 'certs', 'remembered', 'cert.pem'), 'utf8');
    expect(certAfter).not.toBe(certBefore);
    expect(await readFile(join(temp.path, 'certs', 'remembered', 'privkey.pem'), 'utf8')).toBe(keyBefore);
    const text = await runOpenssl(['x509', '-noout', '-text', '-in', join('certs', 'remembered', 'cert.pem')], { cwd: temp.path });
    expect(text.stdout).toContain('rsaEncryption');
    const record = (await service.records()).find((entry) => entry.name === 'remembered');
    expect(record?.settings).toEqual({ ...remembered, domains: ['remembered.example.test'] });
  });

  it('Renew refuses a certificate whose state.json is lost beside its keys (core\'s STORE_CORRUPT, as acmapi renew), sends nothing and writes nothing', async () => {
    await issueAsTheCli('lost', { domains: ['lost.example.test'] });
    const dir = join(temp.path, 'certs', 'lost');
    await rm(join(dir, 'state.json'));
    const before = (await readdir(dir)).sort();
    const applications = sandbox.applications().length;
    const service = await open();
    const error = await service.apply({ name: 'lost', domains: ['lost.example.test'], command: 'renew', force: true }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StoreError', code: 'STORE_CORRUPT', path: join(dir, 'state.json') });
    expect(describeError(error, formatMessage)).toContain(`Restore ${join(dir, 'state.json')} from a backup`);
    expect(sandbox.applications()).toHaveLength(applications);
    expect((await readdir(dir)).sort()).toStrictEqual(before);
  });

  it('the pending tracker deploys as the certificate remembers: its PKCS#12 file, with the passphrase from the remembered variable', async () => {
    const handleId = await issueAsTheCli('tracked', { domains: ['tracked.example.test'], pkcs12: { passphraseEnv: 'TRACKED_PFX' } });
    const service = await open(TOKEN, 'warn', { TRACKED_PFX: 'tracked-pfx-passphrase' });
    const poller = new PendingPoller({ list: () => service.pendingItems(), retrieve: (item, signal) => service.retrieve(item, signal) });
    try {
      await sandbox.approve(handleId);
      await poller.pollNow();
    } finally {
      poller.dispose();
    }
    const pfx = join('certs', 'tracked', 'cert.pfx');
    const read = await runOpenssl(['pkcs12', '-in', pfx, '-passin', 'pass:tracked-pfx-passphrase', '-nokeys', '-clcerts'], { cwd: temp.path });
    expect(read.stdout).toContain('tracked.example.test');
    expect(lines.join('\n')).not.toContain('tracked-pfx-passphrase');
  });

  it('says when Renew waits out the backoff of a failing certificate, and tries at once when forced', async () => {
    const service = await open();
    const refused = await service.apply({ name: 'refused', domains: ['refused.example.test'], command: 'issue' });
    expect(refused.status).toBe('refused');
    const renew = await service.apply({ name: 'refused', domains: ['refused.example.test'], command: 'renew' });
    if (renew.status !== 'skipped-by-backoff') throw new Error(`expected skipped-by-backoff, got ${renew.status}`);
    expect(renew.failures).toBe(1);
    expect(renew.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    const events: LifecycleEvent[] = [];
    const forced = await service.apply({ name: 'refused', domains: ['refused.example.test'], command: 'renew', force: true, onEvent: (event) => events.push(event) });
    expect(forced.status).toBe('refused');
    expect(events.map((event) => event.type)).toContain('applying');
  });

  it('reads the auth token before it takes the certificate\'s lock (no lock held across a secret-storage read)', async () => {
    const lockFile = join(temp.path, 'certs', 'slow', '.lock');
    const lockedWhileReading: boolean[] = [];
    const service = await ProjectService.open({
      configFile: join(temp.path, 'acmapi.json'),
      settings: { caFile: join(temp.path, 'sandbox-ca.pem'), preflightMode: 'off', resolve: [], httpPort: signfileServer.port, httpsPort: 1 },
      authToken: async () => {
        lockedWhileReading.push(await stat(lockFile).then(() => true, () => false));
        // A slow keychain: another window's retrieve must not wait for it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return TOKEN;
      },
      log,
      t: formatMessage,
    });
    const outcome = await service.apply({ name: 'slow', domains: ['pending.example.test'], command: 'issue', force: true });
    if (outcome.status !== 'pending') throw new Error(`expected pending, got ${outcome.status}`);
    const other = await open();
    const [mine, theirs] = await Promise.all([
      service.retrieve({ certificateName: 'slow', handleId: outcome.handleId }),
      // Starts while the first retrieve is still reading its token: the lock is free then.
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => other.retrieve({ certificateName: 'slow', handleId: outcome.handleId })),
    ]);
    expect([mine.status, theirs.status]).toEqual(['pending', 'pending']);
    expect(lockedWhileReading).toEqual([false, false]);
  });

  it('says what to do when no auth token is set, and never logs the token', async () => {
    const service = await open(null);
    await expect(service.apply({ name: 'site', domains: ['example.test'], command: 'issue', force: true })).rejects.toMatchObject({ code: 'AUTH_TOKEN_MISSING' });
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  // Core's readLocalFile caps the extension's own reads as it caps the CLI's: an endless file ends in an error.
  it('an endless CA file or signfile (/dev/zero) fails clearly instead of growing memory', async () => {
    const service = await ProjectService.open({
      configFile: join(temp.path, 'acmapi.json'),
      settings: { caFile: '/dev/zero', preflightMode: 'off', resolve: [], httpPort: signfileServer.port, httpsPort: 1 },
      authToken: () => Promise.resolve(TOKEN),
      log,
      t: formatMessage,
      env: {},
    });
    const error = await service.apply({ name: 'site', domains: ['example.test'], command: 'issue', force: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CA_FILE_UNREADABLE', cause: { code: 'EFBIG', maxBytes: 4 * 1024 * 1024 } });

    const dir = join(temp.path, 'endless');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'acmapi.json'), JSON.stringify({ endpoint: sandbox.url, customerId: 'vscode', signfile: { name: 'signfile', path: '/dev/zero' }, certificates: [{ name: 'e', domains: ['example.test'] }] }));
    const endless = await ProjectService.open({
      configFile: join(dir, 'acmapi.json'),
      settings: { caFile: join(temp.path, 'sandbox-ca.pem'), preflightMode: 'off', resolve: [], httpPort: signfileServer.port, httpsPort: 1 },
      authToken: () => Promise.resolve(TOKEN),
      log,
      t: formatMessage,
      env: {},
    });
    expect(await endless.signfile()).toStrictEqual({ reason: expect.stringMatching(/\/dev\/zero is larger than 1 MiB/) as unknown });
  });

  it('asks acmapi.json\'s dnsServers and weighs CAA with its caaIdentities, as the CLI does (issue 13)', async () => {
    const dns = await startDnsServer();
    try {
      await dns.set('caa.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
      await dns.set('www.caa.test', { A: ['127.0.0.1'] });
      const dir = join(temp.path, 'caa-project');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'signfile'), SIGNFILE);
      const project = (caaIdentities: string[]): string =>
        JSON.stringify({ endpoint: sandbox.url, customerId: 'vscode', dnsServers: [dns.address], caaIdentities, signfile: { name: 'signfile', path: 'signfile' }, certificates: [{ name: 'caa', domains: ['www.caa.test'] }] });
      const open = async (): Promise<ProjectService> =>
        ProjectService.open({
          configFile: join(dir, 'acmapi.json'),
          // No resolve overrides: the addresses come from the DNS server acmapi.json names.
          settings: { caFile: join(temp.path, 'sandbox-ca.pem'), preflightMode: 'strict', resolve: [], httpPort: signfileServer.port, httpsPort: 1 },
          authToken: () => Promise.resolve(TOKEN),
          log,
          t: formatMessage,
          env: {},
        });
      await writeFile(join(dir, 'acmapi.json'), project(['wosign.com']));
      const refused = await (await open()).preflight(['www.caa.test']);
      expect('domains' in refused ? refused.domains.map((domain) => [domain.ok, domain.failure?.kind]) : refused).toEqual([[false, 'caa-forbids']]);
      await writeFile(join(dir, 'acmapi.json'), project(['letsencrypt.org']));
      const allowed = await (await open()).preflight(['www.caa.test']);
      expect('domains' in allowed ? allowed.domains.map((domain) => [domain.ok, domain.addressSource, domain.addresses.map((a) => a.address)]) : allowed).toEqual([[true, 'dns', ['127.0.0.1']]]);
    } finally {
      await dns.close();
    }
  });

  it('reads acmapi.json, the signfile and the CA file as a Windows editor saves them (a BOM, CRLF)', async () => {
    const windows = (text: string): string => `\uFEFF${text.replace(/\r?\n/g, '\r\n')}`;
    const dir = join(temp.path, 'windows');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca.pem'), windows(sandbox.caBundlePem));
    await writeFile(join(dir, 'signfile'), windows(`${SIGNFILE}\n`));
    await writeFile(join(dir, 'acmapi.json'), windows(`${JSON.stringify({ endpoint: sandbox.url, customerId: 'vscode', signfile: { name: 'signfile', path: 'signfile' }, certificates: [{ name: 'win', domains: ['example.test'] }] }, null, 2)}\n`));
    const service = await ProjectService.open({
      configFile: join(dir, 'acmapi.json'),
      settings: { caFile: join(dir, 'ca.pem'), preflightMode: 'strict', resolve: ['example.test:127.0.0.1'], httpPort: signfileServer.port, httpsPort: 1 },
      authToken: () => Promise.resolve(TOKEN),
      log,
      t: formatMessage,
      env: {},
    });
    expect(await service.signfile()).toStrictEqual({ name: 'signfile', content: `${SIGNFILE}\r\n` });
    const outcome = await service.apply({ name: 'win', domains: ['example.test'], command: 'issue', force: true });
    expect(outcome.status).toBe('issued');
  });
});

