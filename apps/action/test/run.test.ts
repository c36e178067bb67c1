/**
 * run() with typed fixtures for the runner's side of @actions/core, against a real
 * in-process sandbox and signfile server.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcmApiClient, certificateMatchesPrivateKey, generateKeyAndCsr } from '@acmapi/core';
import type { ResolveOverride } from '@acmapi/core';
import { serveSignfile } from '@acmapi/core/deploy';
import type { ServeSignfileResult } from '@acmapi/core/deploy';
import { startSandbox } from '@acmapi/sandbox';
import type { Sandbox } from '@acmapi/sandbox';
import { startDnsServer } from '@acmapi/test-dns';
import { makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import type { SignfileNetwork } from '../src/certificate-run.js';
import type { GitDataApi } from '../src/commit/git-data.js';
import { githubGitDataApi } from '../src/commit/github-git.js';
import { startFakeGitHub } from './helpers/fake-github.js';
import type { FakeGitHub } from './helpers/fake-github.js';
import type { OutputName } from '../src/outputs.js';
import { run } from '../src/run.js';
import type { ActionCore, ActionServices, UploadArtifactInput } from '../src/run.js';

const TOKEN = 'unit-token-5c1d2e3f';
const SIGNFILE = 'unit-signfile-token';
/** The passphrase every run gives unless a test leaves it out: a generated key is kept only encrypted. */
const PASSPHRASE = 'unit-passphrase-7f2a';

/** The runner's side, recorded. */
class FixtureCore implements ActionCore {
  readonly inputs: Record<string, string>;
  readonly outputs = new Map<OutputName, string>();
  readonly secrets: string[] = [];
  readonly failures: string[] = [];
  readonly log: string[] = [];
  readonly annotations: { level: 'warning' | 'error'; message: string; title: string | undefined }[] = [];
  summary = '';
  constructor(inputs: Record<string, string>) {
    this.inputs = inputs;
  }
  getInput(name: string): string {
    return this.inputs[name] ?? '';
  }
  setOutput(name: OutputName, value: string): void {
    this.outputs.set(name, value);
  }
  setSecret(value: string): void {
    this.secrets.push(value);
  }
  setFailed(message: string): void {
    this.failures.push(message);
  }
  info(message: string): void {
    this.log.push(message);
  }
  warning(message: string, title?: string): void {
    this.annotations.push({ level: 'warning', message, title });
  }
  error(message: string, title?: string): void {
    this.annotations.push({ level: 'error', message, title });
  }
  writeSummary(markdown: string): Promise<void> {
    this.summary += markdown;
    return Promise.resolve();
  }
}

let sandbox: Sandbox;
let signfile: ServeSignfileResult;
let temp: TempDir;

