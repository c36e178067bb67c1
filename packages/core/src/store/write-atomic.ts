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
  /**
   * Numeric user id to give the new file (`chown`), applied to the temporary file before it
   * is renamed into place, so the file never appears under its name with the wrong owner.
   * Changing the user needs privileges (root, or CAP_CHOWN).
   * @default the process's user
   */
  uid?: number;
  /**
   * Numeric group id to give the new file, applied like {@link uid}. An unprivileged process
   * may only give a group it is a member of.
   * @default the process's group (or the directory's, on filesystems that inherit it)
   */
  gid?: number;
}

/** Mode of new files when none is given; the umask then applies, as with `fs.writeFile`. */
const DEFAULT_MODE = 0o666;

/**
 * Writes `data` to `path` atomically: a temporary file is created in the same
 * directory with `mode` (exclusive create), written, fsynced, renamed over the
 * target, and then the directory is fsynced so the rename itself survives a crash.
 * With `uid`/`gid` the temporary file is chowned before the rename as well. On any failure
 * the temporary file is removed and the target is left untouched.
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
  const chown = options.uid !== undefined || options.gid !== undefined;
  // With an exact mode still to come, group and others get nothing while the group is the
  // process's: a key meant for another group must not be readable by this one even for a moment.
  const handle = await open(temp, 'wx', chown && options.mode !== undefined ? mode & 0o700 : mode);
  try {
    try {
      await handle.writeFile(data);
      // chown before chmod: chown(2) may clear set-user/group-id bits.
      if (chown) await handle.chown(options.uid ?? -1, options.gid ?? -1);
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
