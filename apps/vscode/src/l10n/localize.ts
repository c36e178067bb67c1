/**
 * The message function the plain modules take instead of importing `vscode`: the edge passes
 * `vscode.l10n.t` (English and Simplified Chinese bundles in `l10n/`); tests pass
 * {@link formatMessage}. Messages are the English text with `{0}`, `{1}` placeholders, which
 * is also the key of `l10n/bundle.l10n.*.json` (VS Code's l10n convention).
 */

/** Formats `message`, replacing `{N}` by the N-th argument, as `vscode.l10n.t` does. */
export type Localize = (message: string, ...args: (string | number)[]) => string;

/** The English formatter: `{N}` becomes `String(args[N])`; unknown placeholders stay as written. */
export const formatMessage: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? placeholder : String(value);
  });
