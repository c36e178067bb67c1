/**
 * `CertificateStore.delete`: the one operation that removes a private key from the store,
 * under the certificate's lock, with real files in a temporary folder.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { parsePrivateKeyPem } from '../src/pki/keys.js';
import { openStore, type CertificateStore } from '../src/store/certificate-store.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';

const DAY = 86_400_000;
const domains = ['del.example.com'];

let ca: TestIssuer;
let temp: TempDir;
let store: CertificateStore;

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});

beforeEach(async () => {
  temp = await makeTempDir('acmapi-store-delete-');
  store = await openStore(join(temp.path, 'store'));
});

afterEach(async () => {
  await temp.cleanup();
});

async function issue(name: string): Promise<void> {
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
  await store.withCertificate(name, async (certificate) => {
    await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
    const now = Date.now();
    const cert = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(privateKeyPem), domains, notBefore: new Date(now - 60_000), notAfter: new Date(now + 90 * DAY) });
    await certificate.installCertificate(cert + ca.pem);
  });
}

async function prepare(name: string): Promise<void> {
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
  await store.withCertificate(name, async (certificate) => {
    await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem }, { force: true });
    await certificate.recordPending('h-del-1');
  });
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

describe('CertificateStore.delete', () => {
  it('removes every version (keys included), the links and the state of one certificate, and leaves the others', async () => {
    await issue('gone');
    await issue('gone'); // a renewal: the first version is archived, its key kept
    await prepare('gone'); // and an application in progress with a third key
    await issue('kept');
    const dir = join(store.dir, 'gone');
    expect((await readdir(join(dir, 'versions'))).length).toBe(3);

    // Asked first, with what would go; "no" changes nothing.
    const asked: (string | undefined)[] = [];
    const kept = await store.delete('gone', { confirm: (record) => (asked.push(record?.application?.handleId), false) });
    expect(kept).toMatchObject({ name: 'gone', deleted: false });
    expect(asked).toEqual(['h-del-1']);
    expect((await readdir(join(dir, 'versions'))).length).toBe(3);

    const result = await store.delete('gone', { confirm: () => Promise.resolve(true) });
    expect(result).toMatchObject({ name: 'gone', dir, deleted: true, record: { name: 'gone', domains, state: 'pending', application: { handleId: 'h-del-1' } } });
    expect(result.record?.live).toBeDefined();
    expect(await exists(dir)).toBe(false);
    expect(await store.get('gone')).toBeUndefined();
    expect((await store.list()).map((record) => record.name)).toEqual(['kept']);
    expect((await store.get('kept'))?.state).toBe('valid');
    expect(await exists(join(store.dir, 'kept', 'privkey.pem'))).toBe(true);
  });

  it('refuses an unknown or invalid name, changing nothing', async () => {
    await issue('kept');
    await expect(store.delete('nosuch')).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_NOT_FOUND', certificate: 'nosuch' });
    expect(await exists(join(store.dir, 'nosuch'))).toBe(false);
    await expect(store.delete('../kept')).rejects.toMatchObject({ code: 'STORE_NAME_INVALID' });
    expect((await store.list()).map((record) => record.name)).toEqual(['kept']);
  });

  it('waits for the lock: a certificate another holder is working on is not removed under it', async () => {
    await issue('busy');
    await store.withCertificate('busy', async () => {
      await expect(store.delete('busy', { waitMs: 0 })).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    });
    expect((await store.get('busy'))?.state).toBe('valid');
    await store.delete('busy');
    expect(await exists(join(store.dir, 'busy'))).toBe(false);
  });

  it('removes a certificate whose state.json is damaged, and finishes a removal cut short after its commit point', async () => {
    await issue('damaged');
    await writeFile(join(store.dir, 'damaged', 'state.json'), '{ not json');
    expect(await store.delete('damaged')).toMatchObject({ name: 'damaged', record: undefined });
    expect(await exists(join(store.dir, 'damaged'))).toBe(false);

    // A crash right after state.json went: the certificate is gone for get/list, its files are not.
    await issue('cut');
    await writeFile(join(store.dir, 'cut', '.deleting'), '');
    await rm(join(store.dir, 'cut', 'state.json'));
    expect(await store.get('cut')).toBeUndefined();
    // Marked as being deleted: not a certificate that lost its state (which list reports damaged).
    expect((await store.list()).map((record) => record.name)).toEqual([]);
    await store.delete('cut');
    expect(await exists(join(store.dir, 'cut'))).toBe(false);
    // An empty folder is no certificate.
    await mkdir(join(store.dir, 'empty'));
    await expect(store.delete('empty')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });
});
