/**
 * The store keeps its private keys out of git (issue 12): in a real git repository, after a
 * key is written into the store, `git status` lists no key material and `git check-ignore`
 * (git's own reading of the rules, an independent peer) ignores every privkey.pem.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { CertificateStore, openStore } from '../src/store/certificate-store.js';
import { KEY_GITIGNORE_RULES, removeStoreFolderIfUnused } from '../src/store/key-gitignore.js';

const run = promisify(execFile);
let temp: TempDir;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd })).stdout;
}

async function prepare(store: CertificateStore, name: string): Promise<void> {
  const domains = ['api.example.com'];
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
  await store.withCertificate(name, (certificate) => certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem }));
}

beforeEach(async () => {
  temp = await makeTempDir('acmapi-store-gitignore-');
  await git(temp.path, 'init', '-q');
});

afterEach(async () => {
  await temp.cleanup();
});

describe('the store in a git repository', () => {
  it('openStore writes a .gitignore; git status then lists state.json and the CSR but no private key', async () => {
    const store = await openStore(join(temp.path, 'certs'));
    await prepare(store, 'site');
    await prepare(store, 'api');
    const status = await git(temp.path, 'status', '--porcelain', '--untracked-files=all');
    expect(status).toContain('certs/site/state.json');
    expect(status).toContain('csr.pem');
    expect(status).not.toMatch(/privkey|\.lock|\.tmp/);
    const keys = (await git(temp.path, 'ls-files', '--others', '--ignored', '--exclude-standard')).split('\n').filter((line) => line.endsWith('privkey.pem'));
    expect(keys).toHaveLength(2);
    expect(await readFile(join(temp.path, 'certs', '.gitignore'), 'utf8')).toContain('privkey.pem');
  });

  it('a store made with new CertificateStore (no openStore) gets the rules before its first key', async () => {
    const store = new CertificateStore(join(temp.path, 'elsewhere', 'store'));
    await prepare(store, 'site');
    const key = (await git(temp.path, 'ls-files', '--others', '--ignored', '--exclude-standard')).trim();
    expect(key).toMatch(/^elsewhere\/store\/site\/versions\/[^/]+\/privkey\.pem$/);
    // git's own verdict on the path of a future archived version's key and a PKCS#12 file.
    for (const path of ['elsewhere/store/site/versions/later/privkey.pem', 'elsewhere/store/site/cert.pfx']) await git(temp.path, 'check-ignore', '-q', '--no-index', path);
  });

  it('a .gitignore the user wrote is left as it is', async () => {
    const dir = join(temp.path, 'certs');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.gitignore'), '*\n');
    await openStore(dir);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('every rule is a pattern git accepts and matches at any depth', async () => {
    const store = await openStore(join(temp.path, 'certs'));
    const samples = ['privkey.pem', 'cert.pfx', 'x.p12', '.lock', '.lock.break', '.privkey.pem.1a2b.tmp'];
    expect(samples).toHaveLength(KEY_GITIGNORE_RULES.length);
    for (const sample of samples) await git(temp.path, 'check-ignore', '-q', '--no-index', join(store.dir, 'n', 'versions', 'v', sample));
  });
});

describe('removeStoreFolderIfUnused', () => {
  let scratch: TempDir;
  beforeEach(async () => {
    scratch = await makeTempDir('acmapi-store-unused-');
  });
  afterEach(async () => {
    await scratch.cleanup();
  });
  const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

  it('removes a store folder that holds only the .gitignore openStore wrote', async () => {
    const dir = join(scratch.path, 'store');
    await openStore(dir);
    expect(await removeStoreFolderIfUnused(dir)).toBe(true);
    expect(await exists(dir)).toBe(false);
  });

  it('keeps a folder with anything else, or with a .gitignore of the user\'s', async () => {
    const kept = join(scratch.path, 'kept');
    await openStore(kept);
    await writeFile(join(kept, 'notes.txt'), 'mine');
    expect(await removeStoreFolderIfUnused(kept)).toBe(false);
    const own = join(scratch.path, 'own');
    await mkdir(own);
    await writeFile(join(own, '.gitignore'), '*.log\n');
    expect(await removeStoreFolderIfUnused(own)).toBe(false);
    expect(await readFile(join(own, '.gitignore'), 'utf8')).toBe('*.log\n');
  });
});

