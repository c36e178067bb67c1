/**
 * The shape of the certificates view, free of `vscode`: `tree-model.ts` builds these nodes and
 * the edge (`src/vscode/certificate-tree.ts`) turns each into a `vscode.TreeItem` one to one.
 */

/** A codicon and, optionally, a theme colour id (e.g. `charts.green`). */
export interface NodeIcon {
  /** Codicon id, e.g. `verified-filled`. */
  readonly id: string;
  /** Theme colour id, e.g. `problemsWarningIcon.foreground`. */
  readonly color?: string;
}

/** What a node stands for; commands receive the node and act on it. */
export type NodeKind = 'certificate' | 'domain' | 'pending' | 'message';

/** One row of the view. */
export interface TreeNode {
  /** Stable across refreshes (keeps expansion and selection). */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** Shown dimmed beside the label. */
  readonly description: string;
  /** Shown on hover; several lines. */
  readonly tooltip: string;
  readonly icon: NodeIcon;
  /**
   * For `when` clauses of menus: `acmapi.certificate.<state>`, `acmapi.domain.<status>`,
   * `acmapi.pending`, `acmapi.message`.
   */
  readonly contextValue: string;
  /** The certificate's store name (certificate, domain and pending nodes). */
  readonly certificateName?: string;
  /** The domain (domain nodes). */
  readonly domain?: string;
  /** The application's handle (pending nodes). */
  readonly handleId?: string;
  readonly children: readonly TreeNode[];
}
