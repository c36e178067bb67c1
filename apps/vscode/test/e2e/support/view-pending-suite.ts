// Issue 12 end to end, in one locale: the certificate view (click in the tree, a .pem opened
// from the workspace, a certificate outside acmapi.json with its badge and "Add"), the pending
// tracker (status-bar tooltip, a manual retrieve that always answers, another window holding
// the certificate, a late Cancel) and the reload-in-the-middle test. code-server 4.139.1 with
// the packaged .vsix (and, for zh-cn, a minimal language pack), driven by playwright-core in
// Debian's Chromium, against an in-process sandbox CA over HTTPS. openssl makes the outside
// certificate and checks the fingerprint the view shows.
import { readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveSignfile, type ServeSignfileResult } from '@acmapi/core/deploy';
import { openStore } from '@acmapi/core/store';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { runToEnd } from './code-server.js';
import { clearNotifications, focusedRow, notification, quickInput, runCommand, waitForRow } from './workbench.js';
import { makeZhCnLanguagePack } from './language-pack.js';
import { startWorkbench, type Locale, type Workbench } from './session.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SIGNFILE = 'acmapi-vscode-view-signfile';
const CUSTOMER = 'vscode-view';
const AUTH_TOKEN = 'vscode-view-secret-token';
const DOMAINS = ['example.test', 'www.example.test', 'pending.example.test', 'late.example.test'];
/** The poll interval the workspace sets (acmapi.pending.firstPoll / maxPollInterval): the tracker's floor. */
const POLL_MS = 60_000;
/** Every CA answer waits this long, so a Cancel can come after the application was sent. */
const CA_DELAY_MS = 6_000;

export type { Locale } from './session.js';

/** The extension's words in `locale`, from its own bundles (so the test checks the shipped strings). */
async function wordsOf(locale: Locale): Promise<{ t: (message: string, ...args: (string | number)[]) => string; command: (key: string) => string }> {
  const bundle = locale === 'en' ? {} : (JSON.parse(await readFile(join(root, 'l10n', `bundle.l10n.${locale}.json`), 'utf8')) as Record<string, string>);
  const nls = JSON.parse(await readFile(join(root, locale === 'en' ? 'package.nls.json' : `package.nls.${locale}.json`), 'utf8')) as Record<string, string>;
  return {
    t: (message, ...args) => {
      const text = locale === 'en' ? message : bundle[message];
      if (text === undefined) throw new Error(`no ${locale} translation of "${message}"`);
      return text.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)]));
    },
    command: (key) => {
      const title = nls[key];
      if (title === undefined) throw new Error(`no ${locale} title for ${key}`);
      return `acmapi: ${title}`;
    },
  };
}

