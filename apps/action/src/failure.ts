/**
 * Failures in the Action's words: core's errors carry facts (`code`, `message`, context
 * fields, a neutral `hint`); this module adds what to do with the Action's inputs. On the
 * cold path: it imports only core's error classes.
 */
import { isAcmApiError, OptionsError } from '@acmapi/core/options';
import type { AcmApiError } from '@acmapi/core/options';

/** Errors of the Action itself, whose messages already say what to do. */
const ACTION_ERRORS = new Set(['InputError', 'StateError', 'PlaintextKeyError', 'CommitError', 'ArtifactError']);

/** What to do, in the Action's inputs, per core error `code` (or `OptionsError` field). */
const ADVICE: Readonly<Record<string, string>> = {
  'field:signfile': 'Give the signfile input (its content) or signfile.path in acmapi.json, or use preflight: warn.',
  'field:domains': 'Give the domains input, or domains in acmapi.json.',
  STORE_NAME_INVALID: 'Give a name input that is a folder name, or fix the name in acmapi.json.',
  DOMAIN: 'Fix the domains input (or the domains in acmapi.json).',
  KEY_CSR_MISMATCH: 'Give the private-key the CSR was made with, or only the csr.',
};

function hintOf(error: AcmApiError): string | undefined {
  // `hint` is on some core errors (CaError) and coming to the others; older messages may already end with it.
  const hint = (error as { hint?: unknown }).hint;
  return typeof hint === 'string' && hint !== '' && !error.message.includes(hint) ? hint : undefined;
}

function adviceOf(error: AcmApiError): string | undefined {
  if (error instanceof OptionsError && error.field !== undefined) return ADVICE[`field:${error.field}`];
  return ADVICE[error.code] ?? (error.code.startsWith('DOMAIN_') ? ADVICE['DOMAIN'] : undefined);
}

/** Describes a failure: one message that says what happened and what to do (never a secret: core's messages hold none), and its stable code. */
export function describeFailure(error: unknown): { message: string; code: string } {
  if (isAcmApiError(error)) {
    const parts = [error.message, hintOf(error), adviceOf(error)].filter((part): part is string => part !== undefined);
    return { message: parts.join(' '), code: error.code };
  }
  if (error instanceof Error) {
    const named = ACTION_ERRORS.has(error.name);
    return { message: named ? error.message : `${error.message} (unexpected; re-run with debug logging and report it if it persists)`, code: error.name };
  }
  return { message: String(error), code: 'UNKNOWN' };
}
