/**
 * The store name of a certificate requested by domains (`acmapi issue -d …` without
 * acmapi.json). The name is chosen once, at first issue, and kept in the store's
 * `state.json`; it is never derived from a certificate's CN afterwards:
 *
 * 1. `--name NAME` when given;
 * 2. else the certificate of the store whose domains are the same SET (any order), so
 *    `-d b.example -d a.example` finds the record made by `-d a.example -d b.example`;
 * 3. else the first domain, normalised (spec §4), which is also the folder name users knew
 *    before the store (`OUT/<first domain>/`).
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeDomain } from '@acmapi/core';
import type { CertificateRecord } from '@acmapi/core';
import { certificateNameProblem, MAX_CERTIFICATE_NAME_LENGTH } from '@acmapi/core/store';
import { UsageError } from './cli-errors.js';

/**
 * The default name for a first domain: the domain itself; else, when it is too long for a
 * folder name, its start and a short hash; else, when its first label is a device name
 * Windows reserves (`con`, `aux`, `nul`, `com1`, `lpt9`, … — judged on the part before the
 * first dot, so a hash at the end does not help), that label with the hash after it:
 * `con.example.com` → `con-1a2b3c4d.example.com`. Stable for the same domain.
 */
export function defaultCertificateName(firstDomain: string): string {
  if (certificateNameProblem(firstDomain) === undefined) return firstDomain;
  const hash = createHash('sha256').update(firstDomain).digest('hex').slice(0, 8);
  const shortened = `${trimEnd(firstDomain.slice(0, MAX_CERTIFICATE_NAME_LENGTH - 9))}-${hash}`;
  if (certificateNameProblem(shortened) === undefined) return shortened;
  const dot = firstDomain.indexOf('.');
  const label = dot === -1 ? firstDomain : firstDomain.slice(0, dot);
  const rest = dot === -1 ? '' : firstDomain.slice(dot);
  const relabelled = trimEnd(`${label}-${hash}${rest}`.slice(0, MAX_CERTIFICATE_NAME_LENGTH));
  if (certificateNameProblem(relabelled) === undefined) return relabelled;
  // A normalised domain always fits one of the above; this keeps the function total.
  return `cert-${hash}`;
}

// A store name may not end in "." (nor in anything but a letter, digit, "_" or "-").
function trimEnd(name: string): string {
  return name.replace(/[^a-z0-9_-]+$/, '');
}

/**
 * Checks a `--name`.
 *
 * @throws {UsageError} `USAGE_NAME` saying what is wrong with it.
 */
export function checkNameFlag(name: string): string {
  const problem = certificateNameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(`--name ${JSON.stringify(name)} ${problem}.`, { code: 'USAGE_NAME', hint: 'Choose a name like example-com or shop.example.com.' });
  }
  return name;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((domain) => left.has(domain));
}

/**
 * The store name for `domains` (normalised), by the rules of the module comment. Pure.
 *
 * @param records - the store's certificates (`listCertificates`).
 * @param name - `--name`, when given.
 */
export function storeNameFor(records: readonly CertificateRecord[], domains: readonly string[], name: string | undefined): string {
  if (name !== undefined) return checkNameFlag(name);
  const match = records.find((record) => sameSet(record.domains, domains) || (record.application !== undefined && sameSet(record.application.domains, domains)));
  const first = domains[0];
  if (first === undefined) throw new UsageError('No domain given.', { code: 'USAGE_DOMAINS', hint: 'Name each domain with -d.' });
  return match?.name ?? defaultCertificateName(first);
}

/**
 * The store name a user typed, as the store spells it. A certificate issued with `-d` is named
 * after its first domain normalised (spec §4: lower case, A-label), so a name typed as the
 * domain was typed — `bücher.example`, `Shop.Example.COM` — means `xn--bcher-kva.example`,
 * `shop.example.com` when the store has no certificate named as typed but has that one.
 * Otherwise the name is returned as typed, for the command to report as unknown or invalid.
 *
 * @param known - whether the store has a certificate of that name.
 */
export async function storeNameAsTyped(typed: string, known: (name: string) => boolean | Promise<boolean>): Promise<string> {
  let normalized: string;
  try {
    normalized = defaultCertificateName(normalizeDomain(typed));
  } catch {
    return typed; // not a domain: a name of the user's choosing
  }
  if (normalized === typed || (await known(typed))) return typed;
  return (await known(normalized)) ? normalized : typed;
}

/** For {@link storeNameAsTyped}: whether the store folder `storeDir` has an entry of that name (a certificate's folder, damaged ones included). */
export function storeFolderExists(storeDir: string): (name: string) => Promise<boolean> {
  return async (name) => (await lstat(join(storeDir, name)).catch(() => undefined)) !== undefined;
}
