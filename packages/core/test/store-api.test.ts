/**
 * The store's API in-process, with an injected clock and a test CA: what it checks before a
 * certificate becomes live, file modes, the live links, and what `list` reports.
 */
import { chmod, chown, lstat, mkdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { parsePrivateKeyPem } from '../src/pki/keys.js';
import { openStore, type CertificateStore } from '../src/store/certificate-store.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const domains = ['api.example.com'];

let ca: TestIssuer;
let temp: TempDir;
let now: number;
let store: CertificateStore;

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});

beforeEach(async () => {
  temp = await makeTempDir('acmapi-store-api-');
  now = T0;
  store = await openStore(join(temp.path, 'store'), { now: () => new Date(now) });
});

afterEach(async () => {
  await temp.cleanup();
});

async function issue(name: string, lifetimeDays = 90): Promise<string> {
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
  return store.withCertificate(name, async (certificate) => {
    await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
    const cert = await issueLeaf(ca, {
      publicKey: parsePrivateKeyPem(privateKeyPem),
      domains,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now - 60_000 + lifetimeDays * DAY),
    });
    return (await certificate.installCertificate(cert + ca.pem)).version;
  });
}

describe('store API', () => {
  it('finding 14: prepareApplication records the endpoint without a URL\'s user info, query or fragment', async () => {
    const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
    await store.withCertificate('api', async (certificate) => {
      const endpoint = 'https://platform:URLTOKEN1@acmapi.example:8443/v1/?token=QUERYTOKEN2#FRAGMENT3';
      await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem, endpoint });
    });
    const state = await readFile(join(store.dir, 'api', 'state.json'), 'utf8');
    for (const secret of ['platform', 'URLTOKEN1', 'QUERYTOKEN2', 'FRAGMENT3']) expect(state).not.toContain(secret);
    expect((await store.get('api'))?.application?.endpoint).toBe('https://acmapi.example:8443/v1/');
  });

  it('installs with private files 0600 in 0700 folders, and servers see them through the live links', async () => {
    const version = await issue('api');
    const dir = join(store.dir, 'api');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'versions', version))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'privkey.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readlink(join(dir, 'live'))).toBe(`versions/${version}`);
    for (const file of ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem']) {
      expect((await lstat(join(dir, file))).isSymbolicLink()).toBe(true);
      expect(await readFile(join(dir, file), 'utf8')).toBe(await readFile(join(dir, 'versions', version, file), 'utf8'));
    }
    expect(await readFile(join(dir, 'chain.pem'), 'utf8')).toBe(ca.pem);
  });

  it('refuses a certificate for another key: nothing is written and the application stays', async () => {
    const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
    const other = await generateKeyAndCsr({ domains });
    await store.withCertificate('api', async (certificate) => {
      const version = await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
      await certificate.recordPending('H1');
      const wrong = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(other.privateKeyPem), domains, notBefore: new Date(now - 60_000) });
      await expect(certificate.installCertificate(wrong + ca.pem)).rejects.toMatchObject({ code: 'CERT_KEY_MISMATCH' });
      const missing = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(privateKeyPem), domains: ['other.example.com'], notBefore: new Date(now - 60_000) });
      await expect(certificate.installCertificate(missing + ca.pem)).rejects.toMatchObject({ code: 'CERT_DOMAINS_MISSING' });
      await expect(stat(join(certificate.dir, 'versions', version, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await certificate.readApplication())?.handleId).toBe('H1');
    });
    expect((await store.get('api'))?.state).toBe('pending');
  });

  it('refuses to prepare a key and CSR that do not belong together, and a second application unless forced', async () => {
    const a = await generateKeyAndCsr({ domains });
    const b = await generateKeyAndCsr({ domains });
    await store.withCertificate('api', async (certificate) => {
      await expect(
        certificate.prepareApplication({ domains, keyType: a.keyType, privateKeyPem: a.privateKeyPem, csrPem: b.csrPem }),
      ).rejects.toMatchObject({ code: 'KEY_CSR_MISMATCH' });
      await certificate.prepareApplication({ domains, keyType: a.keyType, privateKeyPem: a.privateKeyPem, csrPem: a.csrPem });
      await expect(
        certificate.prepareApplication({ domains, keyType: b.keyType, privateKeyPem: b.privateKeyPem, csrPem: b.csrPem }),
      ).rejects.toMatchObject({ code: 'STORE_PENDING_EXISTS' });
    });
  });

  it('list reports each state with the injected clock: new, pending, valid, due, expired, failed, corrupt', async () => {
    await issue('a-valid');
    await issue('b-due');
    await issue('c-expired', 30);
    const fresh = await generateKeyAndCsr({ domains });
    await store.withCertificate('d-pending', async (certificate) => {
      await certificate.prepareApplication({ domains, keyType: fresh.keyType, privateKeyPem: fresh.privateKeyPem, csrPem: fresh.csrPem });
      await certificate.recordPending('H9');
    });
    await store.withCertificate('e-new', async (certificate) => {
      await certificate.prepareApplication({ domains, keyType: fresh.keyType, privateKeyPem: fresh.privateKeyPem, csrPem: fresh.csrPem });
    });
    await issue('f-failed');
    await store.withCertificate('f-failed', (certificate) => certificate.recordError(new Error('boom')));
    await issue('g-corrupt');
    await writeFile(join(store.dir, 'g-corrupt', 'state.json'), '{ not json');

    now = T0 + 45 * DAY;
    // Day 45 of 90: not yet due; day 71 is (past the renewal time chosen around two thirds of the lifetime); --days 50 makes it due earlier.
    const records = await store.list();
    expect(records.map((record) => [record.name, record.state])).toEqual([
      ['a-valid', 'valid'],
      ['b-due', 'valid'],
      ['c-expired', 'expired'],
      ['d-pending', 'pending'],
      ['e-new', 'new'],
      ['f-failed', 'failed'],
      ['g-corrupt', 'failed'],
    ]);
    expect(records[3]?.application).toMatchObject({ handleId: 'H9', status: 'pending' });
    expect(records[4]?.application?.status).toBe('prepared');
    expect(records[5]?.lastError).toMatchObject({ code: 'UNEXPECTED', message: 'boom' });
    expect(records[6]?.lastError?.code).toBe('STORE_CORRUPT');
    expect(records[6]?.damaged).toEqual({ code: 'STORE_CORRUPT', path: join(store.dir, 'g-corrupt', 'state.json') });
    expect(records[5]?.damaged).toBeUndefined();
    expect(records[0]?.live?.renewal.daysLeft).toBe(44);

    const due = await store.list({ now: new Date(T0 + 71 * DAY) });
    expect(due.find((record) => record.name === 'b-due')?.state).toBe('due');
    expect((await store.list({ days: 50 })).find((record) => record.name === 'a-valid')?.state).toBe('due');
    await expect(store.get('g-corrupt')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('lists a folder that lost its state.json beside its files as damaged, and ignores folders that are not ours', async () => {
    await issue('live-lost');
    await rm(join(store.dir, 'live-lost', 'state.json'));
    // A pending application whose state.json went: only its key and CSR are left.
    const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
    await store.withCertificate('pending-lost', async (certificate) => {
      await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
      await certificate.recordPending('H1');
    });
    await rm(join(store.dir, 'pending-lost', 'state.json'));
    await mkdir(join(store.dir, 'empty'));
    await mkdir(join(store.dir, 'foreign'));
    await writeFile(join(store.dir, 'foreign', 'notes.txt'), 'not a certificate');
    await mkdir(join(store.dir, 'crashed-early', 'versions', '20300101-000000000Z-a1b2c3'), { recursive: true });

    const records = await store.list();
    expect(records.map((record) => [record.name, record.state, record.damaged?.code])).toEqual([
      ['live-lost', 'failed', 'STORE_CORRUPT'],
      ['pending-lost', 'failed', 'STORE_CORRUPT'],
    ]);
    expect(records[0]?.damaged?.path).toBe(join(store.dir, 'live-lost', 'state.json'));
    expect(records[0]?.lastError?.message).toContain('no state.json');
  });

  it('a successful install clears the last error and archives the previous version', async () => {
    const first = await issue('api');
    await store.withCertificate('api', (certificate) => certificate.recordError(new Error('network down')));
    expect((await store.get('api'))?.state).toBe('failed');
    now = T0 + 61 * DAY;
    const second = await issue('api');
    const record = await store.get('api');
    expect(record?.state).toBe('valid');
    expect(record?.live?.version).toBe(second);
    const state = await store.withCertificate('api', (certificate) => certificate.state());
    expect(state?.versions.map((version) => [version.id, version.status])).toEqual([
      [first, 'archived'],
      [second, 'live'],
    ]);
  });

  it.runIf(process.getuid?.() === 0)('a renewed key keeps the group and group-read bit of the live key (certbot ≥ 0.29)', async () => {
    const NOGROUP = 65534;
    const first = await issue('api');
    const firstKey = join(store.dir, 'api', 'versions', first, 'privkey.pem');
    await chown(firstKey, 0, NOGROUP);
    await chmod(firstKey, 0o640);
    const second = await issue('api');
    const secondKey = await stat(join(store.dir, 'api', 'versions', second, 'privkey.pem'));
    expect([secondKey.gid, secondKey.mode & 0o7777]).toEqual([NOGROUP, 0o640]);
    // Group without group-read: the group is kept, the mode stays 0600.
    await chmod(join(store.dir, 'api', 'versions', second, 'privkey.pem'), 0o600);
    const third = await issue('api');
    const thirdKey = await stat(join(store.dir, 'api', 'versions', third, 'privkey.pem'));
    expect([thirdKey.gid, thirdKey.mode & 0o7777]).toEqual([NOGROUP, 0o600]);
    // Through the top-level link, as servers read it.
    expect((await stat(join(store.dir, 'api', 'privkey.pem'))).ino).toBe(thirdKey.ino);
  });
});

describe('store: remembered settings, renewal time, failures (issue 10)', () => {
  it('an old state.json without the new fields still reads, renewing by the third-of-lifetime rule', async () => {
    await issue('old');
    const file = join(store.dir, 'old', 'state.json');
    const fields = new Set(['settings', 'renewal', 'failures', 'lastAttempt']);
    const state = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify(Object.fromEntries(Object.entries(state).filter(([key]) => !fields.has(key)))));
    const record = await store.get('old');
    expect(record).toMatchObject({ state: 'valid', domains });
    expect(record?.settings).toBeUndefined();
    expect(record?.renewalAt).toBeUndefined();
    // Without a chosen renewal time: a third of the lifetime before notAfter, moved earlier by the jitter.
    const live = record?.live;
    expect(live?.renewal.renewAt.getTime()).toBe((live?.notAfter.getTime() ?? 0) - 30 * DAY - (live?.renewal.jitterMs ?? 0));
  });

  it('settings, failures with their backoff, and the renewal time round-trip through state.json', async () => {
    const settings = {
      domains,
      keyType: 'rsa-2048' as const,
      reuseKey: true,
      signfile: { path: '/etc/acmapi/signfile', placement: { kind: 'standalone' as const, port: 8080 }, preflight: 'strict' as const },
      pkcs12: { passphraseEnv: 'ACMAPI_PFX_PASSPHRASE' },
      renewBeforeDays: 20,
    };
    // Settings alone make a certificate the store knows (state new, its domains), before any application.
    await store.withCertificate('api', (certificate) => certificate.recordSettings(settings));
    expect(await store.get('api')).toMatchObject({ state: 'new', domains, keyType: 'rsa-2048', settings });

    const first = T0;
    await store.withCertificate('api', (certificate) => certificate.recordError(new Error('site down')));
    now = T0 + 2 * 3_600_000;
    await store.withCertificate('api', (certificate) => certificate.recordError(new Error('still down')));
    const failing = await store.get('api');
    expect(failing?.failures).toEqual({ count: 2, firstAt: new Date(first), lastAt: new Date(now), nextAttemptAt: new Date(now + 6 * 3_600_000), code: 'UNEXPECTED' });
    expect(failing?.lastAttempt).toEqual({ at: new Date(now), result: 'failed', code: 'UNEXPECTED' });

    await issue('api');
    const live = await store.get('api');
    expect(live).toMatchObject({ state: 'valid', settings, lastAttempt: { result: 'issued', at: new Date(now) } });
    expect(live?.failures).toBeUndefined();
    expect(live?.lastError).toBeUndefined();
    const renewalAt = live?.renewalAt;
    expect(renewalAt).toBeInstanceOf(Date);
    expect(live?.live?.renewal.renewAt).toEqual(renewalAt);
    // --days still overrides the chosen time.
    expect((await store.get('api', { days: 90 }))?.state).toBe('due');
  });
});
