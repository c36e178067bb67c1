/**
 * Putting the signfile where the CA fetches it: `WEBROOT/.well-known/pki-validation/NAME`
 * (spec §1), for the time of the issuance, and taking it away afterwards.
 */
import { mkdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AcmApiError, DeployError } from '../errors/errors.js';
import { assertSignfileName } from '../preflight/signfile-name.js';
import { writeFileAtomic } from '../store/write-atomic.js';
import { writeIisWebConfig } from './iis-web-config.js';
import type { IisWebConfigResult } from './iis-web-config.js';
import { acquireWebrootLock, WEBROOT_LOCK_NAME } from './webroot-lock.js';
import type { WebrootLock } from './webroot-lock.js';

/** Options of {@link deployWebroot}. */
export interface DeployWebrootOptions {
  /**
   * Also write a `web.config` mapping extensionless files to `text/plain`
   * (IIS serves none by default), see {@link writeIisWebConfig}.
   * @default false
   */
  readonly iis?: boolean;
  /**
   * How long to wait while another run holds the webroot's lock, milliseconds.
   * @default 30000
   */
  readonly lockWaitMs?: number;
}

/** A deployed signfile. */
export interface DeployWebrootResult {
  /** The file written, `WEBROOT/.well-known/pki-validation/NAME`. */
  readonly path: string;
  /** The web.config written with `iis`, when one was created. */
  readonly webConfigPath?: string;
  /**
   * Removes what this call wrote and nothing else: the signfile (only while its
   * content is still ours), the web.config it created, the folders it created
   * (only when empty), and the lock. Safe to call twice.
   */
  remove(): Promise<void>;
}

/** The exact bytes to serve: the content's, less a leading byte-order mark that an editor may have added. */
function signfileBytes(content: string | Uint8Array): Uint8Array {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Creates `dir` when missing; true when this call created it. */
async function ensureDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o755 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Writes exactly the signfile's bytes (no byte-order mark, no added newline)
 * atomically to `WEBROOT/.well-known/pki-validation/NAME`, holding a lock
 * (`.acmapi.lock` in that folder) until `remove()` so that concurrent runs on one
 * webroot do not clobber each other's signfile.
 *
 * @param webroot - the site's document root (must exist).
 * @param signfile - its file name (e.g. `signfile`) and content.
 * @throws {OptionsError} `OPTIONS_INVALID` for a name that is not a plain file name.
 * @throws {DeployError} `DEPLOY_LOCKED` (another run holds the webroot),
 *   `DEPLOY_WEB_CONFIG_EXISTS` (with `iis`), `DEPLOY_FAILED` (missing webroot,
 *   permissions, …; the message names the path).
 */
export async function deployWebroot(
  webroot: string,
  signfile: { readonly name: string; readonly content: string | Uint8Array },
  options: DeployWebrootOptions = {},
): Promise<DeployWebrootResult> {
  assertSignfileName(signfile.name);
  const bytes = signfileBytes(signfile.content);
  const wellKnown = join(webroot, '.well-known');
  const dir = join(wellKnown, 'pki-validation');
  const path = join(dir, signfile.name);
  const created: string[] = [];
  let lock: WebrootLock | undefined;
  let webConfig: IisWebConfigResult | undefined;
  let wrote = false;

  const remove = async (): Promise<void> => {
    if (wrote) {
      wrote = false;
      const now = await readFile(path).catch(() => undefined);
      if (now !== undefined && bytesEqual(now, bytes)) await unlink(path).catch(() => undefined);
    }
    await webConfig?.remove();
    await lock?.release();
    for (const folder of created.splice(0).reverse()) {
      // ENOTEMPTY: someone else put files there meanwhile; they stay, and so does the folder.
      await rmdir(folder).catch(() => undefined);
    }
  };

  try {
    const root = await stat(webroot).catch(() => undefined);
    if (root?.isDirectory() !== true) {
      throw new DeployError('DEPLOY_FAILED', `The webroot ${webroot} does not exist or is not a folder.`, {
        path: webroot,
        hint: "Give the site's document root, the folder its web server serves for the domain.",
      });
    }
    for (const folder of [wellKnown, dir]) if (await ensureDir(folder)) created.push(folder);
    lock = await acquireWebrootLock(join(dir, WEBROOT_LOCK_NAME), options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs });
    await writeFileAtomic(path, bytes, { mode: 0o644 });
    wrote = true;
    if (options.iis === true) webConfig = await writeIisWebConfig(dir);
  } catch (error) {
    await remove();
    if (error instanceof AcmApiError) throw error;
    throw new DeployError('DEPLOY_FAILED', `Could not write the signfile to ${path}: ${(error as Error).message}`, {
      cause: error,
      path,
      hint: 'Check that this user may write into the webroot.',
    });
  }
  return {
    path,
    ...(webConfig?.created === true ? { webConfigPath: webConfig.path } : {}),
    remove,
  };
}
