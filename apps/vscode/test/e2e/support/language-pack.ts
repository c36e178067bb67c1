// A minimal Simplified Chinese language pack: VS Code shows an extension's zh-cn bundle only
// when its display language is zh-cn, which needs an installed language pack for it
// (`--locale zh-cn` alone leaves everything English). This pack contributes the locale with
// no translations of VS Code's own, so VS Code's menus stay English and only the extension's
// own strings change: exactly what the Chinese runs check.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToEnd } from './code-server.js';

/** Writes the pack into `dir` and packages it with `vsce` (the path of this app's vsce binary); resolves to the .vsix. */
export async function makeZhCnLanguagePack(dir: string, vsce: string): Promise<string> {
  await mkdir(join(dir, 'translations'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'acmapi-e2e-language-pack-zh-cn',
        displayName: 'zh-cn locale for the acmapi end-to-end tests',
        description: 'Switches the display language to zh-cn; translates nothing of VS Code.',
        publisher: 'acmapi-e2e',
        version: '1.0.0',
        license: 'Apache-2.0',
        engines: { vscode: '^1.100.0' },
        categories: ['Language Packs'],
        contributes: {
          localizations: [{ languageId: 'zh-cn', languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)', translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }],
        },
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(join(dir, 'translations', 'main.i18n.json'), '{ "version": "1.0.0", "contents": {} }\n');
  await writeFile(join(dir, 'README.md'), '# zh-cn locale for end-to-end tests\n');
  await writeFile(join(dir, 'LICENSE'), 'Apache-2.0\n');
  const vsix = join(dir, 'language-pack-zh-cn.vsix');
  await runToEnd(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: dir, timeoutMs: 120_000 });
  return vsix;
}

/**
 * Tells code-server's server which language packs exist: the `languagepacks.json` of the user
 * data folder, which VS Code's server reads to localise a page for `--locale zh-cn`. VS Code
 * writes it when a pack is installed through its UI; `--install-extension` in another process
 * does not, so the page would stay English.
 *
 * @param packDir - the folder {@link makeZhCnLanguagePack} wrote the pack into.
 */
export async function registerZhCnLanguagePack(userDataDir: string, packDir: string): Promise<void> {
  await mkdir(userDataDir, { recursive: true });
  const languagePacks = {
    'zh-cn': {
      hash: 'acmapi-e2e-zh-cn-1',
      extensions: [{ extensionIdentifier: { id: 'acmapi-e2e.acmapi-e2e-language-pack-zh-cn' }, version: '1.0.0' }],
      translations: { vscode: join(packDir, 'translations', 'main.i18n.json') },
      label: '中文(简体)',
    },
  };
  await writeFile(join(userDataDir, 'languagepacks.json'), `${JSON.stringify(languagePacks, null, 2)}\n`);
}
