import { spawn } from 'node:child_process';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { acquireLock, LOCK_STALE_MS, processExists } from './lock-file.js';

/** The pid of a process that has exited (so no process has it, barring reuse). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('acquireLock', () => {
  it('writes its owner, refuses a second holder with STORE_LOCKED naming the pid, and releases', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const lock = await acquireLock(path, { certificate: 'site' });
      const owner = JSON.parse(await readFile(path, 'utf8')) as { pid: number; hostname: string };
      expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
      const error = await acquireLock(path, { waitMs: 0, certificate: 'site' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'STORE_LOCKED', certificate: 'site' });
      expect((error as Error).message).toContain(`process ${process.pid} on ${hostname()}`);
      await lock.release();
      const again = await acquireLock(path, { waitMs: 0 });
      await again.release();
    });
  });

  it('waits for a holder that releases within the wait', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const first = await acquireLock(path);
      setTimeout(() => void first.release(), 100);
      const second = await acquireLock(path, { waitMs: 5000, retryMs: 10 });
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: second.owner.token });
      await second.release();
    });
  });

  it('a wait ended by the caller\'s signal (Ctrl-C) stops at once with TRANSPORT_ABORTED and leaves the holder\'s lock alone', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const holder = await acquireLock(path);
      const controller = new AbortController();
      setTimeout(() => {
        controller.abort();
      }, 50);
      const waits: [string, number][] = [];
      const waiting = acquireLock(path, { waitMs: 60_000, retryMs: 5_000, signal: controller.signal, onWait: (holder, waitMs) => waits.push([holder, waitMs]) }).catch((caught: unknown) => caught);
      // Measured by the outcome, not by time: a 60 s wait that returned at all was ended by the signal.
      expect(await waiting).toMatchObject({ name: 'TransportError', code: 'TRANSPORT_ABORTED' });
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: holder.owner.token });
      // The wait was announced once, with who holds the lock.
      expect(waits).toStrictEqual([[`process ${process.pid} on ${hostname()} (since ${holder.owner.startedAt})`, 60_000]]);
      // An aborted signal takes no lock even when the lock is free.
      await holder.release();
      expect(await acquireLock(path, { signal: controller.signal }).catch((caught: unknown) => caught)).toMatchObject({ code: 'TRANSPORT_ABORTED' });
      await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  it('takes over a lock whose process on this host is gone', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const pid = await deadPid();
      expect(processExists(pid)).toBe(false);
      await writeFile(path, JSON.stringify({ pid, hostname: hostname(), startedAt: '2030-01-01T00:00:00.000Z', token: 'old' }));
      const lock = await acquireLock(path, { waitMs: 0 });
      expect(lock.owner.pid).toBe(process.pid);
      await lock.release();
    });
  });

  it('keeps a lock held by another host that is fresh', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      await writeFile(path, JSON.stringify({ pid: await deadPid(), hostname: `not-${hostname()}`, startedAt: 'x', token: 't' }));
      await expect(acquireLock(path, { waitMs: 50, retryMs: 10 })).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    });
  });

  it('release does not remove a lock that is no longer ours', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const lock = await acquireLock(path);
      await writeFile(path, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'x', token: 'someone-else' }));
      await lock.release();
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 'someone-else' });
    });
  });

  it('finding 6: takes over a lock from another host once it has not been refreshed for LOCK_STALE_MS, and says so while it waits', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      await writeFile(path, JSON.stringify({ pid: 4242, hostname: 'renew-28391-abcde', startedAt: '2026-01-01T00:00:00.000Z', token: 'pod' }));
      const fresh = await acquireLock(path, { waitMs: 0, certificate: 'site' }).catch((caught: unknown) => caught);
      expect(fresh).toMatchObject({ code: 'STORE_LOCKED' });
      expect((fresh as { hint: string }).hint).toContain('10 minutes');
      const old = new Date(Date.now() - LOCK_STALE_MS - 60_000);
      await utimes(path, old, old);
      const lock = await acquireLock(path, { waitMs: 0 });
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: lock.owner.token, hostname: hostname() });
      await lock.release();
    });
  });

  it('finding 6: a holder touches its lock file while it holds it, so waiters elsewhere do not take it over', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.lock');
      const lock = await acquireLock(path, { refreshMs: 20 });
      const old = new Date(Date.now() - LOCK_STALE_MS - 60_000);
      await utimes(path, old, old);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(Date.now() - (await stat(path)).mtimeMs).toBeLessThan(LOCK_STALE_MS);
      await lock.release();
    });
  });
});
