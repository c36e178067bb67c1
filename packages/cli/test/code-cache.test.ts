/**
 * The code cache of the built command (src/code-cache.ts), through the real binary: the first
 * run of a command writes its cache, later runs take it without writing, a bad or unwritable
 * cache never fails a command, and a new build's cache replaces the old build's. Node 22.1
 * and later use Node's own compile cache instead, so there these tests are skipped.
 */
import module from 'node:module';
import { chmod, mkdir, readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

const nodeHasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe.skipIf(nodeHasCompileCache)('code cache (Node without module.enableCompileCache)', () => {
  let temp: TempDir;
  let cache: string;
  let env: Record<string, string>;
  const list = (): Promise<Awaited<ReturnType<typeof runCli>>> => runCli(['list', '--out', join(temp.path, 'store'), '--json'], env);
  const cacheFiles = async (): Promise<string[]> => (await readdir(join(cache, 'acmapi'))).sort();

  beforeEach(async () => {
    temp = await makeTempDir('acmapi-code-cache-');
    cache = join(temp.path, 'cache');
    env = { XDG_CACHE_HOME: cache };
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('is written by the first run of a command and taken, unchanged, by the next', async () => {
    const first = await list();
    expect(first.code).toBe(0);
    const files = await cacheFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^code-cache-[0-9a-f]{8}-[0-9a-f]{32}-\d+-\d+-v\d+\.\d+\.\d+-[a-z0-9]+\.bin$/);
    const path = join(cache, 'acmapi', files[0] ?? '');
    const before = await stat(path);
    expect(before.size).toBeGreaterThan(10_000);

    const second = await list();
    expect(second).toEqual(first);
    // Rewritten only when V8 rejects it: the same file, not touched.
    expect(await cacheFiles()).toEqual(files);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces a cache V8 rejects (here, garbage) and runs the command all the same', async () => {
    const first = await list();
    const [name = ''] = await cacheFiles();
    await writeFile(join(cache, 'acmapi', name), 'not a V8 code cache');
    expect(await list()).toEqual(first);
    expect((await readFile(join(cache, 'acmapi', name))).length).toBeGreaterThan(10_000);
  });

  it('runs the command when the cache folder cannot be made, and writes nothing when NODE_DISABLE_COMPILE_CACHE is set', async () => {
    const reference = await list();
    // XDG_CACHE_HOME is a file: no folder can be made in it.
    const blocked = join(temp.path, 'a-file');
    await writeFile(blocked, '');
    expect(await runCli(['list', '--out', join(temp.path, 'store'), '--json'], { XDG_CACHE_HOME: blocked })).toEqual(reference);

    const other = join(temp.path, 'other-cache');
    expect(await runCli(['list', '--out', join(temp.path, 'store'), '--json'], { XDG_CACHE_HOME: other, NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(reference);
    await expect(readdir(other)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(process.platform === 'win32')('neither takes nor writes a cache in a folder that other users can write, nor takes a cache file they can', async () => {
    const reference = await list();
    const [name = ''] = await cacheFiles();
    // A good cache file, but one others could have written: not taken (a miss), so replaced
    // by one of ours (were it taken, it would stay as it is).
    await chmod(join(cache, 'acmapi', name), 0o666);
    expect(await list()).toEqual(reference);
    expect((await stat(join(cache, 'acmapi', name))).mode & 0o777).toBe(0o600);

    const shared = join(temp.path, 'shared');
    await mkdir(join(shared, 'acmapi'), { recursive: true });
    await chmod(join(shared, 'acmapi'), 0o777);
    expect(await runCli(['list', '--out', join(temp.path, 'store'), '--json'], { XDG_CACHE_HOME: shared })).toEqual(reference);
    expect(await readdir(join(shared, 'acmapi'))).toEqual([]);
  });

  it("keeps each command's cache, removes an older build's of the same program, and leaves other programs' alone", async () => {
    await list();
    const [listCache = ''] = await cacheFiles();
    const place = /^code-cache-[0-9a-f]{8}-/.exec(listCache)?.[0] ?? '';
    const olderBuild = `${place}${'0'.repeat(32)}-1-1-${process.version}-${process.arch}.bin`;
    const otherPlace = `code-cache-${place === 'code-cache-00000000-' ? '11111111' : '00000000'}-${'0'.repeat(32)}-1-1-${process.version}-${process.arch}.bin`;
    await writeFile(join(cache, 'acmapi', olderBuild), 'old');
    await writeFile(join(cache, 'acmapi', otherPlace), 'theirs');

    // Another command: a cache of its own, and the list program's files untouched.
    expect((await runCli(['check', '--help'], env)).code).toBe(0);
    const withCheck = await cacheFiles();
    expect(withCheck).toHaveLength(4);
    expect(withCheck).toEqual(expect.arrayContaining([listCache, olderBuild, otherPlace]));

    // The list program's cache, written anew, tidies up that program's older build.
    await unlink(join(cache, 'acmapi', listCache));
    await list();
    const files = await cacheFiles();
    expect(files).toContain(listCache);
    expect(files).toContain(otherPlace);
    expect(files).not.toContain(olderBuild);
    expect(files).toHaveLength(3);
  });

  it("removes other copies' caches left for 30 days or beyond the 32 newest when it writes one, and keeps the rest", async () => {
    const folder = join(cache, 'acmapi');
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const other = (i: number): string => `code-cache-${(0xa0000000 + i).toString(16)}-${'0'.repeat(32)}-1-1-${process.version}-${process.arch}.bin`;
    const now = Date.now() / 1000;
    // 40 other copies: #0 written 31 days ago, #1–#39 one minute apart, #39 the newest.
    for (let i = 0; i < 40; i++) {
      await writeFile(join(folder, other(i)), 'theirs');
      const when = i === 0 ? now - 31 * 86_400 : now - (40 - i) * 60;
      await utimes(join(folder, other(i)), when, when);
    }
    await list();
    const files = await cacheFiles();
    const kept = Array.from({ length: 40 }, (_, i) => i).filter((i) => files.includes(other(i)));
    // The 32 newest (#8–#39) stay; #0 (old) and #1–#7 (beyond 32) go; ours is written.
    expect(kept).toEqual(Array.from({ length: 32 }, (_, i) => i + 8));
    expect(files).toHaveLength(33);
  });
});
