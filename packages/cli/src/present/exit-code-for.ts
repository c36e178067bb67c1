/** Which exit code (see `exit-codes.ts`) an error thrown by a command ends with. */
import {
  CaError,
  CertificateError,
  ConfigError,
  CsrError,
  DeployError,
  DomainError,
  OptionsError,
  PreflightError,
  ProtocolError,
  StoreError,
  TransportError,
} from '@acmapi/core';
import { LocalIoError, UsageError } from '../flags/cli-errors.js';
import { isErrnoException } from './describe-error.js';
import { EXIT_CODES } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

/** Maps an error thrown by a command to its exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof OptionsError || error instanceof ConfigError) return EXIT_CODES.USAGE;
  if (error instanceof StoreError) {
    if (error.code === 'STORE_LOCKED') return EXIT_CODES.LOCKED;
    if (error.code === 'STORE_CORRUPT' || error.code === 'STORE_IO') return EXIT_CODES.LOCAL_IO;
    // STORE_PENDING_EXISTS, STORE_NAME_INVALID, STORE_NO_APPLICATION: what was asked does not fit the store.
    return EXIT_CODES.USAGE;
  }
  if (error instanceof CaError) return error.status === 111 ? EXIT_CODES.UNAVAILABLE : EXIT_CODES.REJECTED;
  if (error instanceof DomainError) return EXIT_CODES.REJECTED;
  if (error instanceof CsrError) {
    // A CSR the CA would refuse (104) is a rejected request; a key that is unreadable, does
    // not match the CSR, or is missing beside it (KEY_REQUIRED) is a wrong argument.
    return error.code.startsWith('KEY_') ? EXIT_CODES.USAGE : EXIT_CODES.REJECTED;
  }
  if (error instanceof TransportError) return EXIT_CODES.UNAVAILABLE;
  if (error instanceof ProtocolError || error instanceof CertificateError) return EXIT_CODES.CHECK_FAILED;
  if (error instanceof PreflightError) return EXIT_CODES.PREFLIGHT_FAILED;
  // Writing the signfile into the webroot failed: lock held, a foreign web.config, permissions.
  if (error instanceof LocalIoError || error instanceof DeployError || isErrnoException(error)) return EXIT_CODES.LOCAL_IO;
  return EXIT_CODES.UNEXPECTED;
}
