import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { acquireWebrootLock } from './webroot-lock.js';

describe('acquireWebrootLock', () => {
  it('records pid and host name, and hands over to a waiter when released', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.acmapi.lock');
      const first = await acquireWebrootLock(path);
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
      const order: string[] = [];
      const second = acquireWebrootLock(path, { waitMs: 5_000, pollMs: 10 }).then((lock) => {
        order.push('second acquired');
        return lock;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('first released');
      await first.release();
      await (await second).release();
      expect(order).toEqual(['first released', 'second acquired']);
    });
  });

  it('waits for a live holder on another host, then fails naming it', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.acmapi.lock');
      await writeFile(path, JSON.stringify({ pid: 1, hostname: 'other-host', token: 't' }));
      await expect(acquireWebrootLock(path, { waitMs: 50, pollMs: 10 })).rejects.toMatchObject({
        code: 'DEPLOY_LOCKED',
        message: expect.stringContaining('process 1 on other-host') as unknown,
      });
    });
  });

  it('release leaves a lock that is no longer its own', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '.acmapi.lock');
      const lock = await acquireWebrootLock(path);
      await writeFile(path, JSON.stringify({ pid: 1, hostname: 'other-host', token: 'someone else' }));
      await lock.release();
      expect(await readFile(path, 'utf8')).toContain('someone else');
    });
  });
});
