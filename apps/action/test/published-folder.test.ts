/**
 * The published folder as core's lifecycle uses it (runCertificate, command renew), against a
 * real in-process sandbox. Every "run" is a new repository over the same workspace, as every
 * workflow run is a new process over a checkout: what one run leaves in the folder is all the
 * next one has.
 */
import { createPrivateKey } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcmApiClient, certificateMatchesPrivateKey, generateKeyAndCsr, runCertificate } from '@acmapi/core';
import type { KeySource, RunCertificateResult } from '@acmapi/core';
import { startSandbox } from '@acmapi/sandbox';
import type { Sandbox } from '@acmapi/sandbox';
import { makeTempDir, runOpenssl } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { OutputFolder } from '../src/output-folder.js';
import { decryptPrivateKey, encryptPrivateKey, pbkdf2Iterations, PBKDF2_ITERATIONS } from '../src/published-folder/key-encryption.js';
import { PublishedFolderRepository } from '../src/published-folder/index.js';
import type { PublishedState } from '../src/published-folder/index.js';

const TOKEN = 'folder-token-3b9d';
const PASSPHRASE = 'folder-passphrase-1';

let sandbox: Sandbox;
let wrongKeys: Sandbox;
let temp: TempDir;

beforeAll(async () => {
  const customers = [{ customerId: 'folder', authToken: TOKEN, signfile: { content: 'unused' } }];
  sandbox = await startSandbox({ customers, validation: { enabled: false }, pending: { domains: ['pending.example.test'] } });
  // Signs every certificate for a fresh key: the certificate must never be installed.
  wrongKeys = await startSandbox({ customers, validation: { enabled: false }, faults: { wrongKeyShare: 1 } });
});
afterAll(async () => {
  await sandbox.close();
  await wrongKeys.close();
});
beforeEach(async () => {
  temp = await makeTempDir('acmapi-published-folder-');
});
afterEach(async () => {
  await temp.cleanup();
});

/** One workflow run: a new folder and repository over the workspace. */
function newRun(options: { passphrase?: string; givenPrivateKeys?: string[]; givenCsrs?: string[] } = {}) {
  const folder = new OutputFolder(temp.path, 'certificates');
  const masked: string[] = [];
  const repository = new PublishedFolderRepository({
    folder,
    keyPassphrase: options.passphrase,
    givenPrivateKeys: options.givenPrivateKeys,
    givenCsrs: options.givenCsrs,
    jobKeyDir: join(temp.path, 'runner-temp', 'acmapi'),
    maskSecret: (secret) => masked.push(secret),
  });
  return { folder, repository, masked };
}

function renew(
  repository: PublishedFolderRepository,
  domains: string[],
  options: { keySource?: KeySource; endpoint?: string; ca?: Sandbox } = {},
): Promise<RunCertificateResult> {
  const ca = options.ca ?? sandbox;
  return runCertificate({
    repository,
    name: 'site',
    command: 'renew',
    domains,
    keySource: options.keySource,
    client: () => new AcmApiClient({ customerId: 'folder', authToken: TOKEN, endpoint: options.endpoint ?? ca.url, ca: ca.caBundlePem, retries: 0 }),
    signfile: { preflight: 'off' },
  });
}

const file = (name: string): string => join(temp.path, 'certificates', 'site', name);
const readState = async (): Promise<PublishedState> => JSON.parse(await readFile(file('acmapi-state.json'), 'utf8')) as PublishedState;
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

