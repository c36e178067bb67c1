/**
 * An error as a notification with the buttons that fix it (issue 12): the words come from
 * `describeError` (the extension's advice, localised), the buttons from `fixActionsFor`.
 * VS Code keeps an error notification with buttons open until it is dismissed, and in the
 * notification centre after that, so the fixing action stays reachable; the same text goes to
 * the acmapi log.
 */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';
import { fixActionsFor, fixActionTitle, type FixAction } from '../project/error-actions.js';

async function run(action: FixAction, log: vscode.LogOutputChannel): Promise<void> {
  switch (action.kind) {
    case 'set-auth-token':
      await vscode.commands.executeCommand('acmapi.setAuthToken');
      return;
    case 'open-setting':
      await vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
      return;
    case 'check-signfile':
      await vscode.commands.executeCommand('acmapi.checkSignfile', action.domain);
      return;
    case 'open-config':
      await vscode.commands.executeCommand('acmapi.openConfig');
      return;
    case 'create-config':
      await vscode.commands.executeCommand('acmapi.createConfig');
      return;
    case 'retrieve-pending':
      await vscode.commands.executeCommand('acmapi.retrievePending', action.certificate);
      return;
    case 'show-output':
      log.show(true);
      return;
  }
}

/**
 * Logs `text` and shows it as an error with the fixing buttons for `error`; runs the one chosen.
 *
 * @param text - the whole sentence, already localised (e.g. `${title}: ${describeError(…)}`).
 */
export async function showErrorWithFixes(text: string, error: unknown, t: Localize, log: vscode.LogOutputChannel): Promise<void> {
  log.error(text);
  const actions = fixActionsFor(error);
  const titles = actions.map((action) => fixActionTitle(action, t));
  const chosen = await vscode.window.showErrorMessage(text, ...titles);
  const action = chosen === undefined ? undefined : actions[titles.indexOf(chosen)];
  if (action !== undefined) await run(action, log);
}
