/** The edge's {@link Localize}: VS Code's l10n bundle (`l10n/bundle.l10n.*.json`). */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';

export const t: Localize = (message, ...args) => vscode.l10n.t(message, ...args);
