/**
 * Ties the plain modules to VS Code: finds `acmapi.json`, keeps the view's model (config +
 * store records + signfile statuses), runs the pending poller, and reports to the user.
 * Commands (`commands.ts`) call its methods.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isAcmApiError, type PreflightResult } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import { signfileStatuses, type SignfileStatus } from '../model/signfile-status.js';
import { buildTreeModel, countPending, type ConfiguredCertificate } from '../model/tree-model.js';
import type { TreeNode } from '../model/tree-node.js';
import { pendingTooltip } from '../pending/pending-summary.js';
import { DEFAULT_POLL_BACKOFF, PendingPoller, type PendingItem, type PollBackoff, type PollOutcome } from '../pending/poller.js';
import { describeError, preflightFailureAdvice } from '../project/advice.js';
import { checkConfigText } from '../project/config-problems.js';
import { failurePhrase } from '../project/human-words.js';
import { ProjectService } from '../project/project-service.js';
import { AuthTokenStore } from './auth-token.js';
import type { CertificateTreeProvider } from './certificate-tree.js';
import { ConfigDiagnostics } from './config-diagnostics.js';
import { FollowUps } from './follow-ups.js';
import { TokenStatusItem } from './token-status.js';
import type { PendingStatusItem } from './pending-status.js';
import { readPollBackoff, readProjectSettings } from './settings.js';

/** The parts the controller works with, made by `activate`. */
export interface ControllerParts {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly tree: CertificateTreeProvider;
  readonly status: PendingStatusItem;
  readonly t: Localize;
}

/** See the module comment. */
export class Controller implements vscode.Disposable {
  readonly parts: ControllerParts;
  readonly tokens: AuthTokenStore;
  /** Toasts with follow-ups, kept in the status bar after the toast hides. */
  readonly followUps: FollowUps;
  readonly #signfile = new Map<string, SignfileStatus>();
  readonly #poller: PendingPoller;
  readonly #disposables: vscode.Disposable[] = [];
  #service: ProjectService | undefined;
  #folder: vscode.Uri | undefined;
  #refreshing: Promise<void> | undefined;
  #storeWatcher: vscode.FileSystemWatcher | undefined;
  readonly #diagnostics: ConfigDiagnostics;
  readonly #tokenStatus: TokenStatusItem;
  /** Certificate entries of acmapi.json left out of the view for their problems (shown as rows). */
  #skipped: readonly { readonly index: number; readonly name: string | undefined }[] = [];
  /** Endpoints already asked for their token in this window: asked once, not on every save. */
  readonly #askedForToken = new Set<string>();
  #backoff: PollBackoff = DEFAULT_POLL_BACKOFF;
  readonly #refreshed = new vscode.EventEmitter<void>();
  /** Fires after each reload of acmapi.json (the workspace scan for certificates follows it). */
  readonly onDidRefresh = this.#refreshed.event;
  #pendingCount = 0;

