/**
 * Turns any error into what the user reads: what happened (core's `message`: facts), and
 * what to do — the CLI's own advice per error `code`, in the command line's words (flags,
 * environment variables, commands), else the error's own neutral `hint`. The same facts feed
 * the human message and the `--json` `error` object.
 */
import { isAcmApiError, isCaError, isStoreError } from '@acmapi/core';
import { InterruptedError, LocalIoError, UsageError, localIoHint } from '../flags/cli-errors.js';
import { adviceFor } from './advice.js';
import { INSTALL_INCOMPLETE_HINT, installIncomplete } from './install-incomplete.js';

/** The `error` object of `--json` output. */
export interface ErrorJson {
  /** Stable code: the CA's (`CA_REFUSED`…), the library's (`TRANSPORT_TIMEOUT`…) or the CLI's (`USAGE`, `LOCAL_IO`, `UNEXPECTED`). */
  code: string;
  /** The CA's status, 101–111, when the CA answered with an error. */
  status?: number;
  /** For 107: the domain whose signfile check failed. */
  domain?: string;
  /** The handle concerned: the one the CA does not know (108), or the pending application's (`STORE_PENDING_EXISTS`). */
  handleId?: string;
  /** What happened. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** For the library's errors: whether the same command may succeed when run again unchanged (later). */
  retryable?: boolean;
}

/** Describes `error` for the user; never includes key material or the token (the output redacts it too). */
export function describeError(error: unknown): ErrorJson {
  const incomplete = installIncomplete(error);
  if (incomplete !== undefined) {
    return { code: 'INSTALL_INCOMPLETE', message: incomplete.message, hint: INSTALL_INCOMPLETE_HINT };
  }
  if (error instanceof UsageError) {
    return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  if (error instanceof LocalIoError) return { code: error.code, message: error.message, hint: error.hint };
  if (error instanceof InterruptedError) return { code: error.code, message: error.message, hint: error.hint };
  if (isAcmApiError(error)) {
    const hint = adviceFor(error);
    const handleId = isCaError(error) || isStoreError(error) ? error.handleId : undefined;
    return {
      code: error.code,
      ...(isCaError(error) ? { status: error.status } : {}),
      ...(isCaError(error) && error.domain !== undefined ? { domain: error.domain } : {}),
      ...(handleId === undefined ? {} : { handleId }),
      message: error.message,
      ...(hint === undefined ? {} : { hint }),
      retryable: error.retryable,
    };
  }
  if (isErrnoException(error)) {
    // A file operation failed (permissions, disk full, not a folder).
    return {
      code: 'LOCAL_IO',
      message: `Could not ${error.syscall ?? 'access'} ${error.path ?? 'a file'} (${error.code ?? 'error'}).`,
      hint: localIoHint(error.code),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'UNEXPECTED',
    message: `Unexpected error: ${message}`,
    hint: 'This is probably a bug in acmapi: please report it with the command you ran (without the token).',
  };
}

/** Whether `error` is a failed system call (`fs`, `net`), with its errno code. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string' && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** The human rendering: `Error: what happened` then `What to do: …`. */
export function formatError(described: ErrorJson): string {
  const lines = [`Error: ${described.message}`];
  if (described.hint !== undefined) lines.push(`What to do: ${described.hint}`);
  return lines.join('\n');
}
