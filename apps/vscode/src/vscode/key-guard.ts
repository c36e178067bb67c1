/**
 * Says so before a private key is written where git would offer it for commit (issue 12):
 * git's own verdict (`keyExposure`) on the key's path, after the folder got its key
 * `.gitignore`. The safe choice is the default button (the first one; Enter picks it).
 */
import * as vscode from 'vscode';
import { keyExposure } from '../git/key-exposure.js';
import type { Localize } from '../l10n/localize.js';

/**
 * Asks before a key is written to `keyFile` when git tracks that path or would not ignore it.
 *
 * @returns `true` when the key may be written (not exposed, or the user chose to go on).
 */
export async function confirmKeyLocation(keyFile: string, t: Localize, log: vscode.LogOutputChannel): Promise<boolean> {
  const exposure = await keyExposure(keyFile);
  if (exposure.kind === 'no-repository' || exposure.kind === 'ignored') return true;
  log.warn(`${keyFile}: git would ${exposure.kind === 'tracked' ? 'commit (it tracks the file)' : 'offer it for commit (not ignored)'} in ${exposure.repository}`);
  const keep = { title: t('Do Not Write the Key') };
  const write = { title: t('Write Anyway') };
  const detail =
    exposure.kind === 'tracked'
      ? t('git already tracks {0} in the repository {1}: the private key would go into the next commit. Remove it from git (git rm --cached) first, or choose another folder.', keyFile, exposure.repository)
      : t('{0} is in the git repository {1} and no .gitignore rule covers it: Source Control would offer the private key for commit. Add privkey.pem to a .gitignore, or choose another folder.', keyFile, exposure.repository);
  const choice = await vscode.window.showWarningMessage(t('A private key would land in a folder git tracks.'), { modal: true, detail }, keep, write);
  return choice === write;
}
