import { chmod, chown, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { generateKeyAndCsr } from '../pki/csr.js';
import { parsePrivateKeyPem } from '../pki/keys.js';
import { DeployError, OptionsError } from '../errors/errors.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from '../../test/helpers/test-ca.js';
import { installTargets, type InstallFiles } from './install-targets.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534; // nobody / nogroup on Debian

let ca: TestIssuer;
let temp: TempDir;
let dir: string;

async function makeFiles(): Promise<InstallFiles> {
  const { privateKeyPem } = await generateKeyAndCsr({ domains: ['a.example'] });
  const certPem = await issueLeaf(ca, { publicKey: parsePrivateKeyPem(privateKeyPem), domains: ['a.example'] });
  return { privateKeyPem, certPem, chainPem: ca.pem, fullchainPem: certPem + ca.pem };
}

function allTargets(): Record<'key' | 'cert' | 'chain' | 'fullchain' | 'combined', string> {
  return { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem'), chain: join(dir, 'chain.pem'), fullchain: join(dir, 'fullchain.pem'), combined: join(dir, 'haproxy.pem') };
}

async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(before);
  }
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o7777;
const identity = (info: Stats): [number, number, number] => [info.ino, info.mtimeMs, info.ctimeMs];

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});
beforeEach(async () => {
  temp = await makeTempDir('acmapi-install-');
  dir = temp.path;
});
afterEach(async () => {
  await temp.cleanup();
});

