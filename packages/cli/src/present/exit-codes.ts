/**
 * The exit codes of the `acmapi` command, in one place (documented in README.md).
 * Scripts match on these; they never change meaning. This module imports nothing, so a
 * command that only reads the store (`acmapi list`) starts without loading the client.
 */

/** Exit codes of `acmapi`. */
export const EXIT_CODES = {
  /** The certificate was issued and written (or the command did what it was asked). */
  OK: 0,
  /** Something unexpected (a bug): please report it. */
  UNEXPECTED: 1,
  /**
   * The command line is wrong: unknown flag, missing credentials, bad duration, bad key file,
   * invalid acmapi.json, unknown certificate name, or an application still pending for this
   * certificate (`issue` without `--force`).
   */
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
  /** A local file could not be read or written (permissions, disk full, missing folder), or a store file is damaged. */
  LOCAL_IO: 7,
  /**
   * The signfile preflight failed (spec §5): `acmapi check` found a domain, address or
   * scheme that does not serve the signfile, or `acmapi issue --preflight strict` stopped
   * before applying. Nothing was sent to the CA.
   */
  PREFLIGHT_FAILED: 8,
  /**
   * Another acmapi process holds the certificate's lock (issue 4) and did not release it
   * within `--lock-wait`: nothing was done; run again later.
   */
  LOCKED: 9,
  /**
   * Deploying failed (issue 10): an install target could not be written, or a hook (pre,
   * deploy, post, failure) failed or timed out, or the metrics file or a notification could
   * not be delivered. A certificate that went live stays live (see the result's `deploy`).
   */
  DEPLOY_FAILED: 10,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * A signal that ended a run (an application sent stays pending, its handle saved; a signfile
 * placed is taken away), and the exit code a shell gives it (128 + its number).
 */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** A signal that ended a wait. */
export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

/** One of {@link INTERRUPT_EXIT_CODES}. */
export type InterruptExitCode = (typeof INTERRUPT_EXIT_CODES)[InterruptSignal];
