/**
 * The store on a full disk and on a read-only file system (issue 11, finding 11), on real
 * tmpfs mounts: a small one filled up, and one remounted read-only. Mounting needs root
 * (CAP_SYS_ADMIN); where it is refused these tests are skipped, not faked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { parsePrivateKeyPem } from '../src/pki/keys.js';
import { openStore } from '../src/store/certificate-store.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';

const DAY = 86_400_000;
const domains = ['disk.example.com'];

function mount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const canMount = await (async () => {
  const probe = await mkdtemp(join(tmpdir(), 'acmapi-mount-probe-'));
  const ok = mount(probe, 'size=64k');
  if (ok) execFileSync('umount', [probe]);
  await rm(probe, { recursive: true, force: true });
  return ok;
})();

let ca: TestIssuer;
let mounted: string | undefined;

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});

afterEach(async () => {
  if (mounted !== undefined) {
    execFileSync('umount', [mounted]);
    await rm(mounted, { recursive: true, force: true });
    mounted = undefined;
  }
});

async function tmpfs(size: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-disk-'));
  if (!mount(dir, `size=${size}`)) throw new Error('mount failed after the probe succeeded');
  mounted = dir;
  return dir;
}

async function fill(dir: string): Promise<void> {
  await writeFile(join(dir, 'filler'), Buffer.alloc(8 * 1024 * 1024)).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  });
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

describe.skipIf(!canMount)('the store on a full disk', () => {
  it('finding 11: a lock that cannot be written leaves no empty lock file, and the error names it', async () => {
    const dir = await tmpfs('256k');
    const store = await openStore(join(dir, 'store'));
    await fill(dir);
    const error: unknown = await store.withCertificate('full', () => Promise.resolve()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ENOSPC', path: join(store.dir, 'full', '.lock') });
    expect(await exists(join(store.dir, 'full', '.lock'))).toBe(false);
  });

  it('finding 11: an application that cannot be written leaves no orphan version folder, and the error names the file', async () => {
    const dir = await tmpfs('256k');
    const store = await openStore(join(dir, 'store'));
    const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
    for (let run = 0; run < 3; run++) {
      const error: unknown = await store
        .withCertificate('full', async (certificate) => {
          await fill(dir);
          await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
        })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ENOSPC', path: expect.stringMatching(/\/versions\/[^/]+\/privkey\.pem$/) as string });
      expect(await readdir(join(store.dir, 'full', 'versions')).catch(() => [])).toEqual([]);
      await rm(join(dir, 'filler'));
    }
  });
});

describe.skipIf(!canMount)('the store on a read-only file system', () => {
  it('finding 11: a certificate is read without a lock file (a not-due run can answer); a write fails with EROFS naming its file', async () => {
    const dir = await tmpfs('4m');
    const store = await openStore(join(dir, 'store'));
    const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
    await store.withCertificate('ro', async (certificate) => {
      await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
      const now = Date.now();
      const cert = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(privateKeyPem), domains, notBefore: new Date(now - 60_000), notAfter: new Date(now + 90 * DAY) });
      await certificate.installCertificate(cert + ca.pem);
    });
    execFileSync('mount', ['-o', 'remount,ro', dir]);

    const record = await store.withCertificate('ro', (certificate) => certificate.record());
    expect(record).toMatchObject({ name: 'ro', state: 'valid', domains });
    expect(await exists(join(store.dir, 'ro', '.lock'))).toBe(false);

    const write: unknown = await store
      .withCertificate('ro', (certificate) => certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem }, { force: true }))
      .catch((caught: unknown) => caught);
    expect(write).toMatchObject({ code: 'EROFS', path: expect.stringContaining(join(store.dir, 'ro', 'versions')) as string });
  });

  it('finding 11: a new certificate on a read-only store fails with EROFS, not ENOENT', async () => {
    const dir = await tmpfs('1m');
    const store = await openStore(join(dir, 'store'));
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const error: unknown = await store.withCertificate('new', () => Promise.resolve()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EROFS', path: join(store.dir, 'new') });
  });
});