/** Defines the whole suite for one display language. */
export function defineViewPendingSuite(locale: Locale): void {
  const results = join(root, 'test-results');
  const screenshots = join(results, `screenshots-view-pending-${locale}`);
  let temp: TempDir;
  let workspace: string;
  let sandbox: Sandbox;
  let signfileServer: ServeSignfileResult;
  let workbench: Workbench | undefined;
  let page: Page;
  let words: Awaited<ReturnType<typeof wordsOf>>;
  const cleanups: (() => Promise<unknown>)[] = [];

  async function shot(name: string): Promise<void> {
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(screenshots, `${name}-${locale}.png`) });
  }

  /** The certificate view's page: the webview's inner frame of the active editor. */
  function certificateView(): FrameLocator {
    return page.locator('iframe.webview.ready').last().contentFrame().locator('#active-frame').contentFrame();
  }

  /** The words of a live certificate's row ("80 days left"), without the number. */
  function daysLeft(): string {
    return words.t('{0} days left', 0).split('0').find((part) => part.trim() !== '') ?? '';
  }

  /** Shows the acmapi view; a click on its activity-bar icon when it is shown already would hide the side bar. */
  async function openAcmapiView(): Promise<void> {
    const item = page.locator('.activitybar li.action-item[aria-label^="acmapi"], .activitybar li.action-item:has([aria-label^="acmapi"])').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const sidebar = page.locator('.part.sidebar');
    // The workbench restores its layout while it loads (after a reload, too): look again after each click.
    for (let attempt = 0; attempt < 4; attempt++) {
      const checked = await item.evaluate((element: unknown) => (element as { classList: { contains: (name: string) => boolean } }).classList.contains('checked'));
      if (checked && (await sidebar.isVisible())) return;
      await item.click({ timeout: 10_000 });
      await page.waitForTimeout(1_000);
    }
    await sidebar.waitFor({ state: 'visible', timeout: 10_000 });
  }

  async function applyFor(name: string): Promise<void> {
    await runCommand(page, words.command('command.apply'));
    await page.locator(`.quick-input-widget input[placeholder="${words.t('Certificate to apply for')}"]`).waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type(name);
    await focusedRow(page, name);
    await page.keyboard.press('Enter');
  }

  async function openWorkbench(): Promise<void> {
    await workbench?.open();
  }

  beforeAll(async () => {
    words = await wordsOf(locale);
    await rm(screenshots, { recursive: true, force: true });
    await mkdir(screenshots, { recursive: true });
    await runToEnd(process.execPath, [join(root, 'scripts/ensure-code-server.mjs')], { timeoutMs: 900_000 });
    temp = await makeTempDir(`acmapi-vscode-view-${locale}-`);
    cleanups.push(() => temp.cleanup());
    const vsce = join(root, 'node_modules/.bin/vsce');
    const vsix = join(temp.path, 'acmapi-vscode.vsix');
    await runToEnd(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, timeoutMs: 120_000 });
    await runToEnd(vsce, ['package', '--no-dependencies', '--out', vsix], { cwd: root, timeoutMs: 120_000 });

    signfileServer = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
    cleanups.push(() => signfileServer.close());
    sandbox = await startSandbox({
      customers: [{ customerId: CUSTOMER, authToken: AUTH_TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
      validation: { httpPort: signfileServer.port, resolve: { '*': ['127.0.0.1'] } },
      pending: { domains: ['pending.example.test', 'late.example.test'] },
      faults: { delayMs: CA_DELAY_MS },
    });
    cleanups.push(() => sandbox.close());

    workspace = join(temp.path, 'site');
    await mkdir(join(workspace, '.vscode'), { recursive: true });
    const caFile = join(temp.path, 'sandbox-ca.pem');
    await writeFile(caFile, sandbox.caBundlePem);
    await writeFile(join(workspace, 'signfile'), SIGNFILE);
    await writeFile(
      join(workspace, 'acmapi.json'),
      `${JSON.stringify(
        {
          endpoint: sandbox.url,
          customerId: CUSTOMER,
          signfile: { name: 'signfile', path: 'signfile' },
          defaults: { storeDir: 'certs' },
          certificates: [
            { name: 'site', domains: ['example.test', 'www.example.test'] },
            { name: 'slow', domains: ['pending.example.test'] },
            { name: 'late', domains: ['late.example.test'] },
          ],
        },
        null,
        2,
      )}\n`,
    );
    await writeFile(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({
        'acmapi.caFile': caFile,
        'acmapi.preflight.resolve': DOMAINS.map((domain) => `${domain}:127.0.0.1`),
        'acmapi.preflight.httpPort': signfileServer.port,
        'acmapi.preflight.httpsPort': 1,
        'acmapi.pending.firstPoll': '1m',
        'acmapi.pending.maxPollInterval': '1m',
      }),
    );
    // A certificate made elsewhere (openssl, a CA of its own), not listed in acmapi.json.
    const outside = join(workspace, 'elsewhere');
    await mkdir(outside, { recursive: true });
    await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(temp.path, 'ca.key'), '-out', join(temp.path, 'ca.pem'), '-days', '30', '-subj', '/CN=Elsewhere Test CA']);
    await runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(temp.path, 'outside.key'), '-out', join(temp.path, 'outside.csr'), '-subj', '/CN=outside.example.test']);
    await writeFile(join(temp.path, 'ext.cnf'), 'subjectAltName=DNS:outside.example.test\nbasicConstraints=CA:FALSE\n');
    await runOpenssl(['x509', '-req', '-in', join(temp.path, 'outside.csr'), '-CA', join(temp.path, 'ca.pem'), '-CAkey', join(temp.path, 'ca.key'), '-CAcreateserial', '-days', '20', '-extfile', join(temp.path, 'ext.cnf'), '-out', join(outside, 'outside.crt')]);

    const languagePack = locale === 'en' ? undefined : { vsix: await makeZhCnLanguagePack(join(temp.path, 'language-pack'), vsce), folder: join(temp.path, 'language-pack') };
    workbench = await startWorkbench({ base: temp.path, workspace, vsix, locale, ...(languagePack === undefined ? {} : { languagePack }) });
    page = workbench.page;
    await openWorkbench();
  }, 900_000);

  afterAll(async () => {
    await workbench?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  describe(`issue 12 in VS Code (code-server), display language ${locale}`, { timeout: 180_000 }, () => {
    afterEach(async (test) => {
      if (test.task.result?.state !== 'fail') return;
      await shot(`failed-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
      // The next test starts from a clean workbench.
      await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    });

    it('shows the extension in the display language and takes the auth token', async () => {
      await openAcmapiView();
      await waitForRow(page, 'site', words.t('not issued'), 60_000);
      await runCommand(page, words.command('command.setAuthToken'));
      const input = await quickInput(page, words.t('acmapi auth token'));
      await input.fill(AUTH_TOKEN);
      await page.keyboard.press('Enter');
      await notification(page, words.t('The auth token is saved in the secret storage.')).waitFor({ state: 'visible', timeout: 15_000 });
      await clearNotifications(page);
    });

    it('clicking an issued certificate opens its details: subject, SANs, issuer, validity banner, key, fingerprints with copy, chain, in a grid', async () => {
      await applyFor('site');
      const row = await waitForRow(page, 'site', daysLeft(), 60_000);
      await clearNotifications(page);
      await row.click();
      const view = certificateView();
      await view.locator('dt', { hasText: words.t('Subject') }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const labels = await view.locator('dl.fields').first().locator('dt').allInnerTexts();
      expect(labels.slice(0, 4)).toEqual([words.t('Subject'), words.t('Subject Alternative Names (SAN)'), words.t('Issuer'), words.t('Serial number')]);
      if (locale === 'zh-cn') expect(labels.slice(0, 3)).toEqual(['主体', '使用者可选名称（SAN）', '颁发者']);
      const fields = await view.locator('dl.fields').first().innerText();
      expect(fields).toContain('www.example.test');
      expect(fields).toContain(words.t('SHA-1 fingerprint'));
      expect(await view.locator('#expiry').innerText()).toMatch(locale === 'en' ? /^Valid for \d+ more days, until \d{4}-\d\d-\d\d\.$/ : /^有效，还剩 \d+ 天，到期日 \d{4}-\d\d-\d\d。$/);
      // The chain the sandbox sent: its intermediate follows the leaf.
      await view.locator('h2', { hasText: words.t('Chain certificate {0} of {1}', 1, 1) }).waitFor({ state: 'attached', timeout: 10_000 });
      // The value column starts at one x for every row, Chinese labels or not (a grid, not padding).
      const lefts = await view
        .locator('dl.fields')
        .first()
        .locator('dd')
        .evaluateAll((elements: unknown[]) => elements.map((element) => Math.round((element as { getBoundingClientRect: () => { left: number } }).getBoundingClientRect().left)));
      expect(lefts.length).toBeGreaterThan(8);
      expect(new Set(lefts).size).toBe(1);
      // The SHA-256 fingerprint shown is openssl's.
      const opensslFingerprint = (await runOpenssl(['x509', '-in', join(workspace, 'certs', 'site', 'cert.pem'), '-noout', '-fingerprint', '-sha256'])).stdout.trim().replace(/^.*=/, '');
      expect(fields).toContain(opensslFingerprint);
      const copy = view.locator('dl.fields').first().locator(`button.copy[data-copy="${opensslFingerprint}"]`);
      await copy.click();
      await view.locator('dl.fields').first().locator('button.copy.done', { hasText: words.t('Copied') }).waitFor({ state: 'visible', timeout: 10_000 });
      await shot('10-certificate-view');
      await runCommand(page, 'View: Close All Editors');
    });

    it('marks a certificate of the workspace that acmapi.json does not list, and adds it from its view', async () => {
      await runCommand(page, 'View: Show Explorer');
      const explorerRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'elsewhere' }).first();
      await explorerRow.waitFor({ state: 'visible', timeout: 20_000 });
      await explorerRow.click();
      const fileRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'outside.crt' }).first();
      await fileRow.waitFor({ state: 'visible', timeout: 10_000 });
      // The badge is drawn by CSS (::after) from the file decoration.
      // Runs in the page; this package compiles without the DOM's types, hence the narrow casts.
      const badges = await fileRow.evaluate(async (element: unknown) => {
        const page = globalThis as unknown as { getComputedStyle: (node: unknown, pseudo: string) => { content: string } };
        const nodes = (element as { querySelectorAll: (selector: string) => Iterable<unknown> }).querySelectorAll('*');
        for (let i = 0; i < 40; i++) {
          const found = [...nodes].map((node) => page.getComputedStyle(node, '::after').content).filter((content) => content.includes('+'));
          if (found.length > 0) return found;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        return [];
      });
      expect(badges).toContain('"+"');
      await shot('11-outside-badge');
      await fileRow.dblclick();
      const view = certificateView();
      const add = view.locator('button[data-action="addToConfig"]');
      await add.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await view.locator('#outside').innerText()).toContain(words.t('acmapi.json does not list this certificate ({0}).', 'outside.example.test'));
      // A certificate that expires within 30 days: the banner warns.
      expect(await view.locator('#expiry.warning').innerText()).toMatch(locale === 'en' ? /^Expires in 1\d days, on / : /^将在 1\d 天后/);
      await shot('12-outside-view');
      await add.click();
      await view.locator('#outside', { hasText: words.t('Added to acmapi.json as certificate {0}.', 'outside.example.test') }).waitFor({ state: 'visible', timeout: 15_000 });
      const config = JSON.parse(await readFile(join(workspace, 'acmapi.json'), 'utf8')) as { certificates: { name: string; domains: string[] }[] };
      expect(config.certificates.at(-1)).toEqual({ name: 'outside.example.test', domains: ['outside.example.test'] });
      await openAcmapiView();
      await waitForRow(page, 'outside.example.test', words.t('not issued'), 30_000);
      await clearNotifications(page);
      await runCommand(page, 'View: Close All Editors');
    });

    it('lists the pending certificate in the status-bar tooltip, with its next check and the poll interval', async () => {
      await openAcmapiView();
      await applyFor('slow');
      const status = page.locator('.statusbar-item', { hasText: words.t('{0} pending', 1) }).first();
      await status.waitFor({ state: 'visible', timeout: 60_000 });
      await waitForRow(page, 'slow', words.t('pending at the CA'), 30_000);
      await clearNotifications(page);
      const handle = (sandbox.applications().find((entry) => entry.domains.includes('pending.example.test')) ?? { handleId: '?' }).handleId;
      await status.hover();
      const hover = page.locator('.workbench-hover, .monaco-hover', { hasText: handle }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const tooltip = await hover.innerText();
      expect(tooltip).toContain(words.t('{0} certificate(s) wait for the CA. Click to retrieve now.', 1));
      expect(tooltip).toMatch(new RegExp(`slow[ （(]+handle ${handle}`));
      expect(tooltip).toContain(words.t('{0} min', 1));
      expect(tooltip).toContain('acmapi.pending.maxPollInterval');
      // The pending row says when it is asked for next.
      const pendingRow = page.locator(`.monaco-list-row[aria-label*="${handle}"]`).first();
      expect(await pendingRow.getAttribute('aria-label')).toContain(words.t('next check {0}', '').trim());
      await shot('13-pending-tooltip');
      await page.mouse.move(700, 400);
    });

    it('a manual Retrieve Pending always reports: still pending with the next check, or another window working on it', async () => {
      await runCommand(page, words.command('command.retrievePending'));
      const still = notification(page, words.t('Certificate {0} is still pending at the CA; next check at {1}.', 'slow', 'HH:MM').split('HH:MM')[0] ?? '');
      await still.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await still.innerText()).toMatch(/\d\d:\d\d/);
      await shot('14-retrieve-still-pending');
      await clearNotifications(page);
      // Another process holds the certificate (as another window's poll would): the retrieve says so.
      const store = await openStore(join(workspace, 'certs'));
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holding = store.withCertificate('slow', async () => {
        locked();
        await released;
      });
      await held;
      try {
        await runCommand(page, words.command('command.retrievePending'));
        const busy = notification(page, words.t('Another window (or an acmapi command) is working on certificate {0} right now; this window checks again at {1}.', 'slow', 'HH:MM').split('HH:MM')[0] ?? '');
        await busy.waitFor({ state: 'visible', timeout: 30_000 });
        await shot('15-retrieve-busy');
      } finally {
        release();
        await holding;
      }
      await clearNotifications(page);
    });

    it('a Cancel after the application was sent keeps it: the CA may hold it, and it is tracked as pending, not failed', async () => {
      await openAcmapiView();
      await applyFor('late');
      const progress = notification(page, words.t('sending the application…'));
      await progress.waitFor({ state: 'visible', timeout: 30_000 });
      await progress.getByRole('button', { name: 'Cancel' }).click({ timeout: 5_000 });
      await notification(page, words.t('The application for {0} was already sent, so the CA may already hold it. acmapi keeps waiting for its answer and tracks it if it is pending; the certificate is not marked failed.', 'late').slice(0, 30)).waitFor({ state: 'visible', timeout: 15_000 });
      await shot('16-late-cancel');
      await waitForRow(page, 'late', words.t('pending at the CA'), 30_000);
      const record = await (await openStore(join(workspace, 'certs'))).get('late');
      expect(record?.state).toBe('pending');
      expect(record?.lastError).toBeUndefined();
      await clearNotifications(page);
    });

    it('reload in the middle: pending, window reloaded, approved at the CA, the new window shows it issued within one poll interval', async () => {
      await openAcmapiView();
      await waitForRow(page, 'slow', words.t('pending at the CA'), 10_000);
      const application = sandbox.applications().find((entry) => entry.state === 'pending' && entry.domains.includes('pending.example.test'));
      if (application === undefined) throw new Error('no pending application for slow at the sandbox');
      await page.reload({ timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
      await openAcmapiView();
      await waitForRow(page, 'slow', words.t('pending at the CA'), 60_000);
      await sandbox.approve(application.handleId);
      const approvedAt = Date.now();
      await waitForRow(page, 'slow', daysLeft(), POLL_MS + 20_000);
      const tookMs = Date.now() - approvedAt;
      // One poll interval (the new window's first poll comes 1 min after it loaded), plus the CA's delay and the view's redraw.
      expect(tookMs).toBeLessThan(POLL_MS + CA_DELAY_MS + 10_000);
      await notification(page, words.t('Certificate {0} was issued; valid until {1}.', 'slow', 'DATE').split('DATE')[0] ?? '').waitFor({ state: 'visible', timeout: 15_000 });
      await shot('17-reload-issued');
      await writeFile(join(results, `reload-${locale}.json`), `${JSON.stringify({ approvedToIssuedMs: tookMs, pollIntervalMs: POLL_MS }, null, 2)}\n`);
    });
  });
}
