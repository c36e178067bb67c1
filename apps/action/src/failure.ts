/**
 * Failures in the Action's words: core's errors carry facts (`code`, `message`, context
 * fields, a neutral `hint`); `advice.ts` adds what to do with the Action's inputs. On the
 * cold path: it imports only core's error classes.
 */
import { isAcmApiError } from '@acmapi/core/options';
import { describeAcmApiError } from './advice.js';

/** Errors of the Action itself, whose messages already say what to do. */
const ACTION_ERRORS = new Set(['InputError', 'StateError', 'PlaintextKeyError', 'CommitError', 'ArtifactError', 'OutputFolderError']);

/** Describes a failure: one message that says what happened and what to do (never a secret: core's messages hold none), and its stable code. */
export function describeFailure(error: unknown): { message: string; code: string } {
  if (isAcmApiError(error)) return { message: describeAcmApiError(error), code: error.code };
  if (error instanceof Error) {
    const named = ACTION_ERRORS.has(error.name);
    return { message: named ? error.message : `${error.message} (unexpected; re-run with debug logging and report it if it persists)`, code: error.name };
  }
  return { message: String(error), code: 'UNKNOWN' };
}
