// The minimal local language pack that switches code-server's display language to zh-cn
// (see /work/shared/notes/toolchain.md): an extension contributing `localizations` for zh-cn
// with an empty translation of VS Code itself, so VS Code's own menus stay English while
// extensions get their zh-cn bundles (`vscode.l10n`, package.nls.zh-cn.json).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToEnd } from './code-server.js';

const PACK_ID = 'acmapi-test.acmapi-test-language-pack-zh-cn';
const PACK_VERSION = '0.0.1';

/**
 * Registers the installed language pack in `<user-data>/languagepacks.json`, as VS Code's
 * language-pack cache would: the server picks the display language's translations from it
 * when it serves the workbench, but `--install-extension` (another process) does not write it,
 * and the running server writes it only once a language is chosen in its UI.
 */
export async function registerZhCnLanguagePack(userDataDir: string, extensionsDir: string): Promise<void> {
  const hash = createHash('md5').update(PACK_ID).update(PACK_VERSION).digest('hex');
  const translations = join(extensionsDir, `${PACK_ID}-${PACK_VERSION}`, 'translations', 'main.i18n.json');
  await writeFile(
    join(userDataDir, 'languagepacks.json'),
    JSON.stringify({ 'zh-cn': { hash, extensions: [{ extensionIdentifier: { id: PACK_ID }, version: PACK_VERSION }], translations: { vscode: translations }, label: '中文(简体)' } }),
  );
}

/** Writes the language pack's folder into `dir` and packages it with vsce; returns the .vsix. */
export async function makeZhCnLanguagePack(dir: string, vsce: string): Promise<string> {
  const folder = join(dir, 'zh-cn-language-pack');
  await mkdir(join(folder, 'translations'), { recursive: true });
  await writeFile(
    join(folder, 'package.json'),
    `${JSON.stringify(
      {
        name: PACK_ID.split('.')[1],
        displayName: 'acmapi test: minimal zh-cn language pack',
        description: 'Switches the display language to zh-cn for the end-to-end tests.',
        publisher: 'acmapi-test',
        version: PACK_VERSION,
        license: 'Apache-2.0',
        engines: { vscode: '^1.138.0' },
        categories: ['Language Packs'],
        contributes: {
          localizations: [
            { languageId: 'zh-cn', languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)', translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
          ],
        },
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(join(folder, 'translations', 'main.i18n.json'), `${JSON.stringify({ version: '1.0.0', contents: {} })}\n`);
  await writeFile(join(folder, 'README.md'), '# Minimal zh-cn language pack for acmapi end-to-end tests\n');
  await writeFile(join(folder, 'LICENSE'), 'Apache-2.0\n');
  const vsix = join(dir, 'zh-cn-language-pack.vsix');
  await runToEnd(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: folder, timeoutMs: 120_000 });
  return vsix;
}
