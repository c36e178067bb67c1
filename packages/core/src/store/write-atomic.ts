/**
 * Atomic file writes: a reader sees the old file or the whole new one, never a
 * half-written certificate or key, even when the process dies mid-write.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Permission bits of the new file, applied when the temporary file is created
   * (so a private key is never world-readable, not even for a moment), e.g. `0o600`.
   * The mode is exact: the process umask does not narrow it.
   * @default 0o666 less the process umask, as `fs.writeFile` does
   */
  mode?: number;
}

/** Mode of new files when none is given; the umask then applies, as with `fs.writeFile`. */
const DEFAULT_MODE = 0o666;

/**
 * Writes `data` to `path` atomically: a temporary file is created in the same
 * directory with `mode` (exclusive create), written, fsynced, renamed over the
 * target, and then the directory is fsynced so the rename itself survives a crash.
 * On any failure the temporary file is removed and the target is left untouched.
 *
 * @param path - the target file; its directory must exist.
 * @param data - the bytes, or a string written as UTF-8.
 * @throws the underlying `NodeJS.ErrnoException` (`ENOENT`, `EACCES`, `ENOSPC`, …).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? DEFAULT_MODE;
  const dir = dirname(path);
  // Dot-prefixed and random, so it neither collides with a concurrent writer nor
  // looks like a finished file to someone listing the directory. node:crypto is taken on
  // first use: modules that only read the store (its listing) start without it.
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      // open() applied the umask, which can only narrow; an explicit mode is made
      // exact while the file is not yet visible under its final name.
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** fsyncs a directory so a rename in it is durable; some platforms cannot, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on platforms (Windows, some filesystems) without directory fsync.
  } finally {
    await handle.close();
  }
}
