/**
 * Switching the live version as ONE atomic step: `live` is a symbolic link to
 * `versions/<id>`, replaced by creating a new link under a temporary name and renaming it
 * over `live` (rename(2) is atomic). The top-level `cert.pem`, `privkey.pem`, … are links
 * into `live/`, so all of them change together: no reader ever sees a new certificate
 * with an old key. This is certbot's `live/` → `archive/` scheme, minus its per-file links.
 *
 * Platforms without symbolic links for unprivileged users (Windows without developer
 * mode) are not supported by this module yet.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LINKED_FILES, type CertificatePaths } from './store-layout.js';

/** Atomically makes `path` a symbolic link to `target` (relative), replacing what is there. */
async function replaceWithLink(path: string, target: string, dir: string): Promise<void> {
  const temp = join(dir, `.link.${randomBytes(6).toString('hex')}.tmp`);
  await symlink(target, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

/** The version id `live` points at, or `undefined`. */
export async function liveVersion(paths: CertificatePaths): Promise<string | undefined> {
  const target = await linkTarget(paths.live);
  const match = target === undefined ? null : /^versions\/([^/]+)$/.exec(target);
  return match?.[1];
}

/**
 * Points `live` at version `id` (one atomic rename), then makes sure each top-level file is
 * a link into `live/`. Idempotent: a rerun after a crash completes it.
 */
export async function switchLive(paths: CertificatePaths, id: string): Promise<void> {
  const target = `versions/${id}`;
  if ((await linkTarget(paths.live)) !== target) await replaceWithLink(paths.live, target, paths.dir);
  for (const file of LINKED_FILES) {
    const path = join(paths.dir, file);
    if ((await linkTarget(path)) !== `live/${file}`) await replaceWithLink(path, `live/${file}`, paths.dir);
  }
}

/**
 * Removes temporary files a crash may have left (`.NAME.HEX.tmp` from atomic writes,
 * `.link.HEX.tmp` from link switches) in the certificate folder and its version folders.
 * Only called while holding the certificate's lock, so no writer is using them.
 *
 * @returns how many were removed.
 */
export async function sweepTemporaryFiles(paths: CertificatePaths): Promise<number> {
  const dirs = [paths.dir];
  try {
    for (const entry of await readdir(paths.versions, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(paths.versions, entry.name));
    }
  } catch {
    // No versions yet.
  }
  let removed = 0;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) continue;
      const path = join(dir, name);
      if ((await lstat(path)).isDirectory()) continue;
      await unlink(path);
      removed++;
    }
  }
  return removed;
}