describe('installTargets', () => {
  it('writes key, cert, chain, fullchain and combined, with 0600 for the key files and 0644 for the others whatever the umask', async () => {
    const files = await makeFiles();
    const targets = allTargets();
    const result = await withUmask(0o077, () => installTargets(targets, files));
    expect(result).toEqual({ written: [targets.key, targets.cert, targets.chain, targets.fullchain, targets.combined], unchanged: [] });
    expect(await readFile(targets.key, 'utf8')).toBe(files.privateKeyPem);
    expect(await readFile(targets.cert, 'utf8')).toBe(files.certPem);
    expect(await readFile(targets.chain, 'utf8')).toBe(files.chainPem);
    expect(await readFile(targets.fullchain, 'utf8')).toBe(files.fullchainPem);
    expect(await Promise.all(Object.values(targets).map(modeOf))).toEqual([0o600, 0o644, 0o644, 0o644, 0o600]);
    expect((await readdir(dir)).sort()).toEqual(['cert.pem', 'chain.pem', 'fullchain.pem', 'haproxy.pem', 'key.pem']);
  });

  it('combined is one PEM that openssl reads as the certificate first, then the chain, with the matching private key', async () => {
    const files = await makeFiles();
    const targets = allTargets();
    await installTargets({ combined: targets.combined, cert: targets.cert }, files);
    const fingerprint = async (file: string): Promise<string> => (await runOpenssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256'])).stdout;
    // The first certificate of the file is the leaf, as HAProxy takes it.
    expect(await fingerprint(targets.combined)).toBe(await fingerprint(targets.cert));
    const keyPub = (await runOpenssl(['pkey', '-in', targets.combined, '-pubout'])).stdout;
    const certPub = (await runOpenssl(['x509', '-in', targets.combined, '-noout', '-pubkey'])).stdout;
    expect(keyPub).toBe(certPub);
    const text = await readFile(targets.combined, 'utf8');
    expect(text.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(text.indexOf('PRIVATE KEY-----')).toBeGreaterThan(text.lastIndexOf('-----END CERTIFICATE-----'));
  });

  it('a second install of the same files changes no file: same inode, same times, reported unchanged', async () => {
    const files = await makeFiles();
    const targets = allTargets();
    await installTargets(targets, files);
    const before = await Promise.all(Object.values(targets).map(async (path) => identity(await stat(path))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await installTargets(targets, files);
    expect(again).toEqual({ written: [], unchanged: Object.values(targets) });
    expect(await Promise.all(Object.values(targets).map(async (path) => identity(await stat(path))))).toEqual(before);
  });

  it('replaces a changed file by rename (a new inode), leaves an equal one (the same chain) alone, and leaves no temporary file', async () => {
    const targets = allTargets();
    await installTargets(targets, await makeFiles());
    const oldInode = (await stat(targets.fullchain)).ino;
    const renewed = await makeFiles();
    const result = await installTargets(targets, renewed);
    expect(result).toEqual({ written: [targets.key, targets.cert, targets.fullchain, targets.combined], unchanged: [targets.chain] });
    expect((await stat(targets.fullchain)).ino).not.toBe(oldInode);
    expect(await readFile(targets.fullchain, 'utf8')).toBe(renewed.fullchainPem);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('applies an explicit mode exactly whatever the umask, also in place to an unchanged file', async () => {
    const files = await makeFiles();
    const targets = allTargets();
    await withUmask(0o077, () => installTargets({ ...targets, mode: 0o640 }, files));
    expect(await Promise.all(Object.values(targets).map(modeOf))).toEqual([0o640, 0o640, 0o640, 0o640, 0o640]);
    const inode = (await stat(targets.cert)).ino;
    const result = await withUmask(0o000, () => installTargets({ cert: targets.cert, mode: 0o444 }, files));
    expect(result).toEqual({ written: [targets.cert], unchanged: [] });
    expect(await modeOf(targets.cert)).toBe(0o444);
    expect((await stat(targets.cert)).ino).toBe(inode);
  });

  it.runIf(isRoot)('a renewed key keeps the group and group-read bit of the key it replaces (certbot ≥ 0.29); the public files do not', async () => {
    const targets = allTargets();
    await installTargets(targets, await makeFiles());
    for (const path of [targets.key, targets.combined, targets.cert]) {
      await chown(path, 0, NOBODY);
      await chmod(path, 0o640);
    }
    await installTargets(targets, await makeFiles());
    for (const path of [targets.key, targets.combined]) {
      const info = await stat(path);
      expect([info.gid, info.mode & 0o7777]).toEqual([NOBODY, 0o640]);
    }
    const cert = await stat(targets.cert);
    expect([cert.gid, cert.mode & 0o7777]).toEqual([0, 0o644]);
  });

  it.runIf(isRoot)('keeps the group without group-read when the previous key had none', async () => {
    const targets = { key: join(dir, 'key.pem') };
    await installTargets(targets, await makeFiles());
    await chown(targets.key, 0, NOBODY);
    await installTargets(targets, await makeFiles());
    const info = await stat(targets.key);
    expect([info.gid, info.mode & 0o7777]).toEqual([NOBODY, 0o600]);
  });

  it.runIf(isRoot)('takes the group from previousKeyPath when nothing is at the target yet', async () => {
    const previous = join(dir, 'store-privkey.pem');
    await writeFile(previous, 'old key', { mode: 0o640 });
    await chown(previous, 0, NOBODY);
    const key = join(dir, 'key.pem');
    await installTargets({ key }, await makeFiles(), { previousKeyPath: previous });
    const info = await stat(key);
    expect([info.gid, info.mode & 0o7777]).toEqual([NOBODY, 0o640]);
  });

  it.runIf(isRoot)('gives every file the owner asked for, by name or number', async () => {
    const files = await makeFiles();
    const targets = allTargets();
    await installTargets({ ...targets, owner: 'nobody:nogroup' }, files);
    for (const path of Object.values(targets)) {
      const info = await stat(path);
      expect([info.uid, info.gid]).toEqual([NOBODY, NOBODY]);
    }
    await installTargets({ cert: targets.cert, owner: '4321:8765' }, files);
    const info = await stat(targets.cert);
    expect([info.uid, info.gid]).toEqual([4321, 8765]);
  });

  it('refuses an owner this system does not know, writing nothing', async () => {
    const targets = allTargets();
    const attempt = installTargets({ ...targets, owner: 'no-such-user-acmapi' }, await makeFiles());
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toMatchObject({ code: 'DEPLOY_OWNER_UNKNOWN' });
    await expect(installTargets({ ...targets, owner: 'root:no-such-group-acmapi' }, await makeFiles())).rejects.toMatchObject({ code: 'DEPLOY_OWNER_UNKNOWN' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a key or combined target for a certificate without a private key (CSR only), writing nothing', async () => {
    const files = { ...(await makeFiles()), privateKeyPem: undefined };
    const targets = allTargets();
    for (const kind of ['key', 'combined'] as const) {
      const attempt = installTargets({ cert: targets.cert, [kind]: targets[kind] }, files);
      await expect(attempt).rejects.toBeInstanceOf(DeployError);
      await expect(attempt).rejects.toMatchObject({ code: 'DEPLOY_KEY_MISSING', path: targets[kind] });
    }
    expect(await readdir(dir)).toEqual([]);
    expect((await installTargets({ cert: targets.cert, fullchain: targets.fullchain }, files)).written).toHaveLength(2);
  });

  it('rejects a relative path, two targets at one file, and a mode outside 0-777 before writing anything', async () => {
    const files = await makeFiles();
    await expect(installTargets({ cert: 'cert.pem' }, files)).rejects.toMatchObject({ code: 'OPTIONS_INVALID', option: 'install.cert' });
    await expect(installTargets({ cert: join(dir, 'x.pem'), fullchain: join(dir, 'x.pem') }, files)).rejects.toBeInstanceOf(OptionsError);
    await expect(installTargets({ cert: join(dir, 'x.pem'), mode: 0o4755 }, files)).rejects.toMatchObject({ option: 'install.mode' });
    await expect(installTargets({ cert: join(dir, 'x.pem'), owner: 'a:b:c' }, files)).rejects.toMatchObject({ option: 'install.owner' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with DEPLOY_INSTALL_FAILED naming the target when its folder does not exist', async () => {
    const path = join(dir, 'missing', 'cert.pem');
    await expect(installTargets({ cert: path }, await makeFiles())).rejects.toMatchObject({ code: 'DEPLOY_INSTALL_FAILED', path });
  });

  it('a failing install target changes no target (the key never goes ahead of its certificate)', async () => {
    const targets = allTargets();
    await installTargets({ key: targets.key, fullchain: targets.fullchain, combined: targets.combined }, await makeFiles());
    const paths = [targets.key, targets.fullchain, targets.combined];
    const before = await Promise.all(paths.map(async (path) => ({ bytes: await readFile(path), identity: identity(await stat(path)) })));
    // cert comes after key in the install order: its parent is a regular file (ENOTDIR).
    await writeFile(join(dir, 'not-a-folder'), 'x');
    const cert = join(dir, 'not-a-folder', 'cert.pem');
    const attempt = installTargets({ key: targets.key, cert, fullchain: targets.fullchain, combined: targets.combined }, await makeFiles());
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toMatchObject({ code: 'DEPLOY_INSTALL_FAILED', path: cert });
    for (const [index, path] of paths.entries()) {
      expect(await readFile(path)).toEqual(before[index]?.bytes);
      expect(identity(await stat(path))).toEqual(before[index]?.identity);
    }
    expect((await readdir(dir)).sort()).toEqual(['fullchain.pem', 'haproxy.pem', 'key.pem', 'not-a-folder']);
    // And the error says so: no target was changed.
    await expect(attempt).rejects.toMatchObject({ written: [] });
  });

  it('follows a symbolic link at a target, replacing the file it points at and keeping the link', async () => {
    const files = await makeFiles();
    await mkdir(join(dir, 'real'));
    const real = join(dir, 'real', 'cert.pem');
    await writeFile(real, 'old');
    const link = join(dir, 'cert.pem');
    await symlink(real, link);
    await installTargets({ cert: link }, files);
    expect((await stat(link)).ino).toBe((await stat(real)).ino);
    expect(await readFile(real, 'utf8')).toBe(files.certPem);
  });
});
