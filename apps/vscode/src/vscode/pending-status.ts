/** The status-bar item of the pending tracker: "N pending", a click retrieves now. */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';

/** Shows how many applications wait for the CA; hidden when none. */
export class PendingStatusItem implements vscode.Disposable {
  readonly #item: vscode.StatusBarItem;
  readonly #t: Localize;

  constructor(t: Localize) {
    this.#t = t;
    this.#item = vscode.window.createStatusBarItem('acmapi.pending', vscode.StatusBarAlignment.Left, 50);
    this.#item.name = t('acmapi pending certificates');
    this.#item.command = 'acmapi.retrievePending';
  }

  update(count: number): void {
    if (count === 0) {
      this.#item.hide();
      return;
    }
    this.#item.text = `$(watch) ${this.#t('{0} pending', count)}`;
    this.#item.tooltip = this.#t('{0} certificate(s) wait for the CA. Click to retrieve now.', count);
    this.#item.show();
  }

  dispose(): void {
    this.#item.dispose();
  }
}
