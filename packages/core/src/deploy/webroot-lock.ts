/**
 * A lock file beside the signfile: the file name is fixed
 * (`.well-known/pki-validation/NAME`), so two runs deploying into one webroot at
 * once would overwrite and then delete each other's signfile. The locking itself is
 * the store's mechanism ({@link acquireLock}); only the error differs.
 */
import { DeployError, isAcmApiError } from '../errors/errors.js';
import { acquireLock } from '../store/lock-file.js';

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
  /** Ends the wait (Ctrl-C, SIGTERM) with `TransportError` `TRANSPORT_ABORTED`; no lock is taken. */
  readonly signal?: AbortSignal | undefined;
}

/** A held lock. */
export interface WebrootLock {
  readonly path: string;
  /** Releases the lock (only if the file is still this lock). Safe to call twice. */
  release(): Promise<void>;
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
  try {
    const held = await acquireLock(path, {
      waitMs,
      retryMs: options.pollMs ?? 100,
      signal: options.signal,
      lockedError: (holder) =>
        new DeployError(
          'DEPLOY_LOCKED',
          `The webroot is locked by ${holder} (lock file ${path}), which is deploying a signfile there; waited ${waitMs} ms.`,
          { path, hint: `Wait for it to finish; if nothing deploys into this webroot any more, delete ${path}.`, retryable: true },
        ),
    });
    return { path, release: () => held.release() };
  } catch (error) {
    if (isAcmApiError(error)) throw error;
    throw new DeployError('DEPLOY_FAILED', `Could not create the lock file ${path}: ${(error as Error).message}`, {
      cause: error,
      path,
      hint: 'Check that this user may write into the webroot.',
    });
  }
}
