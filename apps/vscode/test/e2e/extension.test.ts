// End to end in a real VS Code: code-server 4.139.1 (VS Code 1.139.1) with the packaged .vsix
// installed, driven by playwright-core in Debian's Chromium, on a workspace whose acmapi.json
// points at a sandbox CA running in this process (HTTPS) and whose domains serve a signfile.
// openssl checks the key and CSR the wizard writes; a screenshot is saved for each state.
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveSignfile, type ServeSignfileResult } from '@acmapi/core/deploy';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { CODE_SERVER_ENTRY, NODE24, runToEnd } from './support/code-server.js';
import { startWorkbench, type Workbench } from './support/session.js';
import { clearNotifications, focusedRow, notification, quickInput, runCommand, waitForRow } from './support/workbench.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = join(root, 'test-results');
// A folder of its own: clearing it at the start must not delete the other suites' screenshots.
const SCREENSHOTS = join(RESULTS, 'screenshots', 'extension');
const SIGNFILE = 'acmapi-vscode-e2e-signfile';
const CUSTOMER = 'vscode-e2e';
const AUTH_TOKEN = 'vscode-e2e-secret-token';
const DOMAINS = ['example.test', 'www.example.test', 'pending.example.test'];

let temp: TempDir;
let workspace: string;
let sandbox: Sandbox;
let signfileServer: ServeSignfileResult;
let workbench: Workbench | undefined;
let page: Page;
let workbenchMs = 0;
// Undone in reverse order by afterAll, whatever step of beforeAll failed.
const cleanups: (() => Promise<unknown>)[] = [];

async function shot(name: string): Promise<void> {
  // Let the workbench's fade-in and fade-out animations finish (they take ~200 ms).
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function findFiles(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && match(entry.name)).map((entry) => join(entry.parentPath, entry.name));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await rm(SCREENSHOTS, { recursive: true, force: true });
  await mkdir(SCREENSHOTS, { recursive: true });
  // Tools (fast when present) and the .vsix exactly as `pnpm run package` makes it.
  await runToEnd(process.execPath, [join(root, 'scripts/ensure-code-server.mjs')], { timeoutMs: 900_000 });
  temp = await makeTempDir('acmapi-vscode-e2e-');
  cleanups.push(() => temp.cleanup());
  const vsix = join(temp.path, 'acmapi-vscode.vsix');
  await runToEnd(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, timeoutMs: 120_000 });
  await runToEnd(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--out', vsix], { cwd: root, timeoutMs: 120_000 });

  signfileServer = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
  cleanups.push(() => signfileServer.close());
  sandbox = await startSandbox({
    customers: [{ customerId: CUSTOMER, authToken: AUTH_TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
    validation: { httpPort: signfileServer.port, resolve: { '*': ['127.0.0.1'] } },
    pending: { domains: ['pending.example.test'] },
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
    }),
  );
  workbench = await startWorkbench({ base: temp.path, workspace, vsix });
  page = workbench.page;
  workbenchMs = await workbench.open();
}, 900_000);

