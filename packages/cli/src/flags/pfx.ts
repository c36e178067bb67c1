/**
 * `--pfx`: keep the live certificate also as PKCS#12 (`cert.pfx`, for IIS and Java). The
 * store writes the file (core's `exportPkcs12`, under the certificate's lock); the command
 * line only supplies the passphrase, which never comes from a flag's value (`ps` shows those).
 */
import { MAX_PASSPHRASE_FILE_BYTES, readLocalTextFile } from '@acmapi/core/store';
import { isOptionsError } from '@acmapi/core';
import { readPkcs12Passphrase } from '@acmapi/core/settings';
import type { CertificateSettings, Pkcs12Setting } from '@acmapi/core';
import type { Command } from 'commander';
import { LocalIoError, localIo, UsageError } from './cli-errors.js';

/** The pfx flags as commander parsed them. */
export interface PfxFlags {
  pfx?: boolean;
  pfxPassphraseFile?: string;
}

/** Adds `--pfx --pfx-passphrase-file`. */
export function addPfxOptions(command: Command): Command {
  return command
    .option('--pfx', 'also keep the live certificate as PKCS#12 (cert.pfx, for IIS and Java) with the passphrase of --pfx-passphrase-file or env ACMAPI_PFX_PASSPHRASE')
    .option('--pfx-passphrase-file <file>', 'file holding the passphrase of --pfx (never given on the command line, where ps shows it)');
}

/**
 * The passphrase of `--pfx`: from `--pfx-passphrase-file` (one trailing newline removed),
 * else `ACMAPI_PFX_PASSPHRASE`.
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
  const passphrase = file === undefined ? env['ACMAPI_PFX_PASSPHRASE'] : (await localIo('read the passphrase file', file, () => readLocalTextFile(file, { maxBytes: MAX_PASSPHRASE_FILE_BYTES }))).replace(/\r?\n$/, '');
  if (passphrase === undefined || passphrase === '') {
    throw new UsageError('--pfx needs a passphrase.', {
      code: 'USAGE_PFX',
      hint: 'Put it in a file (mode 0600) and pass --pfx-passphrase-file FILE, or set ACMAPI_PFX_PASSPHRASE. IIS and Java refuse a .pfx without one.',
    });
  }
  return passphrase;
}

/**
 * The passphrase of a remembered `--pfx` (core's `Pkcs12Setting`): read from its file (one
 * trailing newline removed) or its environment variable, at each run.
 *
 * @returns `undefined` when no PKCS#12 output is remembered.
 * @throws {UsageError} `USAGE_PFX` when the remembered place holds no passphrase now.
 * @throws {LocalIoError} when the passphrase file cannot be read.
 */
export async function pfxPassphraseOf(setting: Pkcs12Setting | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // Where the passphrase is read from is core's rule (readPkcs12Passphrase); only the words are the CLI's.
  try {
    return await readPkcs12Passphrase(setting, env);
  } catch (error) {
    if (!isOptionsError(error) || error.option !== 'pkcs12') throw error;
    // A file that cannot be read comes with its cause; an empty place does not.
    if (error.cause !== undefined && setting?.passphraseFile !== undefined) throw new LocalIoError('read the passphrase file', setting.passphraseFile, error.cause);
    throw new UsageError(error.message, { code: 'USAGE_PFX', hint: 'Put the passphrase back there, or pass --pfx with --pfx-passphrase-file FILE.' });
  }
}

/**
 * The PKCS#12 passphrase of a run on a certificate that exists (`renew`, `retrieve`): the one
 * `--pfx` gave, else the remembered output's ({@link pfxPassphraseOf}); one rule, so that every
 * command that can make a certificate live writes the `cert.pfx` it remembers.
 *
 * @returns `undefined` without `--pfx` and without a remembered PKCS#12 output.
 * @throws like {@link pfxPassphraseOf}.
 */
export async function runPfxPassphrase(given: string | undefined, settings: Pick<CertificateSettings, 'pkcs12'> | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return given ?? (await pfxPassphraseOf(settings?.pkcs12, env));
}
