/**
 * What was at the signfile's path before a placement, and putting it back exactly: a file with
 * its bytes, mode, owner (when this process may give it) and times, or a symbolic link as the
 * link. Shared by `deployWebroot`'s own undo and by the placement note a killed run leaves.
 */
import { lstat, readFile, readlink, rename, symlink, unlink, utimes } from 'node:fs/promises';
import { writeFileAtomic } from '../store/write-atomic.js';

/** A file's metadata as it is put back: permission bits, owner, access and modification times (ms since the epoch). */
export interface PreviousFileMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
}

/** What was at the signfile's path: a file (its bytes and metadata) or a symbolic link. */
export type PreviousSignfile = { readonly kind: 'file'; readonly bytes: Uint8Array; readonly meta: PreviousFileMeta } | { readonly kind: 'link'; readonly target: string };

/** Reads what is at `path`, or `undefined` when nothing is. */
export async function readPrevious(path: string): Promise<PreviousSignfile | undefined> {
  const info = await lstat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return undefined;
  if (info.isSymbolicLink()) return { kind: 'link', target: await readlink(path) };
  const meta = { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, atimeMs: info.atimeMs, mtimeMs: info.mtimeMs };
  return { kind: 'file', bytes: await readFile(path), meta };
}

/** Puts `previous` back at `path`, replacing what is there in one rename. */
export async function restorePrevious(path: string, previous: PreviousSignfile): Promise<void> {
  if (previous.kind === 'link') {
    const temp = `${path}.${process.pid}.acmapi-link.tmp`;
    await unlink(temp).catch(() => undefined);
    await symlink(previous.target, temp);
    await rename(temp, path);
    return;
  }
  const { meta } = previous;
  try {
    await writeFileAtomic(path, previous.bytes, { mode: meta.mode, uid: meta.uid, gid: meta.gid });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    // Not root: this process's own user and group, with the file's mode as it was.
    await writeFileAtomic(path, previous.bytes, { mode: meta.mode });
  }
  await utimes(path, meta.atimeMs / 1000, meta.mtimeMs / 1000).catch(() => undefined);
}