beforeAll(async () => {
  signfile = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
  sandbox = await startSandbox({
    customers: [{ customerId: 'unit', authToken: TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
    validation: { resolve: { '*': ['127.0.0.1'] }, httpPort: signfile.port },
    pending: { domains: ['pending.example.test'] },
  });
});
afterAll(async () => {
  await sandbox.close();
  await signfile.close();
});
beforeEach(async () => {
  temp = await makeTempDir('acmapi-action-run-');
  await mkdir(join(temp.path, 'repo'));
});
afterEach(async () => {
  await temp.cleanup();
});

/**
 * How core's preflight reaches the signfile server: each domain resolves to the given address
 * (127.0.0.2 has nothing listening: connection refused). The server speaks plain http, so
 * https fails at every address and the verdict rests on http (a domain passes on either scheme).
 */
function preflightVia(addresses: Record<string, string>): SignfileNetwork {
  const resolve: ResolveOverride[] = Object.entries(addresses).map(([domain, address]) => ({ domain, addresses: [address] }));
  return { resolve, httpPort: signfile.port, httpsPort: signfile.port };
}

function services(core: FixtureCore, extra: Partial<ActionServices> = {}): ActionServices {
  return {
    core,
    env: { GITHUB_WORKSPACE: join(temp.path, 'repo'), RUNNER_TEMP: temp.path, GITHUB_REPOSITORY: 'octo/site', GITHUB_REF: 'refs/heads/main' },
    createClient: (options) => new AcmApiClient({ ...options, ca: sandbox.caBundlePem }),
    signfileNetwork: {},
    uploadArtifact: () => Promise.reject(new Error('no artifact expected')),
    gitDataApi: () => Promise.reject(new Error('no commit expected')),
    now: () => new Date(),
    ...extra,
  };
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return { endpoint: sandbox.url, 'customer-id': 'unit', 'auth-token': TOKEN, preflight: 'off', 'key-passphrase': PASSPHRASE, ...extra };
}

describe('run', () => {
  it('fails with a message naming the missing input, status failed, and masks the token before anything else', async () => {
    const core = new FixtureCore({ 'auth-token': TOKEN, domains: 'a.example.test' });
    const result = await run(services(core));
    expect(result.status).toBe('failed');
    expect(core.outputs.get('status')).toBe('failed');
    expect(core.failures).toEqual([expect.stringContaining('Input customer-id is required')]);
    expect(core.secrets[0]).toBe(TOKEN);
  });

  it('masks a private-key secret whole and line by line, and the passphrase', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const core = new FixtureCore(inputs({ domains: 'mask.example.test', 'private-key': key, 'key-passphrase': 'pass-phrase-1-of-length' }));
    const result = await run(services(core));
    expect(result.status).toBe('issued');
    expect(core.secrets).toContain(key);
    expect(core.secrets).toContain('pass-phrase-1-of-length');
    for (const line of key.split('\n').filter((l) => l !== '' && !l.startsWith('-----'))) expect(core.secrets).toContain(line);
    expect(core.secrets.some((s) => s.startsWith('-----BEGIN') && !s.includes('\n') && !s.includes('\\n'))).toBe(false);
  });

  it('strict preflight: annotates each failing domain with its address, scheme and reason, and sends nothing to the CA', async () => {
    const core = new FixtureCore(inputs({ domains: 'a.example.test\nb.example.test', preflight: 'strict', signfile: SIGNFILE }));
    const before = sandbox.requests.length;
    const result = await run(services(core, { signfileNetwork: preflightVia({ 'a.example.test': '127.0.0.1', 'b.example.test': '127.0.0.2' }) }));
    expect(result.status).toBe('failed');
    expect(core.annotations).toEqual([{ level: 'error', title: 'Signfile preflight failed for b.example.test at 127.0.0.2 over http', message: expect.stringMatching(/^b\.example\.test at 127\.0\.0\.2.*ECONNREFUSED.*Start the web server/) as string }]);
    expect(sandbox.requests.length).toBe(before);
    expect(result.outcomes[0]?.errorCode).toBe('PREFLIGHT_FAILED');
    expect(core.failures[0]).toMatch(/b\.example\.test.*nothing was sent to the CA/);
    expect(core.failures[0]).toContain('preflight: warn');
    expect(core.failures[0]).not.toContain('a.example.test,');
    expect(core.summary).toContain('### Signfile preflight failures');
    expect(core.summary).toMatch(/\| a\.example\.test \| b\.example\.test \| 127\.0\.0\.2 \| http \| connection-refused: .*ECONNREFUSED.* \| Start the web server/);
    // Strict and failing: nothing written, not even a key (the preflight runs before any key is made).
    expect(existsSync(join(temp.path, 'repo', 'certificates'))).toBe(false);
  });

  it('strict preflight that passes applies and annotates nothing', async () => {
    const core = new FixtureCore(inputs({ domains: 'ok.example.test', preflight: 'strict', signfile: SIGNFILE }));
    const result = await run(services(core, { signfileNetwork: preflightVia({ 'ok.example.test': '127.0.0.1' }) }));
    expect(result.status).toBe('issued');
    expect(core.annotations).toEqual([]);
    expect(core.log).toContain('ok.example.test: preflight passed: every address of ok.example.test serves the signfile.');
    expect(core.summary).not.toContain('Signfile preflight failures');
  });

  it('warn preflight: annotates as a warning, applies anyway, and keeps the failure in the summary', async () => {
    const core = new FixtureCore(inputs({ domains: 'c.example.test', preflight: 'warn', signfile: SIGNFILE }));
    const result = await run(services(core, { signfileNetwork: preflightVia({ 'c.example.test': '127.0.0.2' }) }));
    expect(result.status).toBe('issued');
    expect(core.annotations).toEqual([{ level: 'warning', title: 'Signfile preflight failed for c.example.test at 127.0.0.2 over http', message: expect.stringContaining('ECONNREFUSED') as string }]);
    expect(result.outcomes[0]?.preflightFailures).toEqual([expect.objectContaining({ domain: 'c.example.test', address: '127.0.0.2', scheme: 'http', kind: 'connection-refused' })]);
    expect(core.summary).toMatch(/\| c\.example\.test \| c\.example\.test \| 127\.0\.0\.2 \| http \| connection-refused/);
    expect(core.failures).toEqual([]);
  });

  it('off preflight: does not run it, even with a signfile', async () => {
    const core = new FixtureCore(inputs({ domains: 'off.example.test', preflight: 'off', signfile: SIGNFILE }));
    // 127.0.0.2 would fail it.
    const result = await run(services(core, { signfileNetwork: preflightVia({ 'off.example.test': '127.0.0.2' }) }));
    expect(result.status).toBe('issued');
    expect(core.annotations).toEqual([]);
    expect(core.log.some((line) => line.includes('preflight'))).toBe(false);
  });

  it('warn preflight without a signfile says how to give one; strict without one fails naming the inputs', async () => {
    const warned = new FixtureCore(inputs({ domains: 'nosig.example.test', preflight: 'warn' }));
    expect((await run(services(warned))).status).toBe('issued');
    expect(warned.log).toContain('nosig.example.test: preflight skipped: give the signfile input (its content) or signfile.path in acmapi.json to check it before applying.');
    const strict = new FixtureCore(inputs({ domains: 'nosig2.example.test', preflight: 'strict' }));
    const before = sandbox.requests.length;
    expect((await run(services(strict))).status).toBe('failed');
    expect(strict.failures[0]).toMatch(/strict preflight needs the signfile.*Give the signfile input \(its content\) or signfile\.path in acmapi\.json/);
    expect(sandbox.requests.length).toBe(before);
  });

  it('handles a fleet from acmapi.json with bounded concurrency: one row each, results JSON, no single-certificate outputs', async () => {
    const config = { certificates: [1, 2, 3].map((n) => ({ name: `site-${n}`, domains: [`site${n}.example.test`] })) };
    await writeFile(join(temp.path, 'repo', 'acmapi.json'), JSON.stringify(config));
    let inFlight = 0;
    let most = 0;
    const core = new FixtureCore(inputs({ config: 'acmapi.json', concurrency: '2' }));
    class CountingClient extends AcmApiClient {
      override async apply(...args: Parameters<AcmApiClient['apply']>): ReturnType<AcmApiClient['apply']> {
        most = Math.max(most, ++inFlight);
        try {
          return await super.apply(...args);
        } finally {
          inFlight--;
        }
      }
    }
    const result = await run(services(core, { createClient: (options) => new CountingClient({ ...options, ca: sandbox.caBundlePem }) }));
    expect(result.outcomes.map((o) => [o.name, o.status])).toEqual([['site-1', 'issued'], ['site-2', 'issued'], ['site-3', 'issued']]);
    expect(most).toBe(2);
    expect(core.summary.split('\n').filter((l) => l.startsWith('| site-'))).toHaveLength(3);
    expect((JSON.parse(core.outputs.get('results') ?? '[]') as unknown[]).length).toBe(3);
    expect(core.outputs.has('fingerprint')).toBe(false);
    expect(core.outputs.get('status')).toBe('issued');
  });

  it('config: acmapi.json\'s dnsServers and caaIdentities reach the preflight (issue 13): a CAA record for another CA stops a strict run', async () => {
    const dns = await startDnsServer();
    try {
      await dns.set('caa.action.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
      const repo = join(temp.path, 'repo');
      await mkdir(join(repo, 'caa'), { recursive: true });
      await writeFile(join(repo, 'caa', 'signfile.txt'), SIGNFILE);
      const config = {
        endpoint: sandbox.url,
        customerId: 'unit',
        dnsServers: [dns.address],
        caaIdentities: ['wosign.com'],
        signfile: { name: 'signfile', path: 'signfile.txt' },
        certificates: [{ name: 'caa', domains: ['caa.action.test'] }],
      };
      await writeFile(join(repo, 'caa', 'acmapi.json'), JSON.stringify(config));
      const core = new FixtureCore({ 'auth-token': TOKEN, config: 'caa/acmapi.json', preflight: 'strict', 'key-passphrase': PASSPHRASE });
      // No address overrides: the addresses, like CAA, come from the DNS server acmapi.json names.
      const result = await run(services(core, { signfileNetwork: { httpPort: signfile.port, httpsPort: signfile.port } }));
      expect(result.outcomes.map((o) => [o.name, o.status])).toEqual([['caa', 'failed']]);
      expect([...core.log, ...core.failures].join('\n')).toContain('CAA at caa.action.test allows only letsencrypt.org');
    } finally {
      await dns.close();
    }
  });

  it('config: takes endpoint, customer id, signfile, key type, and renew-before-days from acmapi.json; inputs win', async () => {
    const repo = join(temp.path, 'repo');
    await mkdir(join(repo, 'tls'));
    await writeFile(join(repo, 'tls', 'signfile.txt'), `\uFEFF${SIGNFILE}\n`);
    const config = {
      endpoint: sandbox.url,
      customerId: 'unit',
      signfile: { name: 'signfile', path: 'signfile.txt' },
      defaults: { keyType: 'rsa-2048', storeDir: 'store', renewBeforeDays: 400 },
      certificates: [{ name: 'web', domains: ['Web.Example.TEST'] }, { name: 'api', domains: ['api.example.test'], keyType: 'ec-p384' }],
    };
    await writeFile(join(repo, 'tls', 'acmapi.json'), JSON.stringify(config));
    const core = new FixtureCore({ 'auth-token': TOKEN, config: 'tls/acmapi.json', preflight: 'strict', 'key-passphrase': PASSPHRASE });
    const result = await run(services(core, { signfileNetwork: preflightVia({ 'web.example.test': '127.0.0.1', 'api.example.test': '127.0.0.1' }) }));
    expect(result.outcomes.map((o) => [o.name, o.status, o.domains])).toEqual([['web', 'issued', ['web.example.test']], ['api', 'issued', ['api.example.test']]]);
    // A strict preflight passed with the token read from signfile.path (its BOM and newline dropped).
    expect(core.log).toContain('web: preflight passed: every address of web.example.test serves the signfile.');
    expect(core.log).toContain('api: preflight passed: every address of api.example.test serves the signfile.');
    expect(result.outcomes.map((o) => o.certificatePath)).toEqual(['certificates/web/cert.pem', 'certificates/api/cert.pem']);
    const keyTypes = await Promise.all(result.outcomes.map(async (o) => {
      const key = createPrivateKey(await readFile(o.privateKeyPath ?? '', 'utf8'));
      return `${key.asymmetricKeyType ?? ''} ${key.asymmetricKeyDetails?.namedCurve ?? String(key.asymmetricKeyDetails?.modulusLength)}`;
    }));
    expect(keyTypes).toEqual(['rsa 2048', 'ec secp384r1']);

    // The input renew-before-days wins over the config's; without it its renewBeforeDays 400 makes a certificate due.
    const again = new FixtureCore({ 'auth-token': TOKEN, 'key-passphrase': PASSPHRASE, config: 'tls/acmapi.json', certificates: 'web', 'renew-before-days': '1' });
    const second = await run(services(again, { signfileNetwork: preflightVia({ 'web.example.test': '127.0.0.1' }) }));
    expect(second.outcomes.map((o) => [o.name, o.status])).toEqual([['web', 'skipped']]);
    expect(second.outcomes[0]?.detail).toMatch(/^the existing certificate is valid for \d+ more days; renewal is due from .* \(renew-before-days 1\)$/);
    const dueByConfig = new FixtureCore({ 'auth-token': TOKEN, 'key-passphrase': PASSPHRASE, config: 'tls/acmapi.json', certificates: 'api', preflight: 'off' });
    const apiAgain = await run(services(dueByConfig));
    expect(apiAgain.outcomes.map((o) => [o.name, o.status])).toEqual([['api', 'issued']]);
    expect(apiAgain.outcomes[0]?.fingerprint).not.toBe(result.outcomes[1]?.fingerprint);
    expect(dueByConfig.log.some((line) => line.startsWith('api: renewing, ') && line.includes('renew-before-days 400'))).toBe(true);
    // The input key-type wins over the config's default, and a new key type is a reason to renew (core's plan).
    const third = new FixtureCore({ 'auth-token': TOKEN, 'key-passphrase': PASSPHRASE, config: 'tls/acmapi.json', certificates: 'web', 'key-type': 'ec-p256', 'renew-before-days': '1', preflight: 'off' });
    const renewed = await run(services(third));
    expect(renewed.outcomes.map((o) => [o.name, o.status, o.certificatePath])).toEqual([['web', 'issued', 'certificates/web/cert.pem']]);
    expect(third.log).toContain("web: renewing, the key type changed: the existing certificate's key is rsa-2048.");
    expect(createPrivateKey(await readFile(renewed.outcomes[0]?.privateKeyPath ?? '', 'utf8')).asymmetricKeyType).toBe('ec');
    const elsewhere = new FixtureCore({ 'auth-token': TOKEN, 'key-passphrase': PASSPHRASE, config: 'tls/acmapi.json', certificates: 'web', path: 'other', preflight: 'off' });
    expect((await run(services(elsewhere))).outcomes.map((o) => [o.status, o.certificatePath])).toEqual([['issued', 'other/web/cert.pem']]);
  });

  it('config: reports every error of acmapi.json with its JSON path, and never prints the token', async () => {
    const config = { customerId: 'unit', auth_token: TOKEN, certificates: [{ name: 'Bad Name', domains: ['*.example.test'] }, { name: 'ok', domains: [] }] };
    await writeFile(join(temp.path, 'repo', 'acmapi.json'), JSON.stringify(config));
    const core = new FixtureCore({ 'auth-token': TOKEN, config: 'acmapi.json' });
    const result = await run(services(core));
    expect(result.status).toBe('failed');
    expect(core.outputs.get('status')).toBe('failed');
    const message = core.failures[0] ?? '';
    expect(message).toContain('auth_token: The auth token must not be in the project file');
    expect(message).toMatch(/certificates\[0\]\.name: /);
    expect(message).toMatch(/certificates\[0\]\.domains\[0\]: /);
    expect(message).toMatch(/certificates\[1\]\.domains: /);
    expect(message).not.toContain(TOKEN);
  });

  it('config: a certificate name the config does not list fails naming it', async () => {
    await writeFile(join(temp.path, 'repo', 'acmapi.json'), JSON.stringify({ certificates: [{ name: 'www', domains: ['www.example.test'] }] }));
    const core = new FixtureCore(inputs({ config: 'acmapi.json', certificates: 'www, mail' }));
    await run(services(core));
    expect(core.failures).toEqual(['Input certificates names "mail", which acmapi.json does not list.']);
  });

  it('artifact: uploads the folder, and refuses to upload when a plaintext private key is in it', async () => {
    const uploads: UploadArtifactInput[] = [];
    const uploadArtifact = (input: UploadArtifactInput): Promise<{ id: number }> => {
      uploads.push(input);
      return Promise.resolve({ id: 7 });
    };
    const core = new FixtureCore(inputs({ domains: 'art.example.test', output: 'artifact', 'retention-days': '3' }));
    await run(services(core, { uploadArtifact }));
    const root = join(temp.path, 'repo', 'certificates');
    expect(uploads).toEqual([{ name: 'acmapi-certificates', rootDirectory: root, retentionDays: 3, files: ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.enc.pem'].map((f) => join(root, 'art.example.test', f)) }]);
    expect(core.outputs.get('artifact-id')).toBe('7');

    const leaked = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await writeFile(join(root, 'art.example.test', 'privkey.pem'), leaked);
    const again = new FixtureCore(inputs({ domains: 'art.example.test', output: 'artifact' }));
    const second = await run(services(again, { uploadArtifact }));
    expect(second.status).toBe('failed');
    expect(uploads).toHaveLength(1);
    expect(again.failures[0]).toContain('certificates/art.example.test/privkey.pem');
    expect(again.failures[0]).not.toContain('PRIVATE KEY-----\n');
  });

  it('the Action with a generated key, a pending answer and no key-passphrase no longer loses the key', async () => {
    const folder = join(temp.path, 'repo', 'certificates', 'pending.example.test');
    const statePath = join(folder, 'acmapi-state.json');
    const noPassphrase = { domains: 'pending.example.test', output: 'artifact', 'key-passphrase': '' };
    const uploadArtifact = (): Promise<{ id: number }> => Promise.resolve({ id: 1 });

    // 1. It fails before applying, naming the input to set: the CA never sees a CSR whose key would die with the runner.
    const applications = sandbox.applications().length;
    const refused = new FixtureCore(inputs(noPassphrase));
    const first = await run(services(refused, { uploadArtifact }));
    expect(first.status).toBe('failed');
    expect(first.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'STORE_KEY_NOT_KEPT' });
    expect(refused.failures[0]).toMatch(/cannot be kept.*Nothing was sent to the CA\. Set the key-passphrase input/s);
    expect(refused.failures[0]).toContain('private-key');
    expect(sandbox.applications().length).toBe(applications);
    expect(existsSync(folder)).toBe(false);

    // 2. What an earlier release left: a pending application whose generated key was lost with RUNNER_TEMP.
    const lost = await generateKeyAndCsr({ domains: ['pending.example.test'], keyType: 'ec-p256' });
    const client = new AcmApiClient({ customerId: 'unit', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem });
    const answer = await client.apply({ domains: ['pending.example.test'], csr: lost.csrPem });
    await client.close();
    if (answer.status !== 'pending') throw new Error('the sandbox should hold pending.example.test');
    await mkdir(folder, { recursive: true });
    const leftover = { version: 2, application: { status: 'pending', handleId: answer.handleId, domains: ['pending.example.test'], keyType: 'ec-p256', csr: lost.csrPem, endpoint: sandbox.url, preparedAt: '2026-01-01T00:00:00.000Z', pendingSince: '2026-01-01T00:00:00.000Z', polls: 0 } };
    await writeFile(statePath, JSON.stringify(leftover, null, 2));
    await sandbox.approve(answer.handleId);
    const retrieves = sandbox.requests.length;
    // The next run, with or without key-passphrase, publishes no certificate without its key and says what to do.
    for (const extra of [noPassphrase, { domains: 'pending.example.test', output: 'artifact' }]) {
      const next = new FixtureCore(inputs(extra));
      const result = await run(services(next, { uploadArtifact }));
      expect(result.status).toBe('failed');
      expect(result.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'STORE_KEY_MISSING' });
      expect(next.outputs.get('status')).toBe('failed');
      expect(next.failures[0]).toContain(`The application ${answer.handleId} of "pending.example.test"`);
      expect(next.failures[0]).toContain('Remove certificates/pending.example.test/acmapi-state.json');
      expect(next.failures[0]).toContain('key-passphrase');
      expect(existsSync(join(folder, 'cert.pem'))).toBe(false);
    }
    // Nothing was asked of the CA for a certificate nobody could use.
    expect(sandbox.requests.length).toBe(retrieves);

    // 3. A live certificate an earlier release published without its key is not passed off as usable either.
    const issuedKeys = await generateKeyAndCsr({ domains: ['keyless.example.test'], keyType: 'ec-p256' });
    const issuer = new AcmApiClient({ customerId: 'unit', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem });
    const issued = await issuer.apply({ domains: ['keyless.example.test'], csr: issuedKeys.csrPem });
    await issuer.close();
    if (issued.status !== 'issued') throw new Error('the sandbox should issue keyless.example.test');
    const keyless = join(temp.path, 'repo', 'certificates', 'keyless.example.test');
    await mkdir(keyless, { recursive: true });
    await writeFile(join(keyless, 'cert.pem'), issued.certificate.certPem);
    await writeFile(join(keyless, 'chain.pem'), issued.certificate.chainPem);
    await writeFile(join(keyless, 'fullchain.pem'), issued.certificate.fullchainPem);
    const skipped = new FixtureCore(inputs({ domains: 'keyless.example.test' }));
    const notDue = await run(services(skipped));
    expect(notDue.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'STORE_KEY_MISSING' });
    expect(skipped.failures[0]).toContain('Remove cert.pem, chain.pem and fullchain.pem from certificates/keyless.example.test');

    // 4. Doing what it says: the next pending application keeps its key, encrypted, for the run that retrieves it.
    await rm(statePath);
    const fixed = new FixtureCore(inputs({ domains: 'pending.example.test', output: 'artifact' }));
    expect((await run(services(fixed, { uploadArtifact }))).status).toBe('pending');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { application?: { handleId?: string; encryptedPrivateKey?: string } };
    expect(state.application?.encryptedPrivateKey).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    await sandbox.approve(state.application?.handleId ?? '');
    const retrieved = new FixtureCore(inputs({ domains: 'pending.example.test', output: 'artifact' }));
    const done = await run(services(retrieved, { uploadArtifact }));
    expect(done.status).toBe('issued');
    const keyPath = done.outcomes[0]?.privateKeyPath ?? '';
    expect(certificateMatchesPrivateKey(await readFile(join(folder, 'cert.pem'), 'utf8'), await readFile(keyPath, 'utf8'))).toBe(true);
  });

  it('commit: reports what to do when GitHub refuses, and keeps the files', async () => {
    const refusing: GitDataApi = {
      getBranchHead: () => Promise.reject(Object.assign(new Error('Resource not accessible by integration'), { status: 403 })),
      getCommitTree: () => Promise.reject(new Error('unreachable')),
      createBlob: () => Promise.resolve('b'.repeat(40)),
      createTree: () => Promise.reject(new Error('unreachable')),
      createCommit: () => Promise.reject(new Error('unreachable')),
      updateBranch: () => Promise.reject(new Error('unreachable')),
      close: () => Promise.resolve(),
    };
    const core = new FixtureCore(inputs({ domains: 'commit.example.test', output: 'commit', 'github-token': 'ghs_x' }));
    const result = await run(services(core, { gitDataApi: () => Promise.resolve(refusing) }));
    expect(result.status).toBe('failed');
    expect(core.failures[0]).toMatch(/HTTP 403.*contents: write/);
    expect(await readFile(join(temp.path, 'repo/certificates/commit.example.test/cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  describe('finding 15: the path input stays inside the workspace and out of .git', () => {
    it.each([
      ['a symbolic link out of the workspace', 'certs', { certs: '../outside' }, /Input path "certs" leads out of the workspace through a symbolic link/],
      ['a folder under such a link', 'certs/deeper', { certs: '../outside' }, /Input path "certs\/deeper" leads out of the workspace/],
      ['a folder inside .git', '.git/certs', {}, /Input path "\.git\/certs" is inside \.git/],
      ['.git in another case', 'x/.GIT', {}, /Input path "x\/\.GIT" is inside \.git/],
      ['a symbolic link into .git', 'certs', { certs: '.git/hooks' }, /Input path "certs" leads into \.git through a symbolic link/],
    ])('refuses %s, naming the input, and writes nothing', async (_case, path, links: Record<string, string>, message) => {
      const repo = join(temp.path, 'repo');
      await mkdir(join(temp.path, 'outside'));
      await mkdir(join(repo, '.git/hooks'), { recursive: true });
      for (const [link, target] of Object.entries(links)) await symlink(target, join(repo, link));
      const core = new FixtureCore(inputs({ domains: 'link.example.test', path }));
      const result = await run(services(core));
      expect(result.status).toBe('failed');
      expect(core.failures).toEqual([expect.stringMatching(message)]);
      expect(await readdir(join(temp.path, 'outside'))).toEqual([]);
      expect(await readdir(join(repo, '.git/hooks'))).toEqual([]);
    });

    it('accepts a symbolic link to another folder of the workspace', async () => {
      const repo = join(temp.path, 'repo');
      await mkdir(join(repo, 'real'));
      await symlink('real', join(repo, 'certs'));
      const core = new FixtureCore(inputs({ domains: 'inside.example.test', path: 'certs', output: 'none' }));
      const result = await run(services(core));
      expect(core.failures).toEqual([]);
      expect(result.status).toBe('issued');
      expect(await readFile(join(repo, 'real/inside.example.test/cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    });
  });

  describe('GitHub\'s refusals of the commit: GitHub\'s own reason, and the fix', () => {
    const reset = Math.floor(Date.now() / 1000) + 1800;
    it.each([
      ['a token without contents: write', (gh: FakeGitHub) => { gh.contentsPermission = 'read'; },
        /HTTP 403: "Resource not accessible by integration"\. .*"permissions: contents: write".*Workflow permissions/],
      ['a protected branch', (gh: FakeGitHub) => { gh.protectedBranches.add('main'); },
        /HTTP 422: "Protected branch update failed for refs\/heads\/main\."\. Branch main is protected .*branch input/],
      ['the primary rate limit', (gh: FakeGitHub) => { gh.rateLimit = { limit: 1000, remaining: 2, reset }; },
        // The time is x-ratelimit-reset's (the fake sets it half an hour ahead), to the second.
        new RegExp(`HTTP 403: "API rate limit exceeded for installation ID \\d+\\."\\. .*run the workflow again after ${new Date(reset * 1000).toISOString().slice(0, 19)}Z, in (?:29|30) min \\(x-ratelimit-reset\\)`)],
      ['a secondary rate limit with a long retry-after', (gh: FakeGitHub) => { gh.secondaryLimit = { count: 1, retryAfter: 300 }; },
        /HTTP 403: "You have exceeded a secondary rate limit\..*secondary rate limit .*run the workflow again after \S+Z, in (?:4|5) min/],
    ])('%s', async (_case, refuse: (gh: FakeGitHub) => void, expected: RegExp) => {
      const github = await startFakeGitHub('octo/site', 'main', { 'README.md': '# site\n' });
      try {
        refuse(github);
        const core = new FixtureCore(inputs({ domains: 'refused.example.test', output: 'commit', 'github-token': 'ghs_refused' }));
        const result = await run(services(core, { gitDataApi: (options) => Promise.resolve(githubGitDataApi({ ...options, apiUrl: github.url })) }));
        expect(result.status).toBe('failed');
        expect(core.failures).toEqual([expect.stringMatching(expected)]);
        expect(core.failures[0]).toContain('the certificates are still in certificates');
        expect(core.failures[0]).not.toContain('ghs_refused');
        expect(await readFile(join(temp.path, 'repo/certificates/refused.example.test/cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
      } finally {
        await github.close();
      }
    });
  });

  // Core's readLocalFile caps the Action's own reads as it caps the CLI's.
  it('an endless ca-file or signfile (/dev/zero) fails naming the file and the cap', async () => {
    const withCa = new FixtureCore(inputs({ domains: 'endless.example.test', 'ca-file': '/dev/zero' }));
    expect((await run(services(withCa))).status).toBe('failed');
    expect(withCa.failures).toEqual([expect.stringMatching(/The ca-file \/dev\/zero cannot be read \(EFBIG \(larger than 4 MiB/)]);

    await writeFile(join(temp.path, 'repo', 'acmapi.json'), JSON.stringify({ customerId: 'unit', signfile: { name: 'signfile', path: '/dev/zero' }, certificates: [{ name: 'e', domains: ['endless.example.test'] }] }));
    const withSignfile = new FixtureCore(inputs({ config: 'acmapi.json' }));
    expect((await run(services(withSignfile))).status).toBe('failed');
    expect(withSignfile.failures).toEqual([expect.stringMatching(/signfile\.path\) \/dev\/zero cannot be read \(EFBIG \(larger than 1 MiB/)]);
  });

  // A Windows runner checks the committed folder out with core.autocrlf (CRLF), and an editor may add a BOM.
  it('a BOM and CRLF in acmapi.json, the ca-file and the published folder (state, encrypted key) are accepted', async () => {
    const repo = join(temp.path, 'repo');
    const windows = (text: string): string => `\uFEFF${text.replace(/\r?\n/g, '\r\n')}`;
    await writeFile(join(repo, 'ca.pem'), windows(sandbox.caBundlePem));
    await writeFile(join(repo, 'acmapi.json'), windows(`${JSON.stringify({ endpoint: sandbox.url, customerId: 'unit', certificates: [{ name: 'win', domains: ['pending.example.test'] }] }, null, 2)}\n`));
    const first = await run(services(new FixtureCore(inputs({ config: 'acmapi.json', 'ca-file': 'ca.pem', output: 'none' }))));
    expect(first.outcomes.map((o) => o.status)).toEqual(['pending']);
    const folder = join(repo, 'certificates', 'win');
    const files = await readdir(folder);
    expect(files).toContain('acmapi-state.json');
    for (const file of files) {
      const text = await readFile(join(folder, file), 'utf8');
      await writeFile(join(folder, file), file.endsWith('.json') ? windows(text) : text.replace(/\r?\n/g, '\r\n'));
    }
    const state = JSON.parse((await readFile(join(folder, 'acmapi-state.json'), 'utf8')).slice(1)) as { application: { handleId: string } };
    await sandbox.approve(state.application.handleId);
    const core = new FixtureCore(inputs({ config: 'acmapi.json', 'ca-file': 'ca.pem', output: 'none' }));
    const second = await run(services(core));
    expect(core.failures).toEqual([]);
    expect(second.outcomes.map((o) => o.status)).toEqual(['issued']);
    const key = await readFile(second.outcomes[0]?.privateKeyPath ?? '', 'utf8');
    expect(certificateMatchesPrivateKey(await readFile(join(folder, 'cert.pem'), 'utf8'), key)).toBe(true);
  });
});

