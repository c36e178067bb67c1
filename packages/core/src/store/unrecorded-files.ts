/**
 * Whether a certificate folder without `state.json` still holds files of a certificate. The
 * store writes `state.json` at the first commit, right after the first version's key and CSR
 * (see README.md), and never removes it except in `delete`; so a folder with a version's
 * files, the `live` link, the top-level links or `cert.pfx` but no `state.json` has lost it
 * (or a delete or a first application was cut short): its private keys and any pending
 * handle are no longer described, and it is damaged. A folder with none of these (empty, a
 * lock, temporary files, files of someone else) is not a certificate and stays unlisted; so
 * is one marked {@link DELETING_MARKER}: a delete cut short, which `delete` finishes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors/errors.js';
import { LINKED_FILES, PKCS12_FILE, type CertificatePaths } from './store-layout.js';

/**
 * Written by `CertificateStore.delete` before it removes `state.json` and removed last, so that
 * a folder a crash left half-deleted is not taken for a certificate that lost its state.
 */
export const DELETING_MARKER = '.deleting';

/** The top-level names only the store writes into a certificate folder, besides `state.json` and `versions/`. */
const TOP_LEVEL_FILES = new Set<string>([...LINKED_FILES, PKCS12_FILE, 'live']);

/** The names in `dir`; none when it cannot be read (gone meanwhile, not a folder). */
async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/**
 * `true` when the folder at `paths.dir` holds a file the store wrote for a certificate: a
 * top-level link, `live`, `cert.pfx`, or a file in a version folder (temporary `.NAME.tmp`
 * files excepted); `false` while it is being deleted. Reads folder listings only.
 */
export async function holdsCertificateFiles(paths: CertificatePaths): Promise<boolean> {
  const top = await names(paths.dir);
  if (top.includes(DELETING_MARKER)) return false;
  if (top.some((name) => TOP_LEVEL_FILES.has(name))) return true;
  for (const version of await names(paths.versions)) {
    if ((await names(join(paths.versions, version))).some((name) => !name.startsWith('.'))) return true;
  }
  return false;
}

/** The error for a folder that {@link holdsCertificateFiles} without `state.json`: `STORE_CORRUPT`, with the state file's path. */
export function unrecordedFilesError(paths: CertificatePaths, name: string): StoreError {
  return new StoreError('STORE_CORRUPT', `The certificate folder ${paths.dir} holds certificate files but no state.json.`, { certificate: name, path: paths.state });
}
