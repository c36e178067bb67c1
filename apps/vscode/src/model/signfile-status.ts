/**
 * The signfile status of each domain as the view shows it, derived from core's preflight
 * result (spec §5). Pure.
 */
import type { PreflightFailure, PreflightResult } from '@acmapi/core';

/** What is known about one domain's signfile. */
export type SignfileStatus =
  /** Not checked yet in this session. */
  | { readonly state: 'unchecked' }
  /** A check is running. */
  | { readonly state: 'checking' }
  /** Every address serves the signfile on an allowed scheme; `warnings` deserve a look. */
  | { readonly state: 'ok'; readonly warnings: readonly string[] }
  /** The CA would answer 107 for this domain: `message` says where, `hint` what to do. */
  | { readonly state: 'failed'; readonly kind: string; readonly message: string; readonly hint: string }
  /** The check could not run (no signfile configured, an unreadable signfile, a bad option). */
  | { readonly state: 'unavailable'; readonly reason: string };

/**
 * One status per domain of a preflight result.
 *
 * @param advise - what to do about a failure, in the front end's words (default: core's neutral hint).
 * @returns a map from the normalised domain to its status.
 */
export function signfileStatuses(result: PreflightResult, advise: (failure: PreflightFailure) => string = (failure) => failure.hint): Map<string, SignfileStatus> {
  const statuses = new Map<string, SignfileStatus>();
  for (const domain of result.domains) {
    if (domain.ok) {
      statuses.set(domain.domain, { state: 'ok', warnings: domain.warnings });
    } else {
      const failure = domain.failure;
      statuses.set(domain.domain, {
        state: 'failed',
        kind: failure?.kind ?? 'unknown',
        message: failure?.message ?? `The signfile check of ${domain.domain} failed.`,
        hint: failure === undefined ? '' : advise(failure),
      });
    }
  }
  return statuses;
}
