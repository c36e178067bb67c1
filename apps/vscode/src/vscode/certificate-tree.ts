/** The certificates view: turns the plain {@link TreeNode}s into `vscode.TreeItem`s one to one. */
import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree-node.js';

/** The view's data provider; {@link CertificateTreeProvider.setNodes} replaces the model. */
export class CertificateTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  #nodes: readonly TreeNode[] = [];
  #firstRender: (() => void) | undefined;
  /** Resolves when the view first asked for its nodes after a model was set. */
  readonly rendered: Promise<void>;

  constructor() {
    this.rendered = new Promise((resolve) => {
      this.#firstRender = resolve;
    });
  }

  get nodes(): readonly TreeNode[] {
    return this.#nodes;
  }

  setNodes(nodes: readonly TreeNode[]): void {
    this.#nodes = nodes;
    this.#changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible =
      node.children.length === 0 ? vscode.TreeItemCollapsibleState.None : node.kind === 'certificate' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color === undefined ? undefined : new vscode.ThemeColor(node.icon.color));
    item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
    // A click opens the certificate's details (its live files in the certificate view).
    if (node.kind === 'certificate') item.command = { command: 'acmapi.openCertificate', title: node.label, arguments: [node] };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node === undefined && this.#nodes.length > 0) this.#firstRender?.();
    return [...(node === undefined ? this.#nodes : node.children)];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.#nodes.find((candidate) => candidate.children.some((child) => child.id === node.id));
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
