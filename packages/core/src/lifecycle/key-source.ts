/**
 * Where a new application's private key and CSR come from — one rule for every front end:
 *
 * - `generate` (the default): a new key of the wanted key type, and its CSR;
 * - `key`: the user's private key; acmapi makes the CSR for the domains with it;
 * - `csr`: the user's CSR, checked against the domains (spec §4), with its private key, or —
 *   only where the repository allows it ({@link CertificateRepository.requiresPrivateKey}
 *   `false`, the Action's published folder) — without it.
 *
 * Checked before anything is written or sent.
 */
import { fileTooLargeDetail as tooLarge, readLocalTextFile } from '../store/read-bounded.js';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, CsrError } from '../errors/errors.js';
import { checkCsr, checkKeyMatchesCsr, createCsr, generateKeyAndCsr } from '../pki/csr.js';
import { loadPrivateKey } from '../pki/keys.js';
import { DEFAULT_KEY_TYPE, type KeyType } from '../pki/key-types.js';

/** See the module comment. PEM strings; the private key is never logged. */
export type KeySource =
  | { readonly kind: 'generate' }
  | { readonly kind: 'key'; readonly privateKeyPem: string }
  | { readonly kind: 'csr'; readonly csrPem: string; readonly privateKeyPem?: string | undefined };

/** A private key (absent for a CSR-only application) and the CSR to apply with, PEM. */
export interface KeyAndCsr {
  readonly privateKeyPem: string | undefined;
  readonly csrPem: string;
  readonly keyType: KeyType;
}

/** Options of {@link resolveKeySource}. */
export interface ResolveKeySourceOptions {
  /** The domains of the application, normalised (spec §4). */
  readonly domains: readonly string[];
  /** The key type of a generated key. @default `ec-p256` */
  readonly keyType?: KeyType | undefined;
  /** Whether a CSR without its private key is refused (see the module comment). */
  readonly requirePrivateKey: boolean;
}

/**
 * Checks a key source without generating anything: the CSR names exactly the domains, the key
 * belongs to it, and a CSR comes with its key where one is required.
 *
 * @throws {CsrError} `KEY_REQUIRED`, `CSR_*`, `KEY_INVALID`, `KEY_CSR_MISMATCH`, `KEY_TYPE_UNKNOWN`.
 */
export function checkKeySource(source: KeySource, options: ResolveKeySourceOptions): void {
  if (source.kind === 'key') loadPrivateKey(source.privateKeyPem);
  if (source.kind !== 'csr') return;
  checkCsr(source.csrPem, { domains: options.domains });
  if (source.privateKeyPem !== undefined) checkKeyMatchesCsr(source.privateKeyPem, source.csrPem);
  else if (options.requirePrivateKey) {
    throw new CsrError('KEY_REQUIRED', 'A CSR was given without its private key, and the certificate is kept with its key.');
  }
}

/**
 * Makes the key and CSR of a new application from `source` (see the module comment).
 *
 * @throws {CsrError} as {@link checkKeySource}.
 */
export async function resolveKeySource(source: KeySource, options: ResolveKeySourceOptions): Promise<KeyAndCsr> {
  checkKeySource(source, options);
  switch (source.kind) {
    case 'generate': {
      const generated = await generateKeyAndCsr({ domains: options.domains, keyType: options.keyType ?? DEFAULT_KEY_TYPE });
      return { privateKeyPem: generated.privateKeyPem, csrPem: generated.csrPem, keyType: generated.keyType };
    }
    case 'key': {
      const { key, keyType } = loadPrivateKey(source.privateKeyPem);
      return { privateKeyPem: source.privateKeyPem, csrPem: await createCsr({ domains: options.domains, privateKey: key }), keyType };
    }
    case 'csr': {
      const { keyType } = checkCsr(source.csrPem, { domains: options.domains });
      return { privateKeyPem: source.privateKeyPem, csrPem: source.csrPem, keyType };
    }
  }
}

/**
 * The key source of an `acmapi.json` certificate entry: `csr` (a path relative to the project
 * folder) with `key` (its private key's path; by default `privkey.pem` beside the CSR, when
 * that file exists), else `generate`.
 *
 * @param entry - the entry's `csr` and `key` fields.
 * @param projectDir - the folder of `acmapi.json`.
 * @throws {ConfigError} `CONFIG_UNREADABLE` when a named file cannot be read.
 */
export async function keySourceFromConfig(entry: { readonly csr?: string | undefined; readonly key?: string | undefined }, projectDir: string): Promise<KeySource> {
  if (entry.csr === undefined) {
    if (entry.key === undefined) return { kind: 'generate' };
    return { kind: 'key', privateKeyPem: await readConfigFile(resolve(projectDir, entry.key), 'key') };
  }
  const csrFile = resolve(projectDir, entry.csr);
  const csrPem = await readConfigFile(csrFile, 'csr');
  if (entry.key !== undefined) return { kind: 'csr', csrPem, privateKeyPem: await readConfigFile(resolve(projectDir, entry.key), 'key') };
  const beside = await readLocalTextFile(join(dirname(csrFile), 'privkey.pem')).catch(() => undefined);
  return { kind: 'csr', csrPem, privateKeyPem: beside };
}

async function readConfigFile(file: string, field: 'csr' | 'key'): Promise<string> {
  try {
    return await readLocalTextFile(file);
  } catch (error) {
    throw new ConfigError('CONFIG_UNREADABLE', `The file ${file} named by "${field}" in acmapi.json cannot be read${tooLarge(error)}.`, { file, cause: error });
  }
}
