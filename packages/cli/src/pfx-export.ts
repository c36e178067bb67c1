/**
 * PKCS#12 (`.pfx`) export of the live certificate for IIS and Java servers.
 *
 * The file belongs to a version: it is written into the live version's folder
 * (`versions/<id>/cert.pfx`, mode 0600) and reached through `STORE/<name>/cert.pfx ->
 * live/cert.pfx`, like the PEM files. So the `.pfx` can never pair a new certificate with an
 * old key: after a renewal made without `--pfx` the link points at nothing until the next run
 * with `--pfx` writes the new version's file. An existing file is kept (also its passphrase).
 */
import { randomBytes } from 'node:crypto';
import { lstat, readFile, readlink, rename, stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { toPkcs12, writeFileAtomic } from '@acmapi/core';
import type { LockedCertificate } from '@acmapi/core';
import { localIo, UsageError } from './cli-errors.js';

/** The `.pfx` file name, in the version folder and at the certificate folder's top level. */
export const PFX_FILE = 'cert.pfx';

/** The pfx flags as commander parsed them. */
export interface PfxFlags {
  pfx?: boolean;
  pfxPassphraseFile?: string;
}

/**
 * The passphrase of `--pfx`: from `--pfx-passphrase-file` (one trailing newline removed),
 * else `ACMAPI_PFX_PASSPHRASE`. Never from a flag's value, which other users see in `ps`.
 *
 * @returns `undefined` without `--pfx`.
 * @throws {UsageError} `USAGE_PFX` when `--pfx` has no passphrase, or it is empty.
 * @throws {LocalIoError} when the passphrase file cannot be read.
 */
export async function pfxPassphrase(flags: PfxFlags, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (flags.pfx !== true) {
    if (flags.pfxPassphraseFile !== undefined) throw new UsageError('--pfx-passphrase-file was given without --pfx.', { code: 'USAGE_PFX', hint: 'Add --pfx, or drop --pfx-passphrase-file.' });
    return undefined;
  }
  const file = flags.pfxPassphraseFile;
  const passphrase = file === undefined ? env['ACMAPI_PFX_PASSPHRASE'] : (await localIo('read the passphrase file', file, () => readFile(file, 'utf8'))).replace(/\r?\n$/, '');
  if (passphrase === undefined || passphrase === '') {
    throw new UsageError('--pfx needs a passphrase.', {
      code: 'USAGE_PFX',
      hint: 'Put it in a file (mode 0600) and pass --pfx-passphrase-file FILE, or set ACMAPI_PFX_PASSPHRASE. IIS and Java refuse a .pfx without one.',
    });
  }
  return passphrase;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the live version has its `.pfx` and that `STORE/<name>/cert.pfx` links to it.
 * Call only while holding the certificate's lock.
 *
 * @returns the top-level path, or `undefined` when nothing is live yet.
 * @throws {LocalIoError} when a file cannot be written.
 */
export async function ensurePfx(certificate: LockedCertificate, passphrase: string): Promise<string | undefined> {
  const live = await certificate.readLive();
  if (live === undefined) return undefined;
  const versionFile = join(certificate.dir, 'versions', live.version, PFX_FILE);
  if (!(await exists(versionFile))) {
    const bytes = await toPkcs12({ privateKeyPem: live.privateKeyPem, certPem: live.certPem, chainPem: live.chainPem, passphrase, friendlyName: certificate.name });
    await localIo('write', versionFile, () => writeFileAtomic(versionFile, bytes, { mode: 0o600 }));
  }
  const top = join(certificate.dir, PFX_FILE);
  const target = `live/${PFX_FILE}`;
  if ((await linkTarget(top)) !== target) {
    if ((await lstat(top).catch(() => undefined))?.isDirectory() === true) throw new UsageError(`${top} is a folder.`, { code: 'USAGE_PFX', hint: 'Move it away.' });
    // The temporary link's name matches what the store's crash repair sweeps (`.NAME.HEX.tmp`).
    const temp = join(certificate.dir, `.link.${randomBytes(6).toString('hex')}.tmp`);
    await localIo('link', top, async () => {
      await symlink(target, temp);
      await rename(temp, top).catch(async (error: unknown) => {
        await unlink(temp).catch(() => undefined);
        throw error;
      });
    });
  }
  return top;
}
