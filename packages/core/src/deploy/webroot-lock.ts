/**
 * A lock file beside the signfile: the file name is fixed
 * (`.well-known/pki-validation/NAME`), so two runs deploying into one webroot at
 * once would overwrite and then delete each other's signfile.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DeployError } from '../errors.js';

/** The lock file's name, in the `pki-validation` folder. */
export const WEBROOT_LOCK_NAME = '.acmapi.lock';

/** Options of {@link acquireWebrootLock}. */
export interface WebrootLockOptions {
  /**
   * How long to wait for another run's lock, milliseconds.
   * @default 30000
   */
  readonly waitMs?: number;
  /**
   * Pause between attempts, milliseconds.
   * @default 100
   */
  readonly pollMs?: number;
}

/** A held lock. */
export interface WebrootLock {
  readonly path: string;
  /** Releases the lock (only if the file is still this lock). Safe to call twice. */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
}

/** Whether a process of this machine is alive (EPERM: alive, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, hostname: parsed.hostname, token: parsed.token };
    }
  } catch {
    // unreadable or half-written: treated as held, until the wait runs out
  }
  return undefined;
}

/**
 * Takes the lock file at `path` (exclusive create, holding pid and host name).
 * A lock of a dead process on this host is stale and taken over; a live one is
 * waited for up to `waitMs`.
 *
 * @throws {DeployError} `DEPLOY_LOCKED` naming the holder (pid and host) and the lock
 *   file to delete if no run is active; `DEPLOY_FAILED` for another file system error.
 */
export async function acquireWebrootLock(path: string, options: WebrootLockOptions = {}): Promise<WebrootLock> {
  const waitMs = options.waitMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: 'wx', mode: 0o644 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DeployError('DEPLOY_FAILED', `Could not create the lock file ${path}: ${(error as Error).message}`, { cause: error, path });
      }
    }
    const holder = await readOwner(path);
    if (holder?.hostname === owner.hostname && !processAlive(holder.pid)) {
      // Stale: its process died without releasing it. unlink may race another taker; the wx create decides.
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder === undefined ? 'another run' : `process ${holder.pid} on ${holder.hostname}`;
      throw new DeployError(
        'DEPLOY_LOCKED',
        `The webroot is locked by ${who} (lock file ${path}), which is deploying a signfile there; waited ${waitMs} ms. Wait for it to finish, or delete the lock file if no acmapi run is active.`,
        { path },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  let released = false;
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      const holder = await readOwner(path);
      if (holder?.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}