describe('the published folder under core\'s lifecycle', () => {
  it('keeps a pending application across runs (key encrypted); a run that only polls commits nothing; the approved certificate goes live with that key', async () => {
    const first = newRun({ passphrase: PASSPHRASE });
    const pending = await renew(first.repository, ['pending.example.test']);
    expect(pending.status).toBe('pending');
    const handleId = pending.status === 'pending' ? pending.handleId : '';
    expect(first.folder.changes().map((c) => c.path)).toEqual(['certificates/site/acmapi-state.json']);
    const state = await readState();
    expect(state).toMatchObject({ version: 2, application: { status: 'pending', handleId, domains: ['pending.example.test'], keyType: 'ec-p256', polls: 0, endpoint: sandbox.url } });
    expect(state.application?.encryptedPrivateKey).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    // The generated key was masked; the folder holds no plaintext key.
    expect(first.masked.some((secret) => secret.includes('BEGIN PRIVATE KEY'))).toBe(true);

    const applications = sandbox.applications().length;
    const second = newRun({ passphrase: PASSPHRASE });
    expect((await renew(second.repository, ['pending.example.test'])).status).toBe('pending');
    expect(second.folder.changes()).toEqual([]);
    expect((await readState()).application).toMatchObject({ handleId, polls: 1 });
    expect((await second.repository.get('site'))?.state).toBe('pending');

    await sandbox.approve(handleId);
    const third = newRun({ passphrase: PASSPHRASE });
    const issued = await renew(third.repository, ['pending.example.test']);
    expect(issued).toMatchObject({ status: 'issued', handleId });
    expect(sandbox.applications().length).toBe(applications);
    expect(third.folder.changes().map((c) => [c.path, c.content === null ? 'deleted' : 'written'])).toEqual([
      ['certificates/site/acmapi-state.json', 'deleted'],
      ['certificates/site/cert.pem', 'written'],
      ['certificates/site/chain.pem', 'written'],
      ['certificates/site/fullchain.pem', 'written'],
      ['certificates/site/privkey.enc.pem', 'written'],
    ]);
    // The stored key is the pending application's, the certificate's, and what later job steps get (0600).
    const key = decryptPrivateKey(await readFile(file('privkey.enc.pem'), 'utf8'), PASSPHRASE, 'x');
    expect(decryptPrivateKey(state.application?.encryptedPrivateKey ?? '', PASSPHRASE, 'x')).toBe(key);
    const certPem = await readFile(file('cert.pem'), 'utf8');
    expect(certificateMatchesPrivateKey(certPem, key)).toBe(true);
    const jobKey = third.repository.jobKeyPath('site') ?? '';
    expect(await readFile(jobKey, 'utf8')).toBe(key);
    expect((await stat(jobKey)).mode & 0o777).toBe(0o600);
    // openssl, an independent peer, reads the encrypted key with the passphrase.
    const pub = await runOpenssl(['pkey', '-in', file('privkey.enc.pem'), '-passin', `pass:${PASSPHRASE}`, '-pubout']);
    expect(pub.stdout).toBe((await runOpenssl(['x509', '-in', file('cert.pem'), '-noout', '-pubkey'])).stdout);

    // The next run finds it live and not due.
    const fourth = newRun({ passphrase: PASSPHRASE });
    expect((await renew(fourth.repository, ['pending.example.test'])).status).toBe('not-due');
    expect(fourth.folder.changes()).toEqual([]);
  });

  it('a 108 while polling keeps the application (the handle may be right and the customer id wrong); a 109 retires it', async () => {
    const first = newRun({ passphrase: PASSPHRASE });
    const pending = await renew(first.repository, ['pending.example.test']);
    const handleId = pending.status === 'pending' ? pending.handleId : '';
    const saved = await readState();
    await writeFile(file('acmapi-state.json'), JSON.stringify({ ...saved, application: { ...saved.application, handleId: 'no-such-handle' } }));

    const second = newRun({ passphrase: PASSPHRASE });
    await expect(renew(second.repository, ['pending.example.test'])).rejects.toMatchObject({ name: 'CaError', status: 108 });
    const after108 = await readState();
    expect(after108.application).toMatchObject({ status: 'pending', handleId: 'no-such-handle', polls: 1 });
    expect(after108.lastError?.code).toBe('CA_HANDLE_REJECTED');
    expect((await second.repository.get('site'))?.state).toBe('pending');

    await writeFile(file('acmapi-state.json'), JSON.stringify({ ...after108, application: { ...after108.application, handleId } }));
    sandbox.refuse(handleId);
    await expect(renew(newRun({ passphrase: PASSPHRASE }).repository, ['pending.example.test'])).rejects.toMatchObject({ name: 'CaError', status: 109 });
    const after109 = await readState();
    expect(after109.application).toBeUndefined();
    expect(after109.lastRetired).toMatchObject({ status: 'refused', handleId, domains: ['pending.example.test'] });
    expect(after109.lastError?.code).toBe('CA_REFUSED');
    expect((await newRun({ passphrase: PASSPHRASE }).repository.get('site'))?.state).toBe('failed');
  });

  it('reads a version-1 state file, so that an upgrade keeps a pending handle and its encrypted key', async () => {
    const keys = await generateKeyAndCsr({ domains: ['pending.example.test'], keyType: 'ec-p256' });
    const client = new AcmApiClient({ customerId: 'folder', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem });
    const answer = await client.apply({ domains: ['pending.example.test'], csr: keys.csrPem });
    await client.close();
    expect(answer.status).toBe('pending');
    const v1 = { version: 1, handleId: answer.handleId, domains: ['pending.example.test'], csr: keys.csrPem, encryptedPrivateKey: encryptPrivateKey(keys.privateKeyPem, PASSPHRASE), appliedAt: '2026-01-01T00:00:00.000Z' };
    const run = newRun({ passphrase: PASSPHRASE });
    await run.folder.write('site/acmapi-state.json', JSON.stringify(v1, null, 2));
    expect((await run.repository.get('site'))?.application).toMatchObject({ status: 'pending', handleId: answer.handleId, keyType: 'ec-p256', polls: 0 });

    // Without the passphrase the saved key cannot be used: it says which input is missing.
    await expect(renew(newRun().repository, ['pending.example.test'])).rejects.toThrow(/saved encrypted; give the same key-passphrase/);

    await sandbox.approve(answer.handleId);
    const applications = sandbox.applications().length;
    const result = await renew(newRun({ passphrase: PASSPHRASE }).repository, ['pending.example.test']);
    expect(result).toMatchObject({ status: 'issued', handleId: answer.handleId });
    expect(sandbox.applications().length).toBe(applications);
    expect(certificateMatchesPrivateKey(await readFile(file('cert.pem'), 'utf8'), keys.privateKeyPem)).toBe(true);
    expect(decryptPrivateKey(await readFile(file('privkey.enc.pem'), 'utf8'), PASSPHRASE, 'x')).toBe(keys.privateKeyPem);
    expect(await exists(file('acmapi-state.json'))).toBe(false);
  });

  it('finding 5: a pending key saved by an older release (2,048 PBKDF2 iterations) is encrypted anew, at 600,000, when the certificate goes live', async () => {
    const keys = await generateKeyAndCsr({ domains: ['pending.example.test'], keyType: 'ec-p256' });
    const client = new AcmApiClient({ customerId: 'folder', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem });
    const answer = await client.apply({ domains: ['pending.example.test'], csr: keys.csrPem });
    await client.close();
    if (answer.status !== 'pending') throw new Error('pending.example.test should be held');
    // What an older release wrote: Node's own export, OpenSSL's default of 2,048 iterations.
    const legacy = createPrivateKey(keys.privateKeyPem).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }).toString();
    expect(pbkdf2Iterations(legacy)).toBe(2048);
    const saved = { version: 2, application: { status: 'pending', handleId: answer.handleId, domains: ['pending.example.test'], keyType: 'ec-p256', csr: keys.csrPem, encryptedPrivateKey: legacy, preparedAt: '2026-01-01T00:00:00.000Z', polls: 0 } };
    await newRun().folder.write('site/acmapi-state.json', JSON.stringify(saved));
    await sandbox.approve(answer.handleId);
    expect(await renew(newRun({ passphrase: PASSPHRASE }).repository, ['pending.example.test'])).toMatchObject({ status: 'issued', handleId: answer.handleId });
    const stored = await readFile(file('privkey.enc.pem'), 'utf8');
    expect(pbkdf2Iterations(stored)).toBe(PBKDF2_ITERATIONS);
    expect(decryptPrivateKey(stored, PASSPHRASE, 'x')).toBe(keys.privateKeyPem);
  });

  it('applies with a CSR alone (the key stays with the user): nothing of a key is stored or left for the job', async () => {
    const keys = await generateKeyAndCsr({ domains: ['csr.example.test'], keyType: 'ec-p256' });
    const run = newRun({ passphrase: PASSPHRASE });
    const result = await renew(run.repository, ['csr.example.test'], { keySource: { kind: 'csr', csrPem: keys.csrPem } });
    expect(result.status).toBe('issued');
    expect(certificateMatchesPrivateKey(await readFile(file('cert.pem'), 'utf8'), keys.privateKeyPem)).toBe(true);
    expect(await exists(file('privkey.enc.pem'))).toBe(false);
    expect(run.repository.jobKeyPath('site')).toBeUndefined();
  });

  it('retrieves a pending application saved without a key only when its key is with the user (a CSR they give)', async () => {
    const keys = await generateKeyAndCsr({ domains: ['pending.example.test'], keyType: 'ec-p256' });
    const client = new AcmApiClient({ customerId: 'folder', authToken: TOKEN, endpoint: sandbox.url, ca: sandbox.caBundlePem });
    const answer = await client.apply({ domains: ['pending.example.test'], csr: keys.csrPem });
    await client.close();
    if (answer.status !== 'pending') throw new Error('pending.example.test should be held');
    await sandbox.approve(answer.handleId);
    // As an earlier release wrote it: no key, and no word on whose the key is.
    const saved = { version: 2, application: { status: 'pending', handleId: answer.handleId, domains: ['pending.example.test'], keyType: 'ec-p256', csr: keys.csrPem, preparedAt: '2026-01-01T00:00:00.000Z', polls: 0 } };
    await newRun().folder.write('site/acmapi-state.json', JSON.stringify(saved));
    const requests = sandbox.requests.length;
    await expect(renew(newRun({ passphrase: PASSPHRASE }).repository, ['pending.example.test'])).rejects.toMatchObject({ code: 'STORE_KEY_MISSING', handleId: answer.handleId, path: 'certificates/site/acmapi-state.json' });
    expect(sandbox.requests.length).toBe(requests);
    expect(await exists(file('cert.pem'))).toBe(false);

    const csrRun = newRun({ givenCsrs: [keys.csrPem] });
    const result = await renew(csrRun.repository, ['pending.example.test'], { keySource: { kind: 'csr', csrPem: keys.csrPem } });
    expect(result).toMatchObject({ status: 'issued', handleId: answer.handleId });
    expect(certificateMatchesPrivateKey(await readFile(file('cert.pem'), 'utf8'), keys.privateKeyPem)).toBe(true);
    // The live certificate's key is with the user: nothing to report; without that CSR, it is missing.
    await csrRun.repository.assertLiveKeyKept('site');
    await expect(newRun({ passphrase: PASSPHRASE }).repository.assertLiveKeyKept('site')).rejects.toMatchObject({ code: 'STORE_KEY_MISSING', path: 'certificates/site/cert.pem' });
  });

  it('never stores a key the user gives, even with a passphrase, but checks the certificate against it and leaves it for the job', async () => {
    const keys = await generateKeyAndCsr({ domains: ['given.example.test'], keyType: 'ec-p256' });
    const run = newRun({ passphrase: PASSPHRASE, givenPrivateKeys: [keys.privateKeyPem] });
    const result = await renew(run.repository, ['given.example.test'], { keySource: { kind: 'key', privateKeyPem: keys.privateKeyPem } });
    expect(result.status).toBe('issued');
    expect(await exists(file('privkey.enc.pem'))).toBe(false);
    expect(await readFile(run.repository.jobKeyPath('site') ?? '', 'utf8')).toBe(keys.privateKeyPem);
  });

  it('installs nothing that fails the checks: a certificate for another key leaves the folder without a certificate', async () => {
    const run = newRun({ passphrase: PASSPHRASE });
    await expect(renew(run.repository, ['wrong.example.test'], { ca: wrongKeys })).rejects.toMatchObject({ name: 'CertificateError' });
    expect(await exists(file('cert.pem'))).toBe(false);
    expect(await exists(file('privkey.enc.pem'))).toBe(false);
    const state = await readState();
    expect(state.lastError?.code).toMatch(/^CERT_/);
  });

  it('refuses a generated key it cannot keep before anything reaches the CA; with a passphrase it keeps a prepared application', async () => {
    const unreachable = 'https://127.0.0.1:1/';
    const applications = sandbox.applications().length;
    // No passphrase: the generated key could exist only in this process, so nothing is applied for.
    const refused = renew(newRun().repository, ['lost.example.test']);
    await expect(refused).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_KEY_NOT_KEPT', certificate: 'site' });
    expect(sandbox.applications().length).toBe(applications);
    expect(await exists(join(temp.path, 'certificates', 'site'))).toBe(false);

    // With it, the next run sends the same application again (the CA may have received it).
    await expect(renew(newRun({ passphrase: PASSPHRASE }).repository, ['kept.example.test'], { endpoint: unreachable })).rejects.toMatchObject({ name: 'TransportError' });
    const prepared = await readState();
    expect(prepared.application).toMatchObject({ status: 'prepared', domains: ['kept.example.test'] });
    const result = await renew(newRun({ passphrase: PASSPHRASE }).repository, ['kept.example.test']);
    expect(result.status).toBe('issued');
    const key = decryptPrivateKey(prepared.application?.encryptedPrivateKey ?? '', PASSPHRASE, 'x');
    expect(certificateMatchesPrivateKey(await readFile(file('cert.pem'), 'utf8'), key)).toBe(true);
  });

  it('counts an unparsable cert.pem as no certificate, and refuses a name that is not a folder name', async () => {
    const run = newRun({ passphrase: PASSPHRASE });
    await run.folder.write('site/cert.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(await run.repository.get('site')).toBeUndefined();
    expect((await renew(run.repository, ['fresh.example.test'])).status).toBe('issued');
    await expect(run.repository.get('../escape')).rejects.toMatchObject({ code: 'STORE_NAME_INVALID' });
  });
});