  constructor(parts: ControllerParts) {
    this.parts = parts;
    this.tokens = new AuthTokenStore(parts.context.secrets);
    this.#tokenStatus = new TokenStatusItem(parts.t);
    this.#diagnostics = new ConfigDiagnostics(parts.t);
    this.followUps = new FollowUps(parts.t, parts.log);
    this.#backoff = readPollBackoff(undefined);
    this.#poller = new PendingPoller({
      list: async () => (this.#service === undefined ? [] : this.#service.pendingItems()),
      retrieve: (item, signal) => this.#retrieve(item, signal),
      onOutcome: (item, outcome) => {
        this.#announce(item, outcome);
      },
      onError: (item, error) => {
        parts.log.warn(`${item.certificateName}: polling ${item.handleId} failed: ${this.describe(error)}; trying again later`);
      },
      // Another window or an `acmapi` command holds the certificate: it is asking the CA already.
      isBusy: (error) => isAcmApiError(error) && error.code === 'STORE_LOCKED',
      onSchedule: () => {
        // The tree's "next check" and the status bar's tooltip follow the schedule.
        void this.redraw();
      },
      backoff: this.#backoff,
    });
    const configWatcher = vscode.workspace.createFileSystemWatcher('**/acmapi.json');
    const onConfig = (): void => {
      void this.refresh();
    };
    this.#disposables.push(
      configWatcher,
      configWatcher.onDidCreate(onConfig),
      configWatcher.onDidChange(onConfig),
      configWatcher.onDidDelete(onConfig),
      vscode.workspace.onDidChangeWorkspaceFolders(onConfig),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('acmapi')) {
          this.#setBackoff(readPollBackoff(this.#folder));
          void this.refresh();
        }
      }),
    );
  }

  /** The loaded project, or `undefined` when the workspace has no valid `acmapi.json`. */
  get service(): ProjectService | undefined {
    return this.#service;
  }

  /** The workspace folder holding `acmapi.json` (else the first folder). */
  get folder(): vscode.Uri | undefined {
    return this.#folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  get poller(): PendingPoller {
    return this.#poller;
  }

  /** The certificates of the project file, for pickers. */
  configuredCertificates(): ConfiguredCertificate[] {
    return this.#service?.project.config.certificates ?? [];
  }

  /** Reloads `acmapi.json` and the store and rebuilds the view. Concurrent calls share one run. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
      this.#refreshed.fire();
    });
    return this.#refreshing;
  }

  /** Rebuilds the view from the store without reloading `acmapi.json`. */
  async redraw(): Promise<void> {
    const service = this.#service;
    if (service === undefined) return;
    const records = await service.records();
    const now = new Date();
    const schedule = this.#poller.schedule;
    this.parts.tree.setNodes([
      ...this.#skipped.map((entry) => this.#skippedNode(entry)),
      ...buildTreeModel({ certificates: service.project.config.certificates, records, signfile: this.#signfile, now, t: this.parts.t, schedule }),
    ]);
    this.#pendingCount = countPending(records);
    this.parts.status.update(this.#pendingCount, pendingTooltip(schedule, this.#backoff, now, this.parts.t));
  }

  /** The number of certificates pending at the CA, as the store said at the last redraw. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  /**
   * Runs the signfile preflight for `domains` (all of the project when absent) and shows the
   * result per domain.
   */
  async checkSignfile(domains?: readonly string[], signal?: AbortSignal): Promise<PreflightResult | { reason: string } | undefined> {
    const service = this.#service;
    if (service === undefined) return undefined;
    const wanted = [...new Set(domains ?? service.project.config.certificates.flatMap((certificate) => certificate.domains))];
    if (wanted.length === 0) return undefined;
    for (const domain of wanted) this.#signfile.set(domain, { state: 'checking' });
    await this.redraw();
    let result: PreflightResult | { reason: string };
    try {
      result = await service.preflight(wanted, signal);
    } catch (error) {
      result = { reason: this.describe(error) };
    }
    if ('reason' in result) {
      for (const domain of wanted) this.#signfile.set(domain, { state: 'unavailable', reason: result.reason });
      this.parts.log.warn(`signfile check not run: ${result.reason}`);
      await this.redraw();
      return { reason: result.reason };
    }
    for (const domain of result.domains) {
      this.parts.log.info(`signfile ${domain.domain}: ${domain.ok ? 'ok' : `failing (${domain.failure?.kind ?? 'unknown'}): ${domain.failure?.message ?? ''}`}`);
    }
    await this.showPreflight(result);
    return result;
  }

  /** Shows a preflight's result per domain in the view (e.g. the one an application ran). */
  async showPreflight(result: PreflightResult): Promise<void> {
    for (const [domain, status] of signfileStatuses(result, (failure) => preflightFailureAdvice(failure, this.parts.t))) this.#signfile.set(domain, status);
    await this.redraw();
  }

  /** Describes `error` in the extension's words, for the log and the notifications. */
  describe(error: unknown): string {
    return describeError(error, this.parts.t, { signfileName: this.#service?.project.config.signfile.name });
  }

  /** Shows whether the project's endpoint has a token; `ask` offers to set a missing one (once per endpoint and window). */
  async updateTokenStatus(ask = false): Promise<void> {
    const config = this.#service?.project.config;
    if (config === undefined) {
      this.#tokenStatus.update({ kind: 'no-project' });
      return;
    }
    const token = await this.tokens.get(config.endpoint, config.customerId);
    this.#tokenStatus.update({ kind: token === undefined ? 'missing' : 'set', endpoint: config.endpoint, customerId: config.customerId });
    if (!ask || token !== undefined || this.#askedForToken.has(config.endpoint)) return;
    this.#askedForToken.add(config.endpoint);
    const { t } = this.parts;
    // Not a follow-up kept in the last-result entry: the token's own status-bar entry offers the same, always.
    const set = t('Set Auth Token');
    void vscode.window.showInformationMessage(t('acmapi.json is ready. No auth token is set for {0} yet: set the token the CA issued with your customer id.', config.endpoint), set).then((choice) =>
      choice === set ? vscode.commands.executeCommand('acmapi.setAuthToken') : undefined,
    );
  }

  /** Reads the store's pending applications into the poller (after an apply or a refresh). */
  async syncPending(): Promise<void> {
    await this.#poller.sync();
  }

  dispose(): void {
    this.#refreshed.dispose();
    this.#poller.dispose();
    this.#storeWatcher?.dispose();
    this.#diagnostics.dispose();
    this.#tokenStatus.dispose();
    this.followUps.dispose();
    for (const disposable of this.#disposables) disposable.dispose();
  }

  async #refresh(): Promise<void> {
    const { log, t, tree } = this.parts;
    const folders = vscode.workspace.workspaceFolders ?? [];
    let found: vscode.Uri | undefined;
    for (const folder of folders) {
      const candidate = vscode.Uri.joinPath(folder.uri, 'acmapi.json');
      try {
        await vscode.workspace.fs.stat(candidate);
        found = folder.uri;
        break;
      } catch {
        // No project file in this folder.
      }
    }
    this.#folder = found;
    await vscode.commands.executeCommand('setContext', 'acmapi.hasConfig', found !== undefined);
    this.#diagnostics.clear();
    this.#skipped = [];
    if (found === undefined) {
      this.#service = undefined;
      tree.setNodes([]);
      await this.updateTokenStatus();
      this.parts.status.update(0, '');
      await this.#poller.sync();
      return;
    }
    // Core's rules on the file's text: each problem in the Problems panel at its line, and the
    // valid certificates still shown when only some entries have problems.
    const configUri = vscode.Uri.joinPath(found, 'acmapi.json');
    let checked: ReturnType<typeof checkConfigText> | undefined;
    try {
      checked = checkConfigText(Buffer.from(await vscode.workspace.fs.readFile(configUri)).toString('utf8'));
      this.#diagnostics.set(configUri, checked.problems);
      this.#skipped = checked.skipped;
    } catch (error) {
      // Unreadable: ProjectService.open below reports it in core's words.
      log.warn(`acmapi.json could not be checked: ${this.describe(error)}`);
    }
    try {
      const folder = found;
      this.#service = await ProjectService.open({
        configFile: join(folder.fsPath, 'acmapi.json'),
        config: checked?.config,
        settings: readProjectSettings(folder),
        authToken: async () => {
          const config = this.#service?.project.config;
          // Read before any store lock is taken (the lifecycle asks for it first): one token per endpoint.
          return config === undefined ? undefined : this.tokens.get(config.endpoint, config.customerId);
        },
        log,
        t,
      });
    } catch (error) {
      this.#service = undefined;
      await this.updateTokenStatus();
      log.error(`acmapi.json: ${this.describe(error)}`);
      const message: TreeNode = {
        id: 'config-error',
        kind: 'message',
        label: t('acmapi.json has problems'),
        description: isAcmApiError(error) ? (checked?.problems.length ? t('{0} problem(s): see the Problems panel', checked.problems.length) : failurePhrase(error.code, t)) : '',
        tooltip: this.describe(error),
        icon: { id: 'error', color: 'errorForeground' },
        contextValue: 'acmapi.message',
        children: [],
      };
      tree.setNodes([message]);
      return;
    }
    this.#watchStore(this.#service.project.storeDir);
    this.#setBackoff(readPollBackoff(found));
    await this.redraw();
    await this.updateTokenStatus(true);
    await this.#poller.sync();
  }

  #skippedNode(entry: { readonly index: number; readonly name: string | undefined }): TreeNode {
    const { t } = this.parts;
    const label = entry.name ?? t('certificate #{0}', entry.index + 1);
    return {
      id: `config-skipped/${entry.index}`,
      kind: 'message',
      label,
      description: t('not loaded: fix it in acmapi.json'),
      tooltip: t('This entry of acmapi.json has problems (see the Problems panel); the other certificates are shown.'),
      icon: { id: 'warning', color: 'problemsWarningIcon.foreground' },
      contextValue: 'acmapi.message',
      children: [],
    };
  }

  #setBackoff(backoff: PollBackoff): void {
    this.#backoff = backoff;
    this.#poller.setBackoff(backoff);
  }

  #watchStore(storeDir: string): void {
    this.#storeWatcher?.dispose();
    // `acmapi` in a terminal changes the store too: follow its commit points.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(storeDir), '*/state.json'));
    const onStore = (): void => {
      void this.redraw().then(() => this.#poller.sync());
    };
    watcher.onDidCreate(onStore);
    watcher.onDidChange(onStore);
    this.#storeWatcher = watcher;
  }

  async #retrieve(item: PendingItem, signal: AbortSignal): Promise<PollOutcome> {
    const service = this.#service;
    if (service === undefined) return { status: 'pending' };
    const outcome = await service.retrieve(item, signal);
    await this.redraw();
    return outcome;
  }

  #announce(item: PendingItem, outcome: PollOutcome): void {
    const { t, log } = this.parts;
    if (outcome.status === 'pending') {
      log.info(`${item.certificateName}: ${item.handleId} still pending`);
      return;
    }
    if (outcome.status === 'issued') {
      this.followUps.notify({
        severity: 'info',
        message: t('Certificate {0} was issued; valid until {1}.', item.certificateName, outcome.notAfter.toISOString().slice(0, 10)),
        summary: t('{0} issued', item.certificateName),
        actions: [{ title: t('Show Details'), run: () => vscode.commands.executeCommand('acmapi.showDetails', item.certificateName) }],
      });
      return;
    }
    void vscode.window.showWarningMessage(t('The CA refused certificate {0}: {1}', item.certificateName, outcome.message));
  }
}
