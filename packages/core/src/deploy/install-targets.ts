/**
 * Install targets (issue 10, deployment, source §1.1): copies of the live certificate and
 * key at the paths a web server reads — key, cert, chain, fullchain, and the key and
 * fullchain in one PEM for HAProxy — each replaced atomically, with the owner and mode asked
 * for, and a private key keeping the group and group-read bit of the key it replaces
 * (certbot does this for its own key files since 0.29, `compute_private_key_mode` and
 * `copy_ownership_and_apply_mode` in certbot/compat/filesystem.py).
 */
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { chmod, chown } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { DeployError, OptionsError, isAcmApiError } from '../errors/errors.js';
import { commitStaged, discardStaged, stageFile, syncDirectory, type StagedFile } from '../store/write-atomic.js';
import { resolveOwner, type FileOwner } from './file-owner.js';

/**
 * Where to install a certificate's files, and how. Every path absolute; each one is
 * optional. (The same shape as the remembered settings' `install`.)
 */
export interface InstallTargets {
  /** The private key (PEM). */
  key?: string | undefined;
  /** The certificate alone (PEM). */
  cert?: string | undefined;
  /** The CA certificates that link it to a root, without the certificate (PEM; empty when the CA sent none). */
  chain?: string | undefined;
  /** The certificate followed by the chain (PEM). */
  fullchain?: string | undefined;
  /**
   * The fullchain followed by the private key in one PEM, as HAProxy's `crt` reads it
   * ("a PEM file containing both the required certificates and any associated private
   * keys … e.g. cat cert.pem key.pem > combined.pem", HAProxy configuration manual, bind
   * option `crt`). The certificate comes first because HAProxy (OpenSSL) takes the first
   * certificate of the file as the server's and the following ones as its chain; the key
   * may be anywhere.
   */
  combined?: string | undefined;
  /**
   * Owner of every written file: `USER`, `USER:GROUP`, `:GROUP` or `USER:` (the user's login
   * group), names or numeric ids, as chown(1). Names are looked up in /etc/passwd and
   * /etc/group, then with getent. Giving a user needs root (or CAP_CHOWN).
   * @default the process's user; a key file keeps the group of the one it replaces
   */
  owner?: string | undefined;
  /**
   * Permission bits of every written file (0–0o777), applied exactly whatever the umask.
   * @default 0o600 for the files holding the private key (key, combined), plus the group-read
   *   bit of the key file it replaces; 0o644 for the others
   */
  mode?: number | undefined;
}

/** What to install: the live version's files (PEM text). */
export interface InstallFiles {
  /** The private key; `undefined` for a certificate applied for with a CSR alone. */
  privateKeyPem: string | undefined;
  certPem: string;
  chainPem: string;
  fullchainPem: string;
}

/** What {@link installTargets} did, by target path as given. */
export interface InstallResult {
  /** Paths whose content (or, with an explicit `owner`/`mode`, whose owner or mode) changed. */
  written: string[];
  /** Paths that already held exactly this content, left untouched (not even their times change). */
  unchanged: string[];
}

/** Options of {@link installTargets}. */
export interface InstallTargetsOptions {
  /**
   * A previous private key file whose group and group-read bit a key-bearing target takes
   * when nothing exists yet at its own path (e.g. the store's previous `privkey.pem`).
   */
  previousKeyPath?: string;
}

/** Every install target kind, in the order {@link installTargets} writes them. */
export const INSTALL_TARGET_KINDS = ['key', 'cert', 'chain', 'fullchain', 'combined'] as const;
const KEY_BEARING: ReadonlySet<InstallTargetKind> = new Set(['key', 'combined']);

/** Mode of files holding the private key when none is given (owner read/write only). */
const KEY_MODE = 0o600;
/** Mode of the public files when none is given. */
const PUBLIC_MODE = 0o644;
/** The group-read bit, kept from the previous key file (certbot ≥ 0.29). */
const GROUP_READ = 0o040;

