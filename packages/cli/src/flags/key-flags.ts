/**
 * Where a new application's private key and CSR come from, on the command line: `--csr` and
 * `--key`, else the acmapi.json entry's `csr` and `key`, else a generated key. Only turns
 * them into core's `KeySource`; core checks it (the CSR names exactly the domains, the key is
 * the CSR's, a CSR comes with its key — `CsrError` `KEY_REQUIRED` — because the store keeps
 * every certificate with its key) before anything is written or sent.
 */
import { readLocalTextFile } from '@acmapi/core/store';
import { keySourceFromConfig } from '@acmapi/core';
import type { CertificateConfig, KeySource } from '@acmapi/core';
import { localIo } from './cli-errors.js';
import { configPath } from './config-targets.js';
import type { Project } from './project.js';

/** The flags as commander parsed them. */
export interface KeyFlags {
  /** `--csr FILE`: a CSR of the user's (PEM). */
  csr?: string | undefined;
  /** `--key FILE`: the user's private key (PEM): the key of `--csr`, or alone the key to make the CSR with. */
  key?: string | undefined;
}

/**
 * The key source of an application.
 *
 * - `--csr` (with `--key`, or alone): the CSR and its key (`csr` of core's `KeySource`);
 * - `--key` alone: with acmapi.json's `csr` of the certificate, that CSR and this key; else
 *   the key, and acmapi makes the CSR with it (`key`);
 * - neither: the acmapi.json entry's `csr`/`key` (core's `keySourceFromConfig`), else
 *   `undefined` (core generates a key of the wanted type).
 *
 * @throws {LocalIoError} when a file named by a flag cannot be read.
 * @throws {ConfigError} `CONFIG_UNREADABLE` when a file named by acmapi.json cannot be read.
 */
export async function keySourceFor(flags: KeyFlags, entry: CertificateConfig | undefined, project: Project): Promise<KeySource | undefined> {
  if (flags.csr === undefined && flags.key === undefined) {
    if (entry?.csr === undefined && entry?.key === undefined) return undefined;
    return keySourceFromConfig(entry, project.configDir ?? '.');
  }
  const csrPath = flags.csr ?? configPath(project, entry?.csr);
  const keyPath = flags.key;
  const privateKeyPem = keyPath === undefined ? undefined : await localIo('read the private key', keyPath, () => readLocalTextFile(keyPath));
  if (csrPath === undefined) return privateKeyPem === undefined ? undefined : { kind: 'key', privateKeyPem };
  const csrPem = await localIo('read the CSR', csrPath, () => readLocalTextFile(csrPath));
  return { kind: 'csr', csrPem, privateKeyPem };
}
