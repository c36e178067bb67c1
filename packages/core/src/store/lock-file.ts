/**
 * One process at a time on a resource (a certificate in the store, a webroot's signfile):
 * an exclusive lock file created with `wx` (O_EXCL), holding the owner's pid, host name
 * and start time.
 *
 * - A second process waits up to `waitMs`, then fails (by default with `STORE_LOCKED`)
 *   naming the owner.
 * - A lock left by a crashed process is recognised: its host is this host and its pid no
 *   longer exists. Breaking it happens under a short-lived second lock (`.lock.break`) and
 *   only if the file still holds the same owner token, so two processes that both see a
 *   stale lock cannot remove each other's fresh one.
 * - A lock from another host (a container or CronJob pod gets a new host name on every run,
 *   so its owner never comes back) is judged by its age instead, as its pid means nothing
 *   here: the holder touches the lock file every {@link LOCK_REFRESH_MS} while it holds it,
 *   and a lock from another host untouched for {@link LOCK_STALE_MS} is stale. Node has no
 *   flock(2), and a lock the kernel releases with the process would not reach other hosts
 *   over NFS anyway, so an age it is: an OOM-killed run blocks its certificate for at most
 *   that long, not forever.
 * - On a read-only file system (`EROFS`) no process can change the resource, so reading it
 *   needs no lock: the lock is granted without a file ({@link HeldLock.readOnly}), and any
 *   write the holder then tries fails with `EROFS` naming its file. A run with nothing to
 *   write (a certificate not yet due) thus still answers.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../errors/errors.js';
import { stopIfAborted } from '../lifecycle/stop-if-aborted.js';
import { makeDirectory, withPath } from './fs-errors.js';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO 8601 time the lock was taken. */
  startedAt: string;
  /** Random, to tell this lock from a later one of the same pid. */
  token: string;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /**
   * How long to wait for another process to release the lock, in milliseconds; 0 fails at once.
   * @default 10_000
   */
  waitMs?: number;
  /**
   * How often to look again while waiting, in milliseconds.
   * @default 100
   */
  retryMs?: number;
  /** The certificate's name, for messages. */
  certificate?: string;
  /**
   * Ends the wait (Ctrl-C, SIGTERM): it stops with the error of an aborted run, and no lock is
   * taken. A lock already taken is the caller's to release.
   */
  signal?: AbortSignal | undefined;
  /** Called once, when the lock is found held and the wait begins: who holds it (e.g. "process 42 on host-a (since …)") and the wait, in milliseconds. */
  onWait?: ((holder: string, waitMs: number) => void) | undefined;
  /** Clock for `startedAt`. @default () => new Date() */
  now?: () => Date;
  /**
   * The error thrown when the wait runs out, given who holds the lock (e.g. "process 42
   * on host-a (since …)"). @default a {@link StoreError} `STORE_LOCKED` naming the certificate
   */
  lockedError?: (holder: string, waitMs: number) => Error;
  /**
   * How old a lock from another host may grow untouched before it is broken, in milliseconds.
   * @default {@link LOCK_STALE_MS}
   */
  staleMs?: number;
  /**
   * How often the holder touches its lock file, in milliseconds; well below every waiter's
   * `staleMs`. @default {@link LOCK_REFRESH_MS}
   */
  refreshMs?: number;
}

/** A held lock. */
export interface HeldLock {
  readonly owner: LockOwner;
  /** Granted without a lock file because the file system is read-only (`EROFS`). */
  readonly readOnly: boolean;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/** Default wait for a lock held by another process. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

/**
 * 10 minutes: a lock from another host untouched this long is stale. Far above
 * {@link LOCK_REFRESH_MS} (a holder stalled by a busy machine is not robbed) and above any
 * sane clock skew between hosts sharing a store.
 */
export const LOCK_STALE_MS = 10 * 60_000;

/** 30 seconds: how often a holder touches its lock file (its mtime) to show it is alive. */
export const LOCK_REFRESH_MS = 30_000;

/** A break-lock older than this is itself left over from a crash. */
const BREAK_LOCK_STALE_MS = 10_000;

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.token === 'string') {
      return { pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt), token: value.token };
    }
  } catch {
    // A lock file cut short by a crash between create and write: judged by its age below.
  }
  return undefined;
}

