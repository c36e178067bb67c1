/**
 * The exit codes of the `acmapi` command, in one place (documented in README.md).
 * Scripts match on these; they never change meaning.
 */
import { CaError, CertificateError, CsrError, DeployError, DomainError, OptionsError, PreflightError, ProtocolError, TransportError } from '@acmapi/core';
import { LocalIoError, UsageError } from './cli-errors.js';

/** Exit codes of `acmapi`. */
export const EXIT_CODES = {
  /** The certificate was issued and written (or the command did what it was asked). */
  OK: 0,
  /** Something unexpected (a bug): please report it. */
  UNEXPECTED: 1,
  /** The command line is wrong: unknown flag, missing credentials, bad duration, bad key file… */
  USAGE: 2,
  /** The application is pending at the CA; the private key, CSR and handle are saved: run `acmapi retrieve` later. */
  PENDING: 3,
  /**
   * The CA refused or rejected the request (101–110), or acmapi found before sending
   * what the CA would reject (domain rules of spec §4, CSR checks): fix the request, do not just retry.
   */
  REJECTED: 4,
  /** The CA could not be reached or answered 111 even after retries: try again later. */
  UNAVAILABLE: 5,
  /** The CA's answer broke the protocol, or the certificate failed a check (key, domains, chain): nothing was installed. */
  CHECK_FAILED: 6,
  /** A local file could not be read or written (permissions, disk full, missing folder). */
  LOCAL_IO: 7,
  /**
   * The signfile preflight failed (spec §5): `acmapi check` found a domain, address or
   * scheme that does not serve the signfile, or `acmapi issue --preflight strict` stopped
   * before applying. Nothing was sent to the CA.
   */
  PREFLIGHT_FAILED: 8,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Maps an error thrown by a command to its exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof OptionsError) return EXIT_CODES.USAGE;
  if (error instanceof CaError) return error.status === 111 ? EXIT_CODES.UNAVAILABLE : EXIT_CODES.REJECTED;
  if (error instanceof DomainError) return EXIT_CODES.REJECTED;
  if (error instanceof CsrError) {
    // A CSR the CA would refuse (104) is a rejected request; a key that is unreadable
    // or does not match the CSR is a wrong argument.
    return error.code.startsWith('KEY_') ? EXIT_CODES.USAGE : EXIT_CODES.REJECTED;
  }
  if (error instanceof TransportError) return EXIT_CODES.UNAVAILABLE;
  if (error instanceof ProtocolError || error instanceof CertificateError) return EXIT_CODES.CHECK_FAILED;
  if (error instanceof PreflightError) return EXIT_CODES.PREFLIGHT_FAILED;
  // Writing the signfile into the webroot failed: lock held, a foreign web.config, permissions.
  if (error instanceof LocalIoError || error instanceof DeployError) return EXIT_CODES.LOCAL_IO;
  return EXIT_CODES.UNEXPECTED;
}
