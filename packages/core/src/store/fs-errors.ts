/**
 * File-system failures that name their file and their true cause. Two gaps in Node this
 * closes (issue 11, finding 11):
 *
 * - a failed `write`/`fsync` on an open handle carries no `path` (so "disk full" named no
 *   file): {@link withPath} adds it;
 * - `mkdir(…, { recursive: true })` reports `ENOENT` on a read-only file system (Node 20)
 *   where `mkdir(2)` says `EROFS` (or `EACCES`): {@link makeDirectory} asks the kernel again
 *   for the first missing folder, so the error says what is really wrong.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `error`, given `path` and `syscall` when it is a Node file error without them (the same
 * object, so its class, `code` and stack stay); anything else unchanged.
 */
export function withPath(error: unknown, path: string, syscall: string): unknown {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string') {
    const errno = error as NodeJS.ErrnoException;
    errno.path ??= path;
    errno.syscall ??= syscall;
  }
  return error;
}

/**
 * `mkdir -p` with the true error: as `mkdir(path, { recursive: true, mode })`, but when that
 * fails with `ENOENT` the first missing folder is made on its own, so a read-only file system
 * fails with `EROFS` and a locked parent with `EACCES`, each naming that folder.
 *
 * @returns the first folder created, or `undefined` when `path` existed (as Node's `mkdir`).
 * @throws the `NodeJS.ErrnoException` of mkdir(2), with `path`.
 */
export async function makeDirectory(path: string, mode: number): Promise<string | undefined> {
  try {
    return await mkdir(path, { recursive: true, mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path;
    for (let parent = dirname(missing); parent !== missing; missing = parent, parent = dirname(parent)) {
      if (await stat(parent).then(() => true, () => false)) break;
    }
    // Throws the kernel's own reason (EROFS, EACCES, ENOTDIR…) when it has one.
    await mkdir(missing, { mode });
    throw error;
  }
}
