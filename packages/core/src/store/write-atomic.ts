/**
 * Atomic file writes: a reader sees the old file or the whole new one, never a
 * half-written certificate or key, even when the process dies mid-write.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withPath } from './fs-errors.js';

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
 * A new file written, fsynced and given its owner and mode under a temporary name beside its
 * target, waiting to be renamed over it ({@link stageFile}).
 */
export interface StagedFile {
  /** The target file it replaces. */
  readonly path: string;
  /** The temporary file, in the target's directory (so the rename is atomic). */
  readonly temp: string;
}

/**
 * The first half of an atomic write: creates a temporary file in `path`'s directory with
 * `mode` (exclusive create), writes `data`, gives it `uid`/`gid` and the exact mode, and
 * fsyncs it; the target itself is not touched. Put it in place with {@link commitStaged}
 * or remove it with {@link discardStaged}. Several files staged first and committed only
 * when all were staged change all of them or none (short of a failing rename).
 *
 * @param path - the target file; its directory must exist.
 * @param data - the bytes, or a string written as UTF-8.
 * @throws the underlying `NodeJS.ErrnoException` (`ENOENT`, `ENOTDIR`, `EACCES`, `EPERM`,
 *   `ENOSPC`, …); the temporary file is then removed.
 */
export async function stageFile(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<StagedFile> {
  const mode = options.mode ?? DEFAULT_MODE;
  // Dot-prefixed and random, so it neither collides with a concurrent writer nor
  // looks like a finished file to someone listing the directory. node:crypto is taken on
  // first use: modules that only read the store (its listing) start without it.
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
  } catch (error) {
    await discardStaged({ path, temp });
    // A failed write or fsync on a handle (ENOSPC, EIO) carries no path: name the target.
    throw withPath(error, path, 'write');
  }
  return { path, temp };
}

/**
 * Renames a staged file over its target (atomic: a reader sees the old file or the new one).
 * The directory is not fsynced here: call {@link syncDirectory} once per directory after the
 * last rename. On failure the temporary file stays; remove it with {@link discardStaged}.
 *
 * @throws the underlying `NodeJS.ErrnoException` of rename(2).
 */
export async function commitStaged(staged: StagedFile): Promise<void> {
  await rename(staged.temp, staged.path);
}

/** Removes a staged file's temporary file; never throws (it may already be gone). */
export async function discardStaged(staged: StagedFile): Promise<void> {
  await unlink(staged.temp).catch(() => undefined);
}

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
  const staged = await stageFile(path, data, options);
  try {
    await commitStaged(staged);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** fsyncs a directory so a rename in it is durable; some platforms cannot, which is fine (never throws). */
export async function syncDirectory(dir: string): Promise<void> {
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
