/**
 * The problems of `acmapi.json` in the Problems panel, each at its place (issue 12: validation
 * never reached the Problems panel). The checking is `checkConfigText` (core's rules); this
 * edge only turns its problems into diagnostics.
 */
import * as vscode from 'vscode';
import type { Localize } from '../l10n/localize.js';
import { configProblemText } from '../project/config-issue-words.js';
import type { ConfigProblem } from '../project/config-problems.js';

export class ConfigDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection('acmapi');
  readonly #t: Localize;

  /** @param t - the words: each problem is phrased from core's code and facts in the user's language. */
  constructor(t: Localize) {
    this.#t = t;
  }

  /** Replaces the problems shown for `file`. */
  set(file: vscode.Uri, problems: readonly ConfigProblem[]): void {
    this.#collection.set(
      file,
      problems.map((problem) => {
        const range = new vscode.Range(problem.start.line, problem.start.character, problem.end.line, problem.end.character);
        const diagnostic = new vscode.Diagnostic(range, configProblemText(problem, this.#t), vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'acmapi';
        // Core's stable code of the problem, for a search: the words above are the user's language.
        diagnostic.code = problem.issue?.code ?? 'CONFIG_INVALID';
        return diagnostic;
      }),
    );
  }

  clear(): void {
    this.#collection.clear();
  }

  dispose(): void {
    this.#collection.dispose();
  }
}
