/**
 * The extension's words for a failure: one line for the log and the notifications. Core's
 * errors carry facts (`code`, context fields, a neutral `hint`); where the extension has its
 * own advice for a `code` — acmapi.json fields, `acmapi.*` settings, its commands — that advice
 * is shown instead of core's hint. Never includes a secret: core's messages hold none, and
 * the extension's own errors name settings, not values.
 */
import { OptionsError, PreflightError, isAcmApiError, type AcmApiError } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import { ExtensionError } from './extension-error.js';

/** Describes `error` in the extension's words (see the module comment), ending with `[CODE]` for core's errors. */
export function describeError(error: unknown, t: Localize): string {
  if (error instanceof ExtensionError) return `${error.message} ${error.hint}`;
  if (!isAcmApiError(error)) return error instanceof Error ? error.message : String(error);
  const own = ownWords(error, t);
  if (own !== undefined) return `${own} [${error.code}]`;
  const hint = hintOf(error);
  return `${error.message}${hint === undefined ? '' : ` ${hint}`} [${error.code}]`;
}

/** The extension's own message or advice for errors it can say more about, by `code`. */
function ownWords(error: AcmApiError, t: Localize): string | undefined {
  switch (error.code) {
    case 'KEY_REQUIRED':
      return t(
        'A CSR in acmapi.json comes without its private key. Name the key file as "key" beside "csr" in acmapi.json (by default privkey.pem beside the CSR, as Create CSR writes them), or remove "csr" to let acmapi generate a key.',
      );
    case 'PREFLIGHT_FAILED':
      if (error instanceof PreflightError) {
        return t('The signfile check failed for {0}; nothing was sent (acmapi.preflight.mode is strict).', error.failedDomains.join(', '));
      }
      return undefined;
    case 'OPTIONS_INVALID':
      if (error instanceof OptionsError && error.field === 'signfile') {
        return `${error.message} ${t('Set "signfile.path" in acmapi.json to the signfile the CA issued, or set acmapi.preflight.mode to warn or off.')}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Core's neutral hint, where the error has one and its message does not carry it already. */
function hintOf(error: AcmApiError): string | undefined {
  const hint: unknown = (error as AcmApiError & { hint?: unknown }).hint;
  return typeof hint === 'string' && hint !== '' && !error.message.includes(hint) ? hint : undefined;
}
