/**
 * The `.gitignore` of a folder holding private keys, first of all the store's: a store folder often sits inside a project that git tracks (the
 * default `storeDir` of `acmapi.json` is `certs` beside it), and every version folder holds a
 * private key. Without a rule, `git add .` or an editor's Source Control view offers
 * `privkey.pem` of the live version and of every archived one for commit (issue 12).
 *
 * The rules name key material only; certificates, chains and `state.json` hold nothing secret,
 * so a project may still commit them.
 */
import { readdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name, in the store folder. */
export const KEY_GITIGNORE = '.gitignore';

/**
 * The rules written into a store's `.gitignore`. Patterns without a slash match at every depth
 * (gitignore(5)), so they cover the top-level links and every `versions/<id>/` folder.
 */
export const KEY_GITIGNORE_RULES: readonly string[] = [
  // the private keys: live, archived, refused, abandoned and pending versions
  'privkey.pem',
  // PKCS#12 bundles carry the private key (LockedCertificate.exportPkcs12)
  '*.pfx',
  '*.p12',
  // the lock and leftovers of interrupted atomic writes (a temporary copy of a key)
  '.lock',
  '.lock.break',
  '*.tmp',
];

/** The text of a store's `.gitignore`. */
export function keyGitignoreText(): string {
  return ['# Written by acmapi: private keys never belong in a repository.', ...KEY_GITIGNORE_RULES, ''].join('\n');
}

/**
 * Writes `<dir>/.gitignore` ({@link KEY_GITIGNORE_RULES}) unless the folder already has one:
 * a `.gitignore` the user wrote is theirs and is left as it is. Used for the store folder and
 * by front ends for any other folder they write a private key into (the editor's CSR wizard).
 *
 * Best effort, never throws: a store this process cannot write to cannot receive a key from it
 * either (the key write fails with the real reason, `STORE_IO`), and reading a read-only store
 * (`acmapi list`) must keep working.
 *
 * @returns `true` when this call wrote the file.
 */
export async function ensureKeyGitignore(dir: string): Promise<boolean> {
  try {
    // `wx`: created only when absent, atomically, so two processes never both write it and a
    // user's own file is never replaced.
    await writeFile(join(dir, KEY_GITIGNORE), keyGitignoreText(), { flag: 'wx', mode: 0o644 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes `dir` when it holds nothing but the `.gitignore` {@link ensureKeyGitignore} wrote
 * (same text), or nothing at all: a store folder a run created and then kept nothing in (a
 * strict preflight failed, a CSR came without its key) leaves nothing behind. Anything else in
 * it, or a `.gitignore` of other text, keeps the folder. Never throws.
 *
 * @returns `true` when the folder was removed.
 */
export async function removeStoreFolderIfUnused(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir);
    if (entries.length === 1 && entries[0] === KEY_GITIGNORE) {
      if ((await readFile(join(dir, KEY_GITIGNORE), 'utf8')) !== keyGitignoreText()) return false;
      await unlink(join(dir, KEY_GITIGNORE));
    } else if (entries.length > 0) return false;
    // rmdir removes only an empty folder: a certificate written meanwhile by another run stays.
    await rmdir(dir);
    return true;
  } catch {
    return false;
  }
}
