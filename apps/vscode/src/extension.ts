/**
 * The extension's entry: thin. It creates the log, the view, the status item and the
 * controller, registers the commands, and loads the project in the background; everything it
 * creates is disposed with the extension. It logs its own activation time (from `activate()`
 * to the view's model being ready) for `pnpm bench`.
 */
import * as vscode from 'vscode';
import { CERTIFICATE_VIEW_TYPE, CertificateEditorProvider, WorkspaceCertificateDecorations } from './vscode/certificate-editor.js';
import { CertificateTreeProvider } from './vscode/certificate-tree.js';
import { registerCommands } from './vscode/commands.js';
import { Controller } from './vscode/controller.js';
import { t } from './vscode/l10n.js';
import { PendingStatusItem } from './vscode/pending-status.js';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('acmapi', { log: true });
  const tree = new CertificateTreeProvider();
  const status = new PendingStatusItem(t);
  const controller = new Controller({ context, log, tree, status, t });
  const view = vscode.window.createTreeView('acmapi.certificates', { treeDataProvider: tree, showCollapseAll: true });
  const decorations = new WorkspaceCertificateDecorations(controller);
  context.subscriptions.push(
    log,
    tree,
    status,
    controller,
    view,
    decorations,
    ...registerCommands(controller),
    vscode.window.registerCustomEditorProvider(CERTIFICATE_VIEW_TYPE, new CertificateEditorProvider(controller), { supportsMultipleEditorsPerDocument: true }),
    vscode.window.registerFileDecorationProvider(decorations),
    controller.onDidRefresh(() => {
      void decorations.scan();
    }),
  );
  controller
    .refresh()
    .then(() => {
      log.info(`activation: ${(performance.now() - started).toFixed(1)} ms from activate() to the tree model ready`);
      // The signfile status of every domain: in the background, after the view is up.
      return controller.checkSignfile();
    })
    .catch((error: unknown) => {
      log.error(`loading the project failed: ${controller.describe(error)}`);
    });
}

export function deactivate(): void {
  // Everything is in context.subscriptions, disposed by VS Code.
}