afterAll(async () => {
  await workbench?.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('acmapi in VS Code (code-server)', { timeout: 120_000 }, () => {
  afterEach(async (test) => {
    // A failing step leaves a picture of what the workbench showed.
    if (test.task.result?.state === 'fail') await shot(`failed-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  it('shows the certificates of acmapi.json and the signfile status of each domain', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="acmapi"], .activitybar .action-item[aria-label^="acmapi"]').first().click({ timeout: 30_000 });
    await waitForRow(page, 'site', 'not issued', 60_000);
    await waitForRow(page, 'slow', 'not issued');
    for (const domain of DOMAINS) await waitForRow(page, domain, 'signfile OK', 60_000);
    await shot('01-tree-signfile-status');
  });

  it('keeps the auth token set through Set Auth Token (input box, password)', async () => {
    await runCommand(page, 'acmapi: Set Auth Token');
    const input = await quickInput(page, 'acmapi auth token');
    expect(await input.getAttribute('type')).toBe('password');
    await input.fill(AUTH_TOKEN);
    await page.keyboard.press('Enter');
    await notification(page, 'auth token is saved').waitFor({ state: 'visible', timeout: 15_000 });
    await clearNotifications(page);
  });

  it('steps through the CSR wizard and writes a key and a CSR that openssl accepts', async () => {
    await runCommand(page, 'acmapi: Create CSR');
    let input = await quickInput(page, 'Create CSR: domains (1/4)');
    await input.fill('*.example.test');
    await page.locator('.quick-input-widget', { hasText: 'wildcard' }).waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('Example.TEST, www.example.test');
    await shot('02-wizard-domains');
    await page.keyboard.press('Enter');
    input = await quickInput(page, 'Create CSR: key type (2/4)');
    await focusedRow(page, 'ec-p256');
    await page.keyboard.press('Enter');
    input = await quickInput(page, 'Create CSR: subject (optional) (3/4)');
    await page.keyboard.press('Enter');
    input = await quickInput(page, 'Create CSR: output folder (4/4)');
    expect(await input.inputValue()).toBe('csr/example.test');
    await page.keyboard.press('Enter');
    await notification(page, 'Wrote the private key and the CSR').waitFor({ state: 'visible', timeout: 30_000 });
    const folder = join(workspace, 'csr', 'example.test');
    const keyMode = (await stat(join(folder, 'privkey.pem'))).mode & 0o777;
    expect(keyMode).toBe(0o600);
    const verified = await runOpenssl(['req', '-in', 'csr.pem', '-noout', '-verify', '-text'], { cwd: folder });
    expect(`${verified.stdout}${verified.stderr}`).toMatch(/verify OK/i);
    expect(verified.stdout).toContain('DNS:example.test');
    expect(verified.stdout).toContain('DNS:www.example.test');
    const key = await runOpenssl(['pkey', '-in', 'privkey.pem', '-noout', '-text'], { cwd: folder });
    expect(key.stdout).toContain('prime256v1');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await shot('03-csr-written');
  });

  it('applies with the wizard\'s key, installs the certificate, and the tree shows its expiry', async () => {
    await notification(page, 'Wrote the private key and the CSR').getByRole('button', { name: 'Apply now' }).click({ timeout: 10_000 });
    await waitForRow(page, 'site', 'days left', 60_000);
    await shot('04-issued-expiry');
    // The message may come as a toast or straight into the notification centre (a toast was
    // just clicked): look in the centre.
    await runCommand(page, 'Notifications: Show Notifications');
    await page.locator('.notifications-center', { hasText: 'Certificate site was issued' }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.press('Escape');
    await page.locator('.notifications-center').waitFor({ state: 'hidden', timeout: 10_000 });
    const wizardKey = await readFile(join(workspace, 'csr', 'example.test', 'privkey.pem'), 'utf8');
    expect(await readFile(join(workspace, 'certs', 'site', 'privkey.pem'), 'utf8')).toBe(wizardKey);
    const issued = await runOpenssl(['x509', '-in', join(workspace, 'certs', 'site', 'cert.pem'), '-noout', '-ext', 'subjectAltName']);
    expect(issued.stdout).toContain('DNS:www.example.test');
    await clearNotifications(page);
  });

  it('shows the issued certificate\'s fields in a read-only document', async () => {
    await runCommand(page, 'acmapi: Show Certificate Details');
    await page.locator('.quick-input-widget input[placeholder="Certificate to show"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type('site');
    await focusedRow(page, 'site');
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .view-lines');
    await editor.filter({ hasText: 'SHA-256 fingerprint' }).waitFor({ state: 'visible', timeout: 15_000 });
    // Monaco renders spaces as no-break spaces.
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    expect(text).toMatch(/Domains \(SAN\)\s+example\.test, www\.example\.test/);
    expect(text).toContain('Days left');
    await shot('05-certificate-details');
    await runCommand(page, 'View: Close All Editors');
  });

  it('tracks a pending certificate and turns it issued once the sandbox approves it', async () => {
    await runCommand(page, 'acmapi: Apply for Certificate');
    await page.locator('.quick-input-widget input[placeholder="Certificate to apply for"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type('slow');
    await focusedRow(page, 'slow');
    await page.keyboard.press('Enter');
    const status = page.locator('.statusbar-item', { hasText: '1 pending' }).first();
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await waitForRow(page, 'slow', 'pending at the CA');
    await shot('06-pending-tracked');
    const application = await until('a pending application at the sandbox', () => Promise.resolve(sandbox.applications().find((entry) => entry.state === 'pending')));
    expect(application.domains).toEqual(['pending.example.test']);
    await sandbox.approve(application.handleId);
    await clearNotifications(page);
    // "Retrieve now": the status-bar item's command.
    await status.click({ timeout: 10_000 });
    await notification(page, 'Certificate slow was issued').waitFor({ state: 'visible', timeout: 60_000 });
    await waitForRow(page, 'slow', 'days left', 30_000);
    await page.locator('.statusbar-item', { hasText: 'pending' }).first().waitFor({ state: 'hidden', timeout: 15_000 });
    await shot('07-pending-issued');
  });

  it('logs its activation time, which the bench reads', async () => {
    const logs = await until('the acmapi log with the activation time', async () => {
      for (const file of await findFiles(join(temp.path, 'user-data', 'logs'), (name) => name.endsWith('.log'))) {
        const text = await readFile(file, 'utf8');
        const match = /activation: ([\d.]+) ms/.exec(text);
        if (match?.[1] !== undefined) return { file, activationMs: Number(match[1]), text };
      }
      return undefined;
    });
    expect(logs.activationMs).toBeGreaterThan(0);
    expect(logs.text).not.toContain(AUTH_TOKEN);
    await writeFile(
      join(RESULTS, 'activation.json'),
      `${JSON.stringify({ activationMs: logs.activationMs, workbenchMs, codeServer: CODE_SERVER_ENTRY, node: NODE24, at: new Date().toISOString() }, null, 2)}\n`,
    );
  });
});