/** Whether a process with this pid exists on this host. EPERM means it exists but is someone else's. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<{ owner: LockOwner | undefined; text: string } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    return { owner: parseOwner(text), text };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function isStale(path: string, found: { owner: LockOwner | undefined }, staleMs: number): Promise<boolean> {
  if (found.owner === undefined) {
    // Empty or unparsable: stale only once it is old enough that its writer must be gone.
    return ((await ageMs(path)) ?? 0) > BREAK_LOCK_STALE_MS;
  }
  if (found.owner.hostname === hostname()) return !processExists(found.owner.pid);
  // Another host: its holder touches the file while it lives (see the module comment).
  return ((await ageMs(path)) ?? 0) > staleMs;
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // The folder of a new certificate is removed again by a run that wrote nothing into it.
    if (code === 'ENOENT') {
      await makeDirectory(dirname(path), 0o700);
      return tryCreate(path, content);
    }
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    // Disk full: an empty lock file left behind would hold the certificate until it ages out.
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw withPath(error, path, 'write');
  }
  await handle.close();
  return true;
}

/** Removes `path` if it still holds `text`, under the break-lock. */
async function breakStaleLock(path: string, text: string): Promise<void> {
  const breakPath = `${path}.break`;
  if (!(await tryCreate(breakPath, String(process.pid)))) {
    try {
      if (Date.now() - (await stat(breakPath)).mtimeMs > BREAK_LOCK_STALE_MS) await unlink(breakPath);
    } catch {
      // Someone else is breaking or has just broken it.
    }
    return;
  }
  try {
    const again = await readOwner(path);
    if (again?.text === text) await unlink(path);
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  return owner === undefined
    ? 'another process'
    : `process ${owner.pid} on ${owner.hostname} (since ${owner.startedAt})`;
}

/**
 * Takes the lock file at `path`, waiting a bounded time for another owner to release it.
 *
 * @throws {StoreError} `STORE_LOCKED` when another live process still holds it after
 *   `waitMs`; the message names its pid and host and what to do.
 */
export async function acquireLock(path: string, options: AcquireLockOptions = {}): Promise<HeldLock> {
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const retryMs = options.retryMs ?? 100;
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: (options.now ?? (() => new Date()))().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  const content = `${JSON.stringify(owner)}\n`;
  const deadline = Date.now() + waitMs;
  let waitAnnounced = false;
  for (;;) {
    stopIfAborted(options.signal);
    let created: boolean;
    try {
      created = await tryCreate(path, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EROFS') return { owner, readOnly: true, release: () => Promise.resolve() };
      throw error;
    }
    if (created) break;
    const found = await readOwner(path);
    if (found !== undefined && (await isStale(path, found, staleMs))) {
      await breakStaleLock(path, found.text);
      continue;
    }
    if (!waitAnnounced && Date.now() < deadline) {
      waitAnnounced = true;
      options.onWait?.(describeOwner(found?.owner), waitMs);
    }
    if (Date.now() >= deadline) {
      const who = describeOwner(found?.owner);
      if (options.lockedError !== undefined) throw options.lockedError(who, waitMs);
      throw new StoreError(
        'STORE_LOCKED',
        `Certificate ${options.certificate === undefined ? '' : `"${options.certificate}" `}is locked by ${who} (lock file ${path}); waited ${waitMs} ms.`,
        {
          certificate: options.certificate,
          path,
          hint:
            found?.owner !== undefined && found.owner.hostname !== hostname()
              ? `Let that run finish; a lock from another host is taken over once it has not been refreshed for ${Math.round(staleMs / 60_000)} minutes (if that host is gone for good, remove ${path} now).`
              : `Let that run finish; if nothing works on the certificate there any more, remove ${path}.`,
          retryable: true,
        },
      );
    }
    await sleep(Math.min(retryMs, Math.max(1, deadline - Date.now())), undefined, options.signal === undefined ? {} : { signal: options.signal }).catch((error: unknown) => {
      stopIfAborted(options.signal);
      throw error;
    });
  }
  let released = false;
  // Shows waiters on other hosts that this holder lives; unref'd so it never keeps a process up.
  const refresh = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, options.refreshMs ?? LOCK_REFRESH_MS);
  refresh.unref();
  return {
    owner,
    readOnly: false,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(refresh);
      const found = await readOwner(path);
      if (found?.owner?.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}