function withNewline(pem: string): string {
  return pem === '' || pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** Which install target: `key`, `cert`, `chain`, `fullchain` or `combined`. */
export type InstallTargetKind = (typeof INSTALL_TARGET_KINDS)[number];

/** One file {@link installTargets} writes. */
export interface PlannedInstallTarget {
  readonly kind: InstallTargetKind;
  /** The target path, as given. */
  readonly path: string;
  /** The PEM text to write. */
  readonly content: string;
  /** Whether it holds the private key (key, combined). */
  readonly keyBearing: boolean;
}

/**
 * Checks the targets and computes each file's content; pure, no I/O. A front end may call it
 * before applying, to refuse a key target for a CSR-only certificate up front.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` (option `install.KIND` or `install.mode`) for a
 *   relative path, two targets at one path, or a mode outside 0–0o777.
 * @throws {DeployError} `DEPLOY_KEY_MISSING` when a key or combined target is asked for
 *   and there is no private key.
 */
export function planInstallTargets(targets: InstallTargets, files: InstallFiles): PlannedInstallTarget[] {
  if (targets.mode !== undefined && !(Number.isInteger(targets.mode) && targets.mode >= 0 && targets.mode <= 0o777)) {
    throw new OptionsError(`The install mode ${String(targets.mode)} is not a permission mode between 000 and 777 (octal).`, {
      option: 'install.mode',
      hint: 'Give the permission bits in octal, e.g. 640.',
    });
  }
  const planned: PlannedInstallTarget[] = [];
  const seen = new Map<string, InstallTargetKind>();
  for (const kind of INSTALL_TARGET_KINDS) {
    const path = targets[kind];
    if (path === undefined) continue;
    if (!isAbsolute(path)) {
      throw new OptionsError(`The ${kind} install target "${path}" is not an absolute path.`, { option: `install.${kind}`, hint: 'Give the full path of the file.' });
    }
    const other = seen.get(path);
    if (other !== undefined) {
      throw new OptionsError(`The ${other} and ${kind} install targets are the same file, ${path}.`, { option: `install.${kind}`, hint: 'Give each install target its own file.' });
    }
    seen.set(path, kind);
    const keyBearing = KEY_BEARING.has(kind);
    if (keyBearing && files.privateKeyPem === undefined) {
      throw new DeployError('DEPLOY_KEY_MISSING', `The ${kind} install target ${path} needs the private key, and this certificate has none (it was applied for with a CSR alone).`, {
        path,
        hint: 'Install only the certificate files for it, or apply with a private key that is kept with the certificate.',
      });
    }
    const key = withNewline(files.privateKeyPem ?? '');
    const content =
      kind === 'key' ? key : kind === 'cert' ? withNewline(files.certPem) : kind === 'chain' ? withNewline(files.chainPem) : kind === 'fullchain' ? withNewline(files.fullchainPem) : withNewline(files.fullchainPem) + key;
    planned.push({ kind, path, content, keyBearing });
  }
  return planned;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The file to replace: a symbolic link at the target is followed, so a layout of links stays as it is. */
async function resolveTarget(path: string): Promise<string> {
  const link = await lstat(path).catch(() => undefined);
  if (link?.isSymbolicLink() !== true) return path;
  // A dangling link: write its own path (the link is replaced by the file).
  return realpath(path).catch(() => path);
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'EACCES';
}

/**
 * One target made ready to change without touching it: new content staged beside it, or an
 * owner/mode to bring in line in place, or nothing to do.
 */
interface PreparedTarget {
  readonly target: PlannedInstallTarget;
  /** The new file, waiting to be renamed over the target. */
  readonly staged?: StagedFile;
  /** Same content, but an explicit owner or mode differs: changed in place (the inode stays). */
  readonly adjust?: { readonly path: string; readonly before: Stats; readonly chown: boolean; readonly mode: number | undefined };
}

/** Stages one planned file (or notes the owner/mode to bring in line); touches no target. */
async function prepareOne(target: PlannedInstallTarget, owner: FileOwner, explicitMode: number | undefined, previousKeyPath: string | undefined): Promise<PreparedTarget> {
  const path = await resolveTarget(target.path);
  const current = await statOrUndefined(path);
  if (current !== undefined && !current.isFile()) {
    throw new DeployError('DEPLOY_INSTALL_FAILED', `The install target ${target.path} exists and is not a file.`, {
      path: target.path,
      hint: 'Give the path of a file, not of a folder or device.',
    });
  }
  const bytes = Buffer.from(target.content, 'utf8');
  if (current?.size === bytes.length && (await readFile(path)).equals(bytes)) {
    // Same content: a not-due run must change nothing. Only an owner or mode asked for
    // explicitly is brought in line (in place; the content stays).
    const chown = (owner.uid !== undefined && owner.uid !== current.uid) || (owner.gid !== undefined && owner.gid !== current.gid);
    // chown(2) may clear set-user/group-id bits, so an explicit mode is set again after it.
    const mode = explicitMode !== undefined && (chown || (current.mode & 0o7777) !== explicitMode) ? explicitMode : undefined;
    return chown || mode !== undefined ? { target, adjust: { path, before: current, chown, mode } } : { target };
  }

  // certbot ≥ 0.29: a new private key takes the group, and the group-read bit, of the key it
  // replaces (here, or the previous key elsewhere), so a service reading it through a group
  // such as ssl-cert keeps reading it after a renewal.
  const previous = target.keyBearing ? (current ?? (previousKeyPath === undefined ? undefined : await statOrUndefined(previousKeyPath))) : undefined;
  const keptGid = owner.gid === undefined ? previous?.gid : undefined;
  const baseMode = target.keyBearing ? KEY_MODE : PUBLIC_MODE;
  const stage = (gid: number | undefined, groupRead: boolean): Promise<StagedFile> =>
    stageFile(path, bytes, {
      mode: explicitMode ?? (groupRead ? baseMode | GROUP_READ : baseMode),
      ...(owner.uid === undefined ? {} : { uid: owner.uid }),
      ...(gid === undefined ? {} : { gid }),
    });
  if (keptGid === undefined) return { target, staged: await stage(owner.gid, false) };
  try {
    return { target, staged: await stage(keptGid, ((previous?.mode ?? 0) & GROUP_READ) !== 0) };
  } catch (error) {
    if (!isPermissionError(error) || owner.uid !== undefined) throw error;
    // Not root and not a member of that group: the group cannot be kept, and then neither may
    // the group-read bit (it would open the key to this process's own group instead).
    return { target, staged: await stage(undefined, false) };
  }
}

/** Brings an unchanged file's owner and mode in line, in place. */
async function adjustOne(adjust: NonNullable<PreparedTarget['adjust']>, owner: FileOwner): Promise<void> {
  if (adjust.chown) await chown(adjust.path, owner.uid ?? -1, owner.gid ?? -1);
  if (adjust.mode !== undefined) await chmod(adjust.path, adjust.mode);
}

/** Puts an adjusted file's owner and mode back as they were (best effort: it was just changed by this process). */
async function revertAdjust(adjust: NonNullable<PreparedTarget['adjust']>): Promise<void> {
  try {
    if (adjust.chown) await chown(adjust.path, adjust.before.uid, adjust.before.gid);
    await chmod(adjust.path, adjust.before.mode & 0o7777);
  } catch {
    // Nothing more can be done; the content is the same either way.
  }
}

/** The typed error for a target that could not be prepared or put in place. */
function installFailed(target: PlannedInstallTarget, error: unknown, written: readonly string[] = []): DeployError {
  const code = (error as NodeJS.ErrnoException).code;
  const already = written.length === 0 ? '' : ` The install targets ${written.join(', ')} were already changed; the others still hold their previous files.`;
  return new DeployError('DEPLOY_INSTALL_FAILED', `The ${target.kind} install target ${target.path} could not be written (${code ?? (error as Error).message}).${already}`, {
    cause: error,
    path: target.path,
    written,
    hint:
      (written.length === 0 ? '' : 'The installed files may not belong together until the next install succeeds. ') +
      (code === 'ENOENT'
        ? 'Create the folder of the install target first.'
        : code === 'ENOTDIR'
          ? 'A part of the folder of the install target is a file, not a folder: give a path inside a folder.'
          : isPermissionError(error)
            ? 'Check that this user may write into the folder of the install target, and may give the owner asked for.'
            : 'Check the folder of the install target and the free disk space.'),
  });
}

/**
 * Installs a certificate's files into its install targets: for each target given, the file
 * is replaced atomically (a temporary file in the same folder, fsynced, given its owner and
 * mode, renamed over the target, then the folder fsynced), so a web server reloading at any
 * moment reads the old file or the new one, whole. A file that already holds exactly this
 * content is not written at all, so a run with nothing new changes no file (not even its
 * modification time); with an explicit `owner` or `mode`, its owner and mode are brought in
 * line in place.
 *
 * The targets change all together or not at all, so a key never goes ahead of its
 * certificate (a web server would refuse the pair, e.g. nginx's "key values mismatch"): every
 * changed file is first staged beside its target (written, fsynced, given its owner and mode)
 * and only when all were staged are the in-place owner/mode changes made and the staged files
 * renamed over their targets, then the folders fsynced. When a file cannot be staged (or an
 * owner/mode not changed), every staged file is removed and owner/mode changes already made
 * are put back: no target changes. Only a rename failing midway (rare: each is within one
 * folder) leaves the earlier targets replaced; the error then names them in `written`.
 *
 * The folders must exist. A symbolic link at a target path is followed: the file it points
 * at is replaced.
 *
 * Ownership and mode: `mode` is applied exactly, whatever the umask. Without `mode`, the
 * files holding the private key get 0600 and the others 0644. Without a group in `owner`, a
 * new key (key or combined target) takes the group and the group-read bit of the file it
 * replaces — or, when there is none yet, of `options.previousKeyPath` — as certbot does
 * since 0.29 (only the group and group-read bit are kept; certbot also keeps group write and
 * other-read). When this process may not give that group (not root, not a member), the key is
 * written with neither.
 *
 * @param targets - paths (absolute), owner and mode; see {@link InstallTargets}.
 * @param files - the live version's PEM files.
 * @returns the target paths written and those left unchanged, each in the order key, cert,
 *   chain, fullchain, combined.
 * @throws {OptionsError} `OPTIONS_INVALID` for a relative path, two targets at one path, a
 *   mode outside 0–0o777, or a malformed owner (nothing is written).
 * @throws {DeployError} `DEPLOY_KEY_MISSING` when a key or combined target is asked for and
 *   there is no private key (nothing is written); `DEPLOY_OWNER_UNKNOWN` for an owner name
 *   this system does not know (nothing is written); `DEPLOY_INSTALL_FAILED` when a file
 *   cannot be read, written or chowned, with the failing target's `path` — no target
 *   changed, unless a rename failed midway: then `written` lists the targets already changed.
 */
export async function installTargets(targets: InstallTargets, files: InstallFiles, options: InstallTargetsOptions = {}): Promise<InstallResult> {
  const planned = planInstallTargets(targets, files);
  const result: InstallResult = { written: [], unchanged: [] };
  if (planned.length === 0) return result;
  const owner = targets.owner === undefined ? {} : await resolveOwner(targets.owner);

  // 1. Stage: nothing at any target changes yet.
  const prepared: PreparedTarget[] = [];
  const discardAll = (): Promise<unknown> => Promise.all(prepared.map(async (entry) => (entry.staged === undefined ? undefined : discardStaged(entry.staged))));
  for (const target of planned) {
    try {
      prepared.push(await prepareOne(target, owner, targets.mode, options.previousKeyPath));
    } catch (error) {
      await discardAll();
      throw isAcmApiError(error) ? error : installFailed(target, error);
    }
  }

  // 2. Owner/mode of unchanged files, in place; put back if one fails.
  const adjusted: NonNullable<PreparedTarget['adjust']>[] = [];
  for (const { target, adjust } of prepared) {
    if (adjust === undefined) continue;
    try {
      await adjustOne(adjust, owner);
      adjusted.push(adjust);
    } catch (error) {
      for (const done of adjusted.reverse()) await revertAdjust(done);
      await discardAll();
      throw installFailed(target, error);
    }
  }

  // 3. Rename every staged file into place, then make the renames durable.
  const changed = new Set(prepared.filter((entry) => entry.adjust !== undefined).map((entry) => entry.target.path));
  const folders = new Set<string>();
  for (const [index, { target, staged }] of prepared.entries()) {
    if (staged === undefined) continue;
    try {
      await commitStaged(staged);
    } catch (error) {
      await Promise.all(prepared.slice(index).map(async (entry) => (entry.staged === undefined ? undefined : discardStaged(entry.staged))));
      await Promise.all([...folders].map(syncDirectory));
      throw installFailed(target, error, planned.map((entry) => entry.path).filter((path) => changed.has(path)));
    }
    changed.add(target.path);
    folders.add(dirname(staged.path));
  }
  await Promise.all([...folders].map(syncDirectory));

  for (const { target } of prepared) (changed.has(target.path) ? result.written : result.unchanged).push(target.path);
  return result;
}
