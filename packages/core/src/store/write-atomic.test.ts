import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-atomic.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acmapi-write-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file with the given content and leaves no temporary file', async () => {
    const target = join(dir, 'cert.pem');
    await writeFileAtomic(target, '-----BEGIN CERTIFICATE-----\nabc\n');
    expect(await readFile(target, 'utf8')).toBe('-----BEGIN CERTIFICATE-----\nabc\n');
    expect(await readdir(dir)).toEqual(['cert.pem']);
  });

  it('writes bytes unchanged', async () => {
    const target = join(dir, 'blob.der');
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 10, 13]);
    await writeFileAtomic(target, bytes);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it('replaces an existing file whole', async () => {
    const target = join(dir, 'fullchain.pem');
    await writeFile(target, 'old content that is longer than the new one');
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['fullchain.pem']);
  });

  it('gives a private key mode 0600 exactly', async () => {
    const target = join(dir, 'privkey.pem');
    await writeFileAtomic(target, 'secret', { mode: 0o600 });
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('narrows the mode of a file that was world-readable before', async () => {
    const target = join(dir, 'privkey.pem');
    await writeFile(target, 'old', { mode: 0o644 });
    await writeFileAtomic(target, 'new', { mode: 0o600 });
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('fails with ENOENT when the directory does not exist, creating nothing', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'cert.pem'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the temporary file and keeps the target when the rename fails', async () => {
    // A non-empty directory at the target path makes rename() fail after the write.
    const target = join(dir, 'cert.pem');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'keep');
    await expect(writeFileAtomic(target, 'x')).rejects.toHaveProperty('code');
    expect(await readdir(dir)).toEqual(['cert.pem']);
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('keep');
  });

  it.runIf(process.getuid?.() === 0)('gives the new file the uid and gid asked for, with the exact mode', async () => {
    const target = join(dir, 'privkey.pem');
    await writeFileAtomic(target, 'secret', { mode: 0o640, uid: 65534, gid: 65534 });
    const info = await stat(target);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([65534, 65534, 0o640]);
  });

  it('changes only the group when only gid is given', async () => {
    const target = join(dir, 'privkey.pem');
    const gid = process.getgid?.() ?? 0;
    await writeFileAtomic(target, 'secret', { mode: 0o640, gid });
    const info = await stat(target);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([process.getuid?.(), gid, 0o640]);
  });
});
