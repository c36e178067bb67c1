import { spawnSync } from 'node:child_process';
import { access, chown, lstat, mkdir, readFile, readdir, readlink, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { DeployError, OptionsError } from '../errors/errors.js';
import { deployWebroot } from './deploy-webroot.js';
import { IIS_WEB_CONFIG } from './iis-web-config.js';

let webroot: TempDir;
beforeEach(async () => {
  webroot = await makeTempDir('acmapi-webroot-');
});
afterEach(async () => {
  await webroot.cleanup();
});

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('deployWebroot', () => {
  it('writes exactly the signfile bytes, without BOM or added newline, and removes only what it wrote', async () => {
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: '\uFEFFtoken-1\nline 2' });
    expect(deployed.path).toBe(join(webroot.path, '.well-known', 'pki-validation', 'signfile'));
    expect(await readFile(deployed.path)).toEqual(Buffer.from('token-1\nline 2'));
    expect(await exists(join(webroot.path, '.well-known', 'pki-validation', '.acmapi.lock'))).toBe(true);
    await deployed.remove();
    expect(await readdir(webroot.path)).toEqual([]);
  });

  it('keeps folders that existed and files of others', async () => {
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'other.txt'), 'keep');
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'abc' });
    await deployed.remove();
    expect(await readdir(dir)).toEqual(['other.txt']);
  });

  it('does not delete a signfile that changed since (someone else\'s now)', async () => {
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'abc' });
    await writeFile(deployed.path, 'replaced by the admin');
    await deployed.remove();
    expect(await readFile(deployed.path, 'utf8')).toBe('replaced by the admin');
  });

  it('a second run on the same webroot waits for the lock, then fails with DEPLOY_LOCKED', async () => {
    const first = await deployWebroot(webroot.path, { name: 'signfile', content: 'first' });
    const second = deployWebroot(webroot.path, { name: 'signfile', content: 'second' }, { lockWaitMs: 300 });
    await expect(second).rejects.toThrow(DeployError);
    await expect(second).rejects.toMatchObject({ code: 'DEPLOY_LOCKED', message: expect.stringContaining(`process ${process.pid} on ${hostname()}`) as unknown });
    expect(await readFile(first.path, 'utf8')).toBe('first');
    await first.remove();
    const third = await deployWebroot(webroot.path, { name: 'signfile', content: 'third' }, { lockWaitMs: 300 });
    expect(await readFile(third.path, 'utf8')).toBe('third');
    await third.remove();
  });

  it('takes over the stale lock of a dead process', async () => {
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    // A real process that has exited: its pid is dead.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, '.acmapi.lock'), JSON.stringify({ pid: dead, hostname: hostname(), token: 'old' }));
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'x' }, { lockWaitMs: 200 });
    expect(await readFile(deployed.path, 'utf8')).toBe('x');
    await deployed.remove();
    expect(await exists(join(dir, '.acmapi.lock'))).toBe(false);
  });

  it('with iis writes the web.config and removes it again', async () => {
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'x' }, { iis: true });
    expect(deployed.webConfigPath).toBeDefined();
    expect(await readFile(deployed.webConfigPath ?? '', 'utf8')).toBe(IIS_WEB_CONFIG);
    await deployed.remove();
    expect(await readdir(webroot.path)).toEqual([]);
  });

  it('refuses a foreign web.config with DEPLOY_WEB_CONFIG_EXISTS and leaves nothing behind', async () => {
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'web.config'), '<configuration/>');
    await expect(deployWebroot(webroot.path, { name: 'signfile', content: 'x' }, { iis: true })).rejects.toMatchObject({ code: 'DEPLOY_WEB_CONFIG_EXISTS' });
    expect((await readdir(dir)).sort()).toEqual(['web.config']);
  });

  it('rejects a name that would leave the folder, and a missing webroot', async () => {
    await expect(deployWebroot(webroot.path, { name: '../x', content: 'x' })).rejects.toThrow(OptionsError);
    await expect(deployWebroot(join(webroot.path, 'nope'), { name: 'signfile', content: 'x' })).rejects.toMatchObject({ code: 'DEPLOY_FAILED' });
  });

  it('issue --webroot keeps a signfile that was already in the webroot', async () => {
    // Many platforms keep their signfile there permanently: it is the same for every domain.
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'signfile');
    await writeFile(path, 'token-1', { mode: 0o640 });
    const before = await stat(path);
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'token-1' });
    expect(deployed.previous).toBe('same');
    await deployed.remove();
    const after = await stat(path);
    expect(await readFile(path, 'utf8')).toBe('token-1');
    expect([after.ino, after.mode, after.mtimeMs]).toEqual([before.ino, before.mode, before.mtimeMs]);
    expect(await readdir(dir)).toEqual(['signfile']);
  });

  it('puts back exactly a signfile with other content: content, mode, owner and time', async () => {
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'signfile');
    await writeFile(path, 'old-token', { mode: 0o600 });
    await utimes(path, new Date('2029-01-01T00:00:00Z'), new Date('2029-01-02T00:00:00Z'));
    if (process.getuid?.() === 0) await chown(path, 65534, 65534);
    const before = await stat(path);
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'new-token' });
    expect(deployed.previous).toBe('different');
    expect(await readFile(path, 'utf8')).toBe('new-token');
    expect((await stat(path)).mode & 0o7777).toBe(0o644);
    await deployed.remove();
    const after = await stat(path);
    expect(await readFile(path, 'utf8')).toBe('old-token');
    expect([after.mode & 0o7777, after.uid, after.gid, after.mtimeMs]).toEqual([0o600, before.uid, before.gid, before.mtimeMs]);
    expect(await readdir(dir)).toEqual(['signfile']);
  });

  it('puts back a signfile that was a symbolic link, as the link', async () => {
    const dir = join(webroot.path, '.well-known', 'pki-validation');
    await mkdir(dir, { recursive: true });
    await writeFile(join(webroot.path, 'shared-signfile'), 'old-token');
    const path = join(dir, 'signfile');
    await symlink('../../shared-signfile', path);
    const deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'new-token' });
    expect(await readFile(path, 'utf8')).toBe('new-token');
    await deployed.remove();
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe('../../shared-signfile');
    expect(await readFile(join(webroot.path, 'shared-signfile'), 'utf8')).toBe('old-token');
    expect(await readdir(dir)).toEqual(['signfile']);
  });

  it('creates folders 0755 and the signfile 0644 whatever the umask', async () => {
    const before = process.umask(0o077);
    let deployed;
    try {
      deployed = await deployWebroot(webroot.path, { name: 'signfile', content: 'x' });
    } finally {
      process.umask(before);
    }
    const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o7777;
    expect(await modeOf(join(webroot.path, '.well-known'))).toBe(0o755);
    expect(await modeOf(join(webroot.path, '.well-known', 'pki-validation'))).toBe(0o755);
    expect(await modeOf(deployed.path)).toBe(0o644);
    await deployed.remove();
  });
});
