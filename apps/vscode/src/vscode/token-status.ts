/**
 * Whether an auth token is set, always visible (issue 12: "nothing shows whether a token is
 * set"): a status-bar item, "token set" or a warning "no auth token", whose click runs
 * Set Auth Token. Hidden while the workspace has no valid acmapi.json. Never shows the token.
 */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';

/** The token's state as shown. */
export type TokenState = { readonly kind: 'no-project' } | { readonly kind: 'set' | 'missing'; readonly endpoint: string; readonly customerId: string | undefined };

export class TokenStatusItem implements vscode.Disposable {
  readonly #item: vscode.StatusBarItem;
  readonly #t: Localize;

  constructor(t: Localize) {
    this.#t = t;
    this.#item = vscode.window.createStatusBarItem('acmapi.token', vscode.StatusBarAlignment.Left, 49);
    this.#item.name = t('acmapi auth token');
    this.#item.command = 'acmapi.setAuthToken';
  }

  update(state: TokenState): void {
    const t = this.#t;
    if (state.kind === 'no-project') {
      this.#item.hide();
      return;
    }
    const customer = state.customerId ?? t('(none)');
    if (state.kind === 'set') {
      this.#item.text = `$(key) ${t('acmapi token set')}`;
      this.#item.tooltip = t('An auth token is set for {0} (customer id {1}), kept in VS Code\'s secret storage. Click to change or remove it.', state.endpoint, customer);
      this.#item.backgroundColor = undefined;
    } else {
      this.#item.text = `$(warning) ${t('acmapi: no auth token')}`;
      this.#item.tooltip = t('No auth token is set for {0} (customer id {1}): applications will fail. Click to set it.', state.endpoint, customer);
      this.#item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.#item.show();
  }

  dispose(): void {
    this.#item.dispose();
  }
}
