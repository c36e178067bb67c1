/**
 * Which exit code (see `exit-codes.ts`) an error thrown by a command ends with. Core's
 * errors are told apart by their guards (which also recognise an error of a second copy
 * of @acmapi/core by its `name` and `code`), then by `code`.
 */
import {
  isCaError,
  isCertificateError,
  isConfigError,
  isCsrError,
  isDeployError,
  isDomainError,
  isOptionsError,
  isPreflightError,
  isProtocolError,
  isReportError,
  isStoreError,
  isTransportError,
} from '@acmapi/core';
import { InterruptedError, LocalIoError, UsageError } from '../flags/cli-errors.js';
import { isErrnoException } from './describe-error.js';
import { EXIT_CODES, INTERRUPT_EXIT_CODES } from './exit-codes.js';
import { installIncomplete } from './install-incomplete.js';
import type { ExitCode, InterruptExitCode } from './exit-codes.js';

/** Deploy codes of install targets and hooks (exit 10); the signfile's (webroot) stay local I/O (exit 7). */
const DEPLOY_STEP_CODES: ReadonlySet<string> = new Set(['DEPLOY_HOOK_FAILED', 'DEPLOY_INSTALL_FAILED', 'DEPLOY_KEY_MISSING', 'DEPLOY_OWNER_UNKNOWN']);

/** Maps an error thrown by a command to its exit code. */
export function exitCodeFor(error: unknown): ExitCode | InterruptExitCode {
  // A shell's code for the signal (128 + its number), whatever the aborted run threw.
  if (error instanceof InterruptedError) return INTERRUPT_EXIT_CODES[error.signal];
  // A file of the installation is missing, whatever core wrapped it in: a local file.
  if (installIncomplete(error) !== undefined) return EXIT_CODES.LOCAL_IO;
  if (error instanceof UsageError || isOptionsError(error) || isConfigError(error)) return EXIT_CODES.USAGE;
  if (isStoreError(error)) {
    if (error.code === 'STORE_LOCKED') return EXIT_CODES.LOCKED;
    if (error.code === 'STORE_CORRUPT' || error.code === 'STORE_IO') return EXIT_CODES.LOCAL_IO;
    // STORE_PENDING_EXISTS, STORE_NAME_INVALID, STORE_NO_APPLICATION: what was asked does not fit the store.
    return EXIT_CODES.USAGE;
  }
  if (isCaError(error)) return error.code === 'CA_UNKNOWN_ERROR' ? EXIT_CODES.UNAVAILABLE : EXIT_CODES.REJECTED;
  if (isDomainError(error)) return EXIT_CODES.REJECTED;
  if (isCsrError(error)) {
    // A CSR the CA would refuse (104) is a rejected request; a key that is unreadable
    // or does not match the CSR is a wrong argument.
    return error.code.startsWith('KEY_') ? EXIT_CODES.USAGE : EXIT_CODES.REJECTED;
  }
  if (isTransportError(error)) return EXIT_CODES.UNAVAILABLE;
  if (isProtocolError(error) || isCertificateError(error)) return EXIT_CODES.CHECK_FAILED;
  if (isPreflightError(error)) return EXIT_CODES.PREFLIGHT_FAILED;
  // The deploy step after a certificate went live (install targets, hooks) and the run's reports.
  if (isDeployError(error) && DEPLOY_STEP_CODES.has(error.code)) return EXIT_CODES.DEPLOY_FAILED;
  if (isReportError(error)) return EXIT_CODES.DEPLOY_FAILED;
  // Writing the signfile into the webroot failed: lock held, a foreign web.config, permissions.
  if (error instanceof LocalIoError || isDeployError(error) || isErrnoException(error)) return EXIT_CODES.LOCAL_IO;
  // INTERNAL (a broken invariant of core) and anything else: a bug.
  return EXIT_CODES.UNEXPECTED;
}
