/**
 * The commands of the palette and the view's menus. Each one orchestrates: ask the user,
 * call the controller / project service with progress and cancellation, report.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { generateKeyAndCsr, normalizeDomains, parseCertificateChain, type LifecycleEvent } from '@acmapi/core';
import { ensureKeyGitignore } from '@acmapi/core/store';
import { formatCertificateDetails } from '../model/certificate-details.js';
import { formatTime, renewalLines, settingsLines } from '../model/remembered-settings.js';
import type { TreeNode } from '../model/tree-node.js';
import { reportMessage } from '../pending/pending-summary.js';
import type { ApplyOutcome, KeyAndCsr } from '../project/project-service.js';
import { addCertificate, newCertificateName } from '../project/config-edit.js';
import { CSR_WIZARD_FILES } from '../wizard/csr-wizard.js';
import type { Controller } from './controller.js';
import { CERTIFICATE_VIEW_TYPE, liveFullchain } from './certificate-editor.js';
import { runCsrWizard } from './csr-wizard-ui.js';
import { showErrorWithFixes } from './error-report.js';
import { confirmKeyLocation } from './key-guard.js';

/** The read-only documents of "Show Certificate Details". */
export const DETAILS_SCHEME = 'acmapi-certificate';

type Target = TreeNode | string | undefined;

function nameOf(target: Target): string | undefined {
  return typeof target === 'string' ? target : target?.certificateName;
}

// No "$schema": a remote URL is "untrusted" in a new file and would replace the schema this
// extension bundles (jsonValidation in package.json), which then checks nothing (issue 12).
const CONFIG_TEMPLATE = {
  endpoint: 'https://acmapi.wosign.com/',
  customerId: 'YOUR-CUSTOMER-ID',
  signfile: { name: 'signfile', path: 'signfile' },
  defaults: { keyType: 'ec-p256', storeDir: 'certs' },
  certificates: [{ name: 'example.com', domains: ['example.com', 'www.example.com'] }],
};

