/**
 * Putting the signfile where the CA fetches it: `WEBROOT/.well-known/pki-validation/NAME`
 * (spec §1), for the time of the issuance, and afterwards leaving the folder as it was:
 * many platforms keep their signfile there permanently (it is the same file for every
 * domain), so a signfile that was there before stays, or is put back exactly.
 */
import { chmod, mkdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AcmApiError, DeployError } from '../errors/errors.js';
import { assertSignfileName } from '../preflight/signfile-name.js';
import { writeFileAtomic } from '../store/write-atomic.js';
import { writeIisWebConfig } from './iis-web-config.js';
import type { IisWebConfigResult } from './iis-web-config.js';
import { acquireWebrootLock, WEBROOT_LOCK_NAME } from './webroot-lock.js';
import { removePlacementNote, undoLeftoverPlacement, writePlacementNote } from './placement-note.js';
import { readPrevious, restorePrevious, type PreviousSignfile } from './previous-signfile.js';
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
  /** Ends a wait for the webroot's lock (Ctrl-C, SIGTERM) with `TransportError` `TRANSPORT_ABORTED`; nothing is written. */
  readonly signal?: AbortSignal | undefined;
}

/** A deployed signfile. */
export interface DeployWebrootResult {
  /** The file written, `WEBROOT/.well-known/pki-validation/NAME`. */
  readonly path: string;
  /** The web.config written with `iis`, when one was created. */
  readonly webConfigPath?: string;
  /**
   * Whether a signfile was already at `path` before this call: `'same'` (with the same
   * content; it was left untouched), `'different'` (it was replaced for the issuance and is
   * put back by `remove()`), or `undefined` (there was none).
   */
  readonly previous?: 'same' | 'different';
  /**
   * Undoes this call and nothing else: a signfile that was there before is put back (content,
   * mode, owner when this process may give it, modification time; a symbolic link as the
   * link); else the signfile is removed. Either only while its content is still ours. Then
   * the web.config it created, the folders it created (only when empty), and the lock.
   * Safe to call twice.
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

/**
 * Creates `dir` when missing, mode 0755 whatever the umask (mkdir's mode is narrowed by it),
 * so a web server running as another user can enter it; true when this call created it.
 */
async function ensureDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
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
 * webroot do not clobber each other's signfile. Folders it creates get mode 0755 and the
 * signfile 0644, whatever the umask, so a web server running as another user can read them.
 *
 * A signfile already at that path with the same content is left untouched (and stays after
 * `remove()`); one with other content is replaced for the issuance and put back by
 * `remove()` (see {@link DeployWebrootResult.remove}). Should this process die before
 * `remove()`, the next call undoes the leftover placement first (see `placement-note.ts`).
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
  let previous: PreviousSignfile | undefined;
  let previousState: 'same' | 'different' | undefined;

  const remove = async (): Promise<void> => {
    if (wrote) {
      wrote = false;
      const now = await readFile(path).catch(() => undefined);
      // Someone changed it meanwhile: theirs now, left as it is.
      if (now !== undefined && bytesEqual(now, bytes)) {
        if (previous === undefined) await unlink(path).catch(() => undefined);
        // remove() runs in a `finally` after the application: it must not throw over its
        // result. A failed restore (the folder turned read-only meanwhile) leaves the CA's
        // signfile in place, which serves the same purpose.
        else await restorePrevious(path, previous).catch(() => undefined);
      }
      await removePlacementNote(path);
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
    lock = await acquireWebrootLock(join(dir, WEBROOT_LOCK_NAME), { ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }), signal: options.signal });
    // A run killed before it put things back left its signfile: undone, not taken for the user's.
    await undoLeftoverPlacement(path);
    previous = await readPrevious(path);
    if (previous !== undefined) {
      const current = previous.kind === 'file' ? previous.bytes : await readFile(path).catch(() => undefined);
      previousState = current !== undefined && bytesEqual(current, bytes) ? 'same' : 'different';
    }
    if (previousState !== 'same') {
      await writePlacementNote(path, bytes, previous);
      await writeFileAtomic(path, bytes, { mode: 0o644 });
      wrote = true;
    }
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
    ...(previousState === undefined ? {} : { previous: previousState }),
    remove,
  };
}
