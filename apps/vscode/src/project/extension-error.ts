/**
 * Failures that belong to the extension rather than to core (a missing auth token, a missing
 * customer id). Same shape as core's errors: a stable `code` to match on and a `hint`.
 */

/** Codes of {@link ExtensionError}. */
export type ExtensionErrorCode = 'AUTH_TOKEN_MISSING' | 'CUSTOMER_ID_MISSING' | 'CA_FILE_UNREADABLE';

/** A failure of the extension's own, with what to do about it. */
export class ExtensionError extends Error {
  override name = 'ExtensionError';
  readonly code: ExtensionErrorCode;
  /** What the user should do. */
  readonly hint: string;

  constructor(code: ExtensionErrorCode, message: string, hint: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }
}
