// A rename failing midway cannot be brought about on a real filesystem between the staging
// and the renames (both happen in one call, in one folder), so rename(2) is made to fail for
// one chosen target here; every other filesystem call is the real one.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { generateKeyAndCsr } from '../pki/csr.js';
import { parsePrivateKeyPem } from '../pki/keys.js';
import { DeployError } from '../errors/errors.js';
import { deployLive } from '../lifecycle/deploy-step.js';
import type { LifecycleEvent } from '../lifecycle/events.js';
import type { CertificateSession, LiveFiles } from '../lifecycle/repository.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from '../../test/helpers/test-ca.js';
import { installTargets, type InstallFiles } from './install-targets.js';

const failRename = vi.hoisted(() => ({ to: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    rename: async (from: string, to: string): Promise<void> => {
      if (to === failRename.to) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO' });
      await actual.rename(from, to);
    },
  };
});

let ca: TestIssuer;
let temp: TempDir;
let dir: string;

async function makeFiles(): Promise<InstallFiles> {
  const { privateKeyPem } = await generateKeyAndCsr({ domains: ['a.example'] });
  const certPem = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(privateKeyPem), domains: ['a.example'] });
  return { privateKeyPem, certPem, chainPem: ca.pem, fullchainPem: certPem + ca.pem };
}

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});
beforeEach(async () => {
  temp = await makeTempDir('acmapi-install-rename-');
  dir = temp.path;
  failRename.to = undefined;
});
afterEach(async () => {
  await temp.cleanup();
});

describe('installTargets when a rename fails midway', () => {
  it('names the targets already replaced in the error, removes the other staged files, and deployLive reports them as written', async () => {
    const targets = { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem'), fullchain: join(dir, 'fullchain.pem'), combined: join(dir, 'haproxy.pem') };
    const old = await makeFiles();
    await installTargets(targets, old);
    const renewed = await makeFiles();
    failRename.to = targets.fullchain;

    const attempt = installTargets(targets, renewed);
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toMatchObject({ code: 'DEPLOY_INSTALL_FAILED', path: targets.fullchain, written: [targets.key, targets.cert] });
    expect(await readFile(targets.key, 'utf8')).toBe(renewed.privateKeyPem);
    expect(await readFile(targets.cert, 'utf8')).toBe(renewed.certPem);
    expect(await readFile(targets.fullchain, 'utf8')).toBe(old.fullchainPem);
    expect(await readFile(targets.combined, 'utf8')).toBe(old.fullchainPem + (old.privateKeyPem ?? ''));
    expect((await readdir(dir)).sort()).toEqual(['cert.pem', 'fullchain.pem', 'haproxy.pem', 'key.pem']);

    // The lifecycle's deploy step: the failure is reported (not thrown), the deploy hook does
    // not run, and the report does not hide the targets that changed.
    const third = await makeFiles();
    const live: LiveFiles = { version: 'v3', ...third };
    const session: Pick<CertificateSession, 'name' | 'dir' | 'readLive'> = { name: 'a', dir, readLive: () => Promise.resolve(live) };
    const events: LifecycleEvent[] = [];
    const marker = join(dir, 'hook-ran');
    const report = await deployLive({
      certificate: session as CertificateSession,
      domains: ['a.example'],
      notAfter: new Date(),
      handleId: undefined,
      install: targets,
      hooks: { deploy: `touch ${marker}` },
      wentLive: true,
      hookOptions: {},
      emit: (event) => events.push(event),
    });
    expect(report?.error).toMatchObject({ code: 'DEPLOY_INSTALL_FAILED', path: targets.fullchain });
    expect(report?.written).toEqual([targets.key, targets.cert]);
    expect(report?.hook).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['deploy-failed']);
    await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a failure before any rename leaves the report of deployLive with nothing written', async () => {
    const targets = { key: join(dir, 'key.pem'), cert: join(dir, 'sub', 'cert.pem') };
    await writeFile(join(dir, 'key.pem'), 'old key');
    const live: LiveFiles = { version: 'v1', ...(await makeFiles()) };
    const session: Pick<CertificateSession, 'name' | 'dir' | 'readLive'> = { name: 'a', dir, readLive: () => Promise.resolve(live) };
    const report = await deployLive({
      certificate: session as CertificateSession,
      domains: ['a.example'],
      notAfter: new Date(),
      handleId: undefined,
      install: targets,
      hooks: undefined,
      wentLive: true,
      hookOptions: {},
      emit: () => undefined,
    });
    expect(report?.error).toMatchObject({ code: 'DEPLOY_INSTALL_FAILED', path: targets.cert, written: [] });
    expect(report?.written).toEqual([]);
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe('old key');
  });
});
