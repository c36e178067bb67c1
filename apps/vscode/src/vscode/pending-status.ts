/**
 * The status-bar item of the pending tracker: "N pending", a tooltip listing each pending
 * certificate with its next check and the poll interval (`pendingTooltip`), a click retrieves now.
 */
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

  /** `tooltip`: the tracker's summary (see `pendingTooltip`). */
  update(count: number, tooltip: string): void {
    if (count === 0) {
      this.#item.hide();
      return;
    }
    this.#item.text = `$(watch) ${this.#t('{0} pending', count)}`;
    this.#item.tooltip = tooltip;
    this.#item.show();
  }

  dispose(): void {
    this.#item.dispose();
  }
}
