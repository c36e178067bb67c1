// One code-server session for an end-to-end suite: a user-data folder with quiet settings, the
// packaged extension (and, for zh-cn, the minimal language pack) installed, code-server on a
// free port, and Debian's Chromium on the workspace. Every e2e suite starts its workbench here,
// so the suites differ only in what they test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '@acmapi/test-utils';
import { CHROMIUM, installExtension, startCodeServer, type CodeServer } from './code-server.js';
import { registerZhCnLanguagePack } from './language-pack.js';

/** The display languages the suites run in. */
export type Locale = 'en' | 'zh-cn';

/** User settings that keep the workbench still: no welcome page, tips, updates, telemetry, AI, trust prompt. */
const QUIET_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface WorkbenchOptions {
  /** A folder of the suite's own: user data, extensions, code-server's config, Chromium's profile. */
  base: string;
  /** The folder code-server opens. */
  workspace: string;
  /** The packaged extension under test. */
  vsix: string;
  /** Display language; `zh-cn` needs `languagePack`. @default 'en' */
  locale?: Locale;
  /** For zh-cn: the pack's .vsix and the folder it was made in (see makeZhCnLanguagePack). */
  languagePack?: { vsix: string; folder: string };
  /** User settings beside the quiet ones (e.g. git's). */
  userSettings?: Record<string, unknown>;
}

export interface Workbench {
  codeServer: CodeServer;
  context: BrowserContext;
  page: Page;
  /** (Re)loads the workspace in the page and waits for the workbench; resolves to the time it took, in ms. */
  open(): Promise<number>;
  /** Closes Chromium, then stops code-server and its process group. */
  close(): Promise<void>;
}

/**
 * Installs the extension and starts code-server and Chromium; `open()` then loads the workspace.
 *
 * @throws when an install fails or code-server does not answer within 60 s (`open()`: when the
 *   workbench does not appear within 90 s).
 */
export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const locale = options.locale ?? 'en';
  const dirs = { userDataDir: join(options.base, 'user-data'), extensionsDir: join(options.base, 'extensions'), configFile: join(options.base, 'code-server.yaml') };
  await mkdir(join(dirs.userDataDir, 'User'), { recursive: true });
  await writeFile(join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }));
  const installed = await installExtension(options.vsix, dirs);
  if (!installed.includes("acmapi-vscode.vsix' was successfully installed")) throw new Error(`installing the extension failed:\n${installed}`);
  if (locale === 'zh-cn') {
    if (options.languagePack === undefined) throw new Error('the zh-cn workbench needs a language pack');
    const pack = await installExtension(options.languagePack.vsix, dirs);
    if (!pack.includes('was successfully installed')) throw new Error(`installing the language pack failed:\n${pack}`);
    await registerZhCnLanguagePack(dirs.userDataDir, options.languagePack.folder);
  }
  const codeServer = await startCodeServer(await freePort(), options.workspace, dirs, locale === 'en' ? [] : ['--locale', locale]);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(options.base, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--lang=${locale}`],
      viewport: { width: 1400, height: 860 },
      locale: locale === 'en' ? 'en-US' : 'zh-CN',
    });
  } catch (error) {
    await codeServer.stop();
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const open = async (): Promise<number> => {
    const started = performance.now();
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(options.workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    return performance.now() - started;
  };
  const close = async (): Promise<void> => {
    await context.close().catch(() => undefined);
    await codeServer.stop();
  };
  return { codeServer, context, page, open, close };
}
