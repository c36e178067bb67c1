/**
 * The last result that offered follow-ups (issue 12: "follow-up buttons vanish with the
 * toast"). VS Code hides an information or warning toast after a few seconds, and its buttons
 * then live only in the notification centre. So every toast with follow-up buttons is also
 * kept here, and the edge shows it as a status-bar entry ("$(bell-dot) site issued") whose
 * click, or the command "acmapi: Show Last Result", offers the same follow-ups again, until a
 * newer result replaces it or the user dismisses it. Pure: the edge (`vscode/follow-ups.ts`)
 * shows the toast, the entry and the quick pick.
 */
import type { Localize } from '../l10n/localize.js';
import { formatTime } from './remembered-settings.js';

/** One follow-up button: its title (the same on the toast and in the quick pick) and what it does. */
export interface FollowUpAction {
  readonly title: string;
  readonly run: () => PromiseLike<unknown> | undefined;
}

/** A result worth a toast with follow-ups. */
export interface FollowUp {
  readonly severity: 'info' | 'warning';
  /** The toast's text, also the entry's tooltip. */
  readonly message: string;
  /** A few words for the status bar, e.g. "site issued". */
  readonly summary: string;
  /** The follow-ups, in the toast's order. */
  readonly actions: readonly FollowUpAction[];
}

/** The status-bar entry of the last result. */
export interface LastResultStatus {
  /** With a codicon: `$(bell-dot) site issued`, `$(warning) …` for a warning. */
  readonly text: string;
  readonly tooltip: string;
  readonly warning: boolean;
}

/** One row of the quick pick: a follow-up, or "Dismiss" (which removes the entry). */
export interface LastResultPick {
  readonly label: string;
  readonly action: FollowUpAction | 'dismiss';
}

/** See the module comment. */
export class LastResult {
  #entry: { readonly followUp: FollowUp; readonly at: Date } | undefined;

  /** Keeps `followUp` (shown at `at`) as the last result, replacing the one before. A result without follow-ups is not kept. */
  record(followUp: FollowUp, at: Date): void {
    if (followUp.actions.length === 0) return;
    this.#entry = { followUp, at };
  }

  /** The last result, or `undefined` when there is none or it was dismissed. */
  get current(): FollowUp | undefined {
    return this.#entry?.followUp;
  }

  dismiss(): void {
    this.#entry = undefined;
  }

  /** The status-bar entry; `undefined` when there is nothing to show (the entry is hidden). */
  status(t: Localize): LastResultStatus | undefined {
    if (this.#entry === undefined) return undefined;
    const { followUp, at } = this.#entry;
    const warning = followUp.severity === 'warning';
    return {
      text: `$(${warning ? 'warning' : 'bell-dot'}) ${followUp.summary}`,
      tooltip: `${followUp.message}\n\n${t('At {0}. Click for: {1}.', formatTime(at), followUp.actions.map((action) => action.title).join(', '))}`,
      warning,
    };
  }

  /** The quick pick's rows: the follow-ups, then "Dismiss"; empty when there is no last result. */
  picks(t: Localize): LastResultPick[] {
    if (this.#entry === undefined) return [];
    return [...this.#entry.followUp.actions.map((action) => ({ label: action.title, action })), { label: t('Dismiss'), action: 'dismiss' as const }];
  }

  /**
   * Runs the chosen row: a follow-up (the entry stays, so another of its follow-ups can
   * still be chosen; a result it leads to replaces it), or "Dismiss".
   */
  choose(pick: LastResultPick): PromiseLike<unknown> | undefined {
    if (pick.action === 'dismiss') {
      this.dismiss();
      return undefined;
    }
    return pick.action.run();
  }
}