/** Registers every command; the returned disposables unregister them. */
export function registerCommands(controller: Controller): vscode.Disposable[] {
  const { t, log } = controller.parts;

  async function pickCertificate(target: Target, placeHolder: string): Promise<{ name: string; domains: string[] } | undefined> {
    const service = controller.service;
    if (service === undefined) {
      void vscode.window.showWarningMessage(t('No acmapi.json in this workspace: create one first.'));
      return undefined;
    }
    const records = await service.records();
    const choices = new Map<string, string[]>();
    for (const certificate of service.project.config.certificates) choices.set(certificate.name, certificate.domains);
    for (const record of records) if (!choices.has(record.name)) choices.set(record.name, record.domains);
    const name = nameOf(target) ?? (await vscode.window.showQuickPick([...choices.keys()].map((label) => ({ label, description: choices.get(label)?.join(', ') ?? '' })), { placeHolder }))?.label;
    if (name === undefined) return undefined;
    return { name, domains: choices.get(name) ?? [] };
  }

  function reportError(what: string, error: unknown): void {
    void showErrorWithFixes(`${what}: ${controller.describe(error)}`, error, t, log);
  }

  /**
   * In preflight mode `warn`, a failing signfile check is asked about BEFORE anything is sent,
   * with "Do Not Apply" as the default button (issue 12: the default was to apply anyway).
   *
   * @returns whether to go on.
   */
  async function confirmSignfile(domains: readonly string[]): Promise<boolean> {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Checking the signfile…') }, () => controller.checkSignfile(domains));
    if (result === undefined || 'reason' in result || result.ok) return true;
    const failing = result.domains.filter((domain) => !domain.ok).map((domain) => domain.domain).join(', ');
    const stop = { title: t('Do Not Apply') };
    const go = { title: t('Apply Anyway') };
    const choice = await vscode.window.showWarningMessage(
      t('The signfile check failed for {0}.', failing),
      {
        modal: true,
        detail: t('The CA will probably refuse the application (107). Hover over the domains in the acmapi view for what each address serves; apply anyway only if the CA sees the site differently from this machine (split DNS, NAT).'),
      },
      stop,
      go,
    );
    return choice === go;
  }

  /**
   * Applies under one cancellable progress notification. Core's lifecycle runs the signfile
   * preflight inside the application (acmapi.preflight.mode); its result is shown in the view,
   * and a failing one in mode `warn` (the application goes ahead) as a warning.
   */
  async function applyFlow(name: string, domains: string[], command: 'issue' | 'renew', extra: { force?: boolean; ignoreBackoff?: boolean; keyAndCsr?: KeyAndCsr } = {}): Promise<void> {
    const service = controller.service;
    if (service === undefined) return;
    const configured = service.project.config.certificates.find((certificate) => certificate.name === name);
    const title = command === 'issue' ? t('Applying for {0}', name) : t('Renewing {0}', name);
    // The store writes the new private key: say so first if git would offer it for commit.
    const store = await service.store();
    if (!(await confirmKeyLocation(join(store.dir, name, 'versions', 'new', 'privkey.pem'), t, log))) return;
    // A due-or-not renew asks the CA nothing when it is not due: the question is for a sure application.
    const asked = service.settings.preflightMode === 'warn' && (command === 'issue' || extra.force === true);
    if (asked && !(await confirmSignfile(domains))) return;
    // Set once the application is on its way to the CA: a Cancel after that cannot take it
    // back (the CA may already hold it), so it stops the waiting in the UI, not the run.
    const run = { sent: false, cancelledLate: false };
    let running: Promise<ApplyOutcome> | undefined;
    let outcome: ApplyOutcome;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        let stopWaiting: () => void = () => undefined;
        const detached = new Promise<void>((resolve) => {
          stopWaiting = resolve;
        });
        token.onCancellationRequested(() => {
          if (!run.sent) {
            abort.abort(new Error('cancelled'));
            return;
          }
          run.cancelledLate = true;
          stopWaiting();
        });
        const onEvent = (event: LifecycleEvent): void => {
          switch (event.type) {
            case 'planned':
              if ((event.plan.action === 'apply' || event.plan.action === 'resume') && service.settings.preflightMode !== 'off') {
                progress.report({ message: t('checking the signfile…') });
              }
              break;
            case 'preflight-finished':
              void controller.showPreflight(event.result);
              if (!event.result.ok && event.result.mode === 'warn' && !asked) {
                const failing = event.result.domains.filter((domain) => !domain.ok).map((domain) => domain.domain).join(', ');
                void vscode.window.showWarningMessage(t('The signfile check failed for {0}; applying anyway (acmapi.preflight.mode is warn). The CA will probably answer 107.', failing));
              }
              break;
            case 'applying':
              run.sent = true;
              progress.report({ message: t('sending the application…') });
              break;
            default:
              break;
          }
        };
        running = service.apply({ name, domains, keyType: configured?.keyType, command, force: extra.force ?? false, ignoreBackoff: extra.ignoreBackoff ?? false, keyAndCsr: extra.keyAndCsr, signal: abort.signal, onEvent });
        return Promise.race([running.then(() => undefined), detached]);
      });
      if (run.cancelledLate) {
        log.info(`${name}: Cancel after the application was sent; waiting for the CA's answer in the background`);
        void vscode.window.showWarningMessage(
          t('The application for {0} was already sent, so the CA may already hold it. acmapi keeps waiting for its answer and tracks it if it is pending; the certificate is not marked failed.', name),
        );
      }
      if (running === undefined) throw new Error(`${name}: the application did not start`);
      outcome = await running;
    } catch (error) {
      reportError(title, error);
      await controller.redraw();
      return;
    } finally {
      await controller.syncPending();
    }
    await controller.redraw();
    switch (outcome.status) {
      case 'issued':
        controller.followUps.notify({
          severity: 'info',
          message: t('Certificate {0} was issued; valid until {1}.', name, outcome.notAfter.toISOString().slice(0, 10)),
          summary: t('{0} issued', name),
          actions: [{ title: t('Show Details'), run: () => vscode.commands.executeCommand('acmapi.showDetails', name) }],
        });
        break;
      case 'pending': {
        void vscode.window.showInformationMessage(
          t('Certificate {0} is pending at the CA (handle {1}). It is retrieved in the background; you will be told when it arrives.', name, outcome.handleId),
        );
        break;
      }
      case 'refused':
        void vscode.window.showWarningMessage(t('The CA refused certificate {0}: {1}', name, outcome.message));
        break;
      case 'already-pending':
        controller.followUps.notify({
          severity: 'info',
          message: t('Certificate {0} already has application {1} pending at the CA.', name, outcome.handleId),
          summary: t('{0} pending at the CA', name),
          actions: [{ title: t('Retrieve now'), run: () => vscode.commands.executeCommand('acmapi.retrievePending', name) }],
        });
        break;
      case 'skipped':
        controller.followUps.notify({
          severity: 'info',
          message: t('Certificate {0} is not yet due for renewal ({1} days left; due from {2}).', name, outcome.daysLeft, outcome.renewAt.toISOString().slice(0, 10)),
          summary: t('{0}: renewal not due', name),
          actions: [{ title: t('Renew anyway'), run: () => applyFlow(name, domains, command, { ...extra, force: true }) }],
        });
        break;
      case 'skipped-by-backoff':
        controller.followUps.notify({
          severity: 'warning',
          message: t('Certificate {0} failed {1} time(s) in a row (last error {2}); Renew waits until {3} before trying again.', name, outcome.failures, outcome.code, formatTime(outcome.nextAttemptAt)),
          summary: t('{0}: Renew waits after failures', name),
          // Tries now without forcing: a pending application stays the one retrieved.
          actions: [{ title: t('Try now'), run: () => applyFlow(name, domains, command, { ...extra, ignoreBackoff: true }) }],
        });
        break;
    }
  }

  async function createCsr(target: Target): Promise<void> {
    const folder = controller.folder;
    if (folder === undefined) {
      void vscode.window.showWarningMessage(t('Open a folder first: the CSR wizard writes into the workspace.'));
      return;
    }
    const initial = typeof target === 'object' && target.kind === 'certificate' ? target.children.flatMap((child) => (child.domain === undefined ? [] : [child.domain])) : [];
    const answers = await runCsrWizard(t, folder.fsPath, initial);
    if (answers === undefined) return;
    const keyFile = join(answers.outputFolder, CSR_WIZARD_FILES.privateKey);
    const csrFile = join(answers.outputFolder, CSR_WIZARD_FILES.csr);
    if (await exists(keyFile)) {
      // The first button is the default (Enter): keeping the key is the safe one.
      const keep = { title: t('Keep the Existing Key') };
      const overwrite = { title: t('Overwrite') };
      const choice = await vscode.window.showWarningMessage(t('{0} exists. Overwrite the private key?', keyFile), { modal: true }, keep, overwrite);
      if (choice !== overwrite) return;
    }
    // Before the key exists: a .gitignore for it in its folder (core's rules for key folders),
    // then git's own verdict, asked about when git would still offer the key for commit.
    await mkdir(answers.outputFolder, { recursive: true, mode: 0o700 });
    if (await ensureKeyGitignore(answers.outputFolder)) log.info(`wrote ${join(answers.outputFolder, '.gitignore')} (keeps the private key out of git)`);
    if (!(await confirmKeyLocation(keyFile, t, log))) return;
    let made: KeyAndCsr;
    try {
      made = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Generating a {0} private key and a CSR…', answers.keyType) }, () =>
        generateKeyAndCsr({ domains: answers.domains, keyType: answers.keyType, ...(answers.subject === undefined ? {} : { subject: answers.subject }) }),
      );
      await mkdir(answers.outputFolder, { recursive: true, mode: 0o700 });
      await writeFile(keyFile, made.privateKeyPem, { mode: 0o600 });
      // The mode of writeFile applies only to a new file: make sure an old one is private too.
      await chmod(keyFile, 0o600);
      await writeFile(csrFile, made.csrPem, { mode: 0o644 });
    } catch (error) {
      reportError(t('Create CSR'), error);
      return;
    }
    const shown = relative(folder.fsPath, answers.outputFolder) || '.';
    log.info(`wrote ${CSR_WIZARD_FILES.privateKey} (0600) and ${CSR_WIZARD_FILES.csr} for ${answers.domains.join(', ')} to ${answers.outputFolder}`);
    const applyNow = async (): Promise<void> => {
      if (controller.service === undefined) {
        void vscode.window.showWarningMessage(t('No acmapi.json in this workspace: create one first.'));
        return;
      }
      const wanted = new Set(normalizeDomains(answers.domains));
      const same = controller.configuredCertificates().find((certificate) => certificate.domains.length === wanted.size && certificate.domains.every((domain) => wanted.has(domain)));
      const name = same?.name ?? (await offerToAddCertificate(answers.domains));
      if (name === undefined) return;
      await applyFlow(name, answers.domains, 'issue', { keyAndCsr: made });
    };
    controller.followUps.notify({
      severity: 'info',
      message: t('Wrote the private key and the CSR for {0} to {1}.', answers.domains.join(', '), shown),
      summary: t('CSR written for {0}', answers.domains[0] ?? shown),
      actions: [
        { title: t('Apply now'), run: applyNow },
        { title: t('Open CSR'), run: () => vscode.window.showTextDocument(vscode.Uri.file(csrFile)) },
      ],
    });
  }

  /**
   * Domains that no certificate of acmapi.json lists: offers to add them as a certificate, so
   * that it is listed, renewed and checked with the project (issue 12).
   *
   * @returns the certificate's name to apply under, or `undefined` when the user cancelled.
   */
  async function offerToAddCertificate(domains: readonly string[]): Promise<string | undefined> {
    const service = controller.service;
    if (service === undefined) return undefined;
    const taken = [...service.project.config.certificates.map((certificate) => certificate.name), ...(await service.records()).map((record) => record.name)];
    const name = newCertificateName(domains, taken);
    const add = { title: t('Add to acmapi.json') };
    const storeOnly = { title: t('Apply Without Adding') };
    const choice = await vscode.window.showInformationMessage(
      t('No certificate of acmapi.json has the domains {0}.', domains.join(', ')),
      { modal: true, detail: t('Add them to acmapi.json as certificate {0}? Then the view lists it and Renew and the signfile check include it. Without it, the certificate exists only in the store.', name) },
      add,
      storeOnly,
    );
    if (choice === storeOnly) return name;
    if (choice !== add) return undefined;
    const file = service.project.configFile;
    await writeFile(file, addCertificate(await readFile(file, 'utf8'), { name, domains }), 'utf8');
    log.info(`added certificate ${name} (${domains.join(', ')}) to ${file}`);
    await controller.refresh();
    return name;
  }

  const details: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const service = controller.service;
      const name = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.txt$/, ''));
      const record = await service?.store().then((store) => store.get(name));
      const live = await service?.liveCertificate(name);
      if (record === undefined) return t('Certificate {0} has not been issued yet.', name);
      // Not issued yet (e.g. a first application that failed): what Renew will do with it still matters.
      if (live === undefined) return `${[t('Certificate {0} has not been issued yet.', name), '', ...renewalLines(record, t), ...settingsLines(record.settings, t)].join('\n')}\n`;
      return formatCertificateDetails(parseCertificateChain(live.certPem + live.chainPem), record, new Date(), t);
    },
  };

  const register = (id: string, run: (target: Target) => Promise<unknown>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (target: Target) => {
      try {
        await run(target);
      } catch (error) {
        reportError(id, error);
      }
    });

  return [
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    register('acmapi.refresh', async () => {
      await controller.refresh();
    }),
    register('acmapi.setAuthToken', async () => {
      const config = controller.service?.project.config;
      if (config === undefined) {
        const create = t('Create acmapi.json');
        const choice = await vscode.window.showWarningMessage(t('The auth token belongs to the endpoint of acmapi.json: create acmapi.json first.'), create);
        if (choice === create) await vscode.commands.executeCommand('acmapi.createConfig');
        return;
      }
      // One token per endpoint: it may be set before the customer id is filled in.
      const isSet = (await controller.tokens.get(config.endpoint, config.customerId)) !== undefined;
      const token = await vscode.window.showInputBox({
        title: t('acmapi auth token'),
        prompt: isSet
          ? t('A token is set for {0}. Enter a new one to replace it; leave it empty to remove it (you will be asked). Kept in VS Code\'s secret storage only.', config.endpoint)
          : t('The auth token the CA issued for {0}. Kept in VS Code\'s secret storage only.', config.endpoint),
        password: true,
        ignoreFocusOut: true,
      });
      if (token === undefined) return;
      if (token.trim() === '') {
        if (!isSet) return;
        const keep = { title: t('Keep the Token') };
        const remove = { title: t('Remove') };
        const choice = await vscode.window.showWarningMessage(t('Remove the auth token of {0}?', config.endpoint), { modal: true, detail: t('Applications and renewals from VS Code fail until a token is set again.') }, keep, remove);
        if (choice !== remove) return;
        await controller.tokens.delete(config.endpoint);
        await controller.updateTokenStatus();
        void vscode.window.showInformationMessage(t('The auth token was removed.'));
        return;
      }
      await controller.tokens.set(config.endpoint, token.trim());
      await controller.updateTokenStatus();
      log.info(`auth token stored in the secret storage for ${config.endpoint}`);
      void vscode.window.showInformationMessage(t('The auth token is saved in the secret storage.'));
    }),
    register('acmapi.openConfig', async () => {
      const file = controller.service?.project.configFile ?? (controller.folder === undefined ? undefined : join(controller.folder.fsPath, 'acmapi.json'));
      if (file === undefined || !(await exists(file))) {
        await vscode.commands.executeCommand('acmapi.createConfig');
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }),
    register('acmapi.showLastResult', () => controller.followUps.showLast()),
    register('acmapi.showOutput', () => {
      log.show(true);
      return Promise.resolve();
    }),
    register('acmapi.createConfig', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (folder === undefined) {
        void vscode.window.showWarningMessage(t('Open a folder first: acmapi.json belongs in the root of a project.'));
        return;
      }
      const file = vscode.Uri.joinPath(folder, 'acmapi.json');
      if (!(await exists(file.fsPath))) await vscode.workspace.fs.writeFile(file, Buffer.from(`${JSON.stringify(CONFIG_TEMPLATE, null, 2)}\n`, 'utf8'));
      await vscode.window.showTextDocument(file);
      await controller.refresh();
    }),
    register('acmapi.createCsr', createCsr),
    register('acmapi.apply', async (target) => {
      const chosen = await pickCertificate(target, t('Certificate to apply for'));
      if (chosen !== undefined) await applyFlow(chosen.name, chosen.domains, 'issue');
    }),
    register('acmapi.renew', async (target) => {
      const chosen = await pickCertificate(target, t('Certificate to renew'));
      if (chosen !== undefined) await applyFlow(chosen.name, chosen.domains, 'renew');
    }),
    register('acmapi.checkSignfile', async (target) => {
      if (controller.service === undefined) {
        const create = t('Create acmapi.json');
        const choice = await vscode.window.showWarningMessage(t('Check Signfile needs acmapi.json: it names the domains and the signfile to check.'), create);
        if (choice === create) await vscode.commands.executeCommand('acmapi.createConfig');
        return;
      }
      // A string is one domain (the button under a 107 error).
      const domains =
        typeof target === 'object'
          ? target.domain !== undefined
            ? [target.domain]
            : target.children.flatMap((child) => (child.domain === undefined ? [] : [child.domain]))
          : typeof target === 'string'
            ? [target]
            : undefined;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Checking the signfile…'), cancellable: true }, async (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          abort.abort(new Error('cancelled'));
        });
        const result = await controller.checkSignfile(domains, abort.signal);
        if (result === undefined) return;
        if ('reason' in result) {
          controller.followUps.notify({
            severity: 'warning',
            message: t('The signfile check did not run: {0}', result.reason),
            summary: t('signfile check did not run'),
            actions: [{ title: t('Open acmapi.json'), run: () => vscode.commands.executeCommand('acmapi.openConfig') }],
          });
          return;
        }
        const failing = result.domains.filter((domain) => !domain.ok).map((domain) => domain.domain);
        if (failing.length === 0) void vscode.window.showInformationMessage(t('The signfile is served for every domain checked ({0}).', result.domains.length));
        else void vscode.window.showWarningMessage(t('The signfile check failed for {0}.', failing.join(', ')));
      });
    }),
    register('acmapi.retrievePending', async (target) => {
      const name = nameOf(target);
      await controller.syncPending();
      if (controller.poller.pending.length === 0) {
        void vscode.window.showInformationMessage(t('No certificate is pending at the CA.'));
        return;
      }
      const reports = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Asking the CA for pending certificates…') }, () => controller.poller.pollNow(name));
      await controller.redraw();
      // Always an answer (issue 12): the tracker announces issued and refused itself; the rest is said here.
      if (reports.length === 0 && name !== undefined) void vscode.window.showInformationMessage(t('Certificate {0} is not pending at the CA.', name));
      const now = new Date();
      for (const report of reports) {
        if (report.kind === 'answered' && report.outcome.status !== 'pending') continue;
        const message = reportMessage(report, now, t, (error) => controller.describe(error));
        if (report.kind === 'error') log.error(message.text);
        else log.info(message.text);
        const show = message.severity === 'error' ? vscode.window.showErrorMessage : message.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
        const output = t('Show Output');
        void show(message.text, ...(report.kind === 'error' ? [output] : [])).then((choice) => {
          if (choice === output) log.show(true);
        });
      }
    }),
    register('acmapi.showDetails', async (target) => {
      const chosen = await pickCertificate(target, t('Certificate to show'));
      if (chosen === undefined) return;
      const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${encodeURIComponent(chosen.name)}.txt` });
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }),
    register('acmapi.openCertificate', async (target) => {
      const chosen = await pickCertificate(target, t('Certificate to show'));
      const service = controller.service;
      if (chosen === undefined || service === undefined) return;
      const record = await service.store().then((store) => store.get(chosen.name));
      // Issued: its live full chain in the certificate view; else what is known (the details document).
      if (record?.live === undefined) await vscode.commands.executeCommand('acmapi.showDetails', chosen.name);
      else await vscode.commands.executeCommand('vscode.openWith', liveFullchain(service.project.storeDir, chosen.name), CERTIFICATE_VIEW_TYPE, { preview: true });
    }),
    register('acmapi.revealFiles', async (target) => {
      const chosen = await pickCertificate(target, t('Certificate to reveal'));
      const service = controller.service;
      if (chosen === undefined || service === undefined) return;
      const dir = vscode.Uri.file(join(service.project.storeDir, chosen.name));
      if (!(await exists(dir.fsPath))) {
        void vscode.window.showInformationMessage(t('Certificate {0} has no files yet.', chosen.name));
        return;
      }
      const inWorkspace = vscode.workspace.getWorkspaceFolder(dir) !== undefined;
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', dir);
    }),
  ];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
