/**
 * Toasts whose follow-up buttons outlive the toast (see `model/last-result.ts`): `notify`
 * shows the toast as before and keeps the result in a status-bar entry; the entry's click and
 * the command `acmapi.showLastResult` offer the same follow-ups in a quick pick.
 */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';
import { LastResult, type FollowUp, type FollowUpAction } from '../model/last-result.js';

export class FollowUps implements vscode.Disposable {
  readonly #last = new LastResult();
  readonly #item: vscode.StatusBarItem;
  readonly #t: Localize;
  readonly #log: vscode.LogOutputChannel;

  constructor(t: Localize, log: vscode.LogOutputChannel) {
    this.#t = t;
    this.#log = log;
    // Right of the token and pending entries (priorities 49, 50): the newest news last.
    this.#item = vscode.window.createStatusBarItem('acmapi.lastResult', vscode.StatusBarAlignment.Left, 48);
    this.#item.name = t('acmapi last result');
    this.#item.command = 'acmapi.showLastResult';
  }

  /** Shows `followUp` as a toast with its buttons and keeps it as the last result. */
  notify(followUp: FollowUp): void {
    this.#last.record(followUp, new Date());
    this.#render();
    const show = followUp.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(followUp.message, ...followUp.actions.map((action) => action.title)).then((title) => {
      const action = followUp.actions.find((candidate) => candidate.title === title);
      if (action !== undefined) void this.#run(action);
    });
  }

  /** The quick pick of the last result's follow-ups (the entry's click, "acmapi: Show Last Result"). */
  async showLast(): Promise<void> {
    const t = this.#t;
    const current = this.#last.current;
    if (current === undefined) {
      void vscode.window.showInformationMessage(t('No recent result with follow-ups.'));
      return;
    }
    const chosen = await vscode.window.showQuickPick(
      this.#last.picks(t).map((pick) => ({ ...pick, label: pick.action === 'dismiss' ? `$(close) ${pick.label}` : pick.label })),
      { title: current.summary, placeHolder: current.message },
    );
    if (chosen === undefined) return;
    await this.#run({ title: chosen.label, run: () => this.#last.choose(chosen) });
    this.#render();
  }

  dispose(): void {
    this.#item.dispose();
  }

  async #run(action: FollowUpAction): Promise<void> {
    try {
      await action.run();
    } catch (error) {
      this.#log.error(`${action.title}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #render(): void {
    const status = this.#last.status(this.#t);
    if (status === undefined) {
      this.#item.hide();
      return;
    }
    this.#item.text = status.text;
    this.#item.tooltip = status.tooltip;
    this.#item.backgroundColor = status.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.#item.show();
  }
}
