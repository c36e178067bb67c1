/**
 * Store names of certificates: chosen once, at first issue or in `acmapi.json`, and never
 * derived from a certificate's CN (lego keys its storage on the CN and loses track when the
 * CN changes). A name is a folder name on every platform, so it is kept to a safe subset.
 */
import type { CertificateNameRule } from '../errors/config-issue.js';
import { StoreError } from '../errors/errors.js';

/** Longest store name, in characters. */
export const MAX_CERTIFICATE_NAME_LENGTH = 64;

/** Lower-case letters, digits, `.`, `_`, `-`; starts with a letter or digit; no `..`. */
export const CERTIFICATE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?$/;

// Device names Windows refuses as file names, with or without an extension.
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/;

/**
 * Which rule `name` breaks as a store name, or `undefined` when it is one.
 * Lower case only, so two names never collide on a case-insensitive file system.
 */
export function certificateNameRule(name: string): CertificateNameRule | undefined {
  if (name.length === 0) return 'empty';
  if (name.length > MAX_CERTIFICATE_NAME_LENGTH) return 'too-long';
  if (!CERTIFICATE_NAME_PATTERN.test(name) || name.includes('..')) return 'characters';
  if (WINDOWS_RESERVED.test(name)) return 'windows-reserved';
  return undefined;
}

const RULE_TEXT: Readonly<Record<CertificateNameRule, string>> = {
  empty: 'is empty',
  'too-long': `is longer than ${MAX_CERTIFICATE_NAME_LENGTH} characters`,
  characters: 'must use only lower-case letters, digits, ".", "_" and "-", start with a letter or digit, not end with "." and not contain ".."',
  'windows-reserved': 'is a device name reserved on Windows',
};

/** Why `name` cannot be a store name, in English (`is empty`, …), or `undefined` when it can. Its rule as a code: `certificateNameRule` (the config issue `certificate_name` carries it). */
export function certificateNameProblem(name: string): string | undefined {
  const rule = certificateNameRule(name);
  return rule === undefined ? undefined : RULE_TEXT[rule];
}

/**
 * Checks a certificate's store name.
 *
 * @returns `name`, unchanged.
 * @throws {StoreError} `STORE_NAME_INVALID` saying what is wrong.
 */
export function checkCertificateName(name: string): string {
  const problem = certificateNameProblem(name);
  if (problem !== undefined) {
    throw new StoreError('STORE_NAME_INVALID', `Certificate name ${JSON.stringify(name)} ${problem}.`, { certificate: name });
  }
  return name;
}
