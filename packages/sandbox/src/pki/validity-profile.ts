/**
 * Certificate lifetimes by profile. `default` follows the Baseline Requirements' maximum
 * on the issuance date (BR §6.3.2 as amended by ballot SC-081) minus one day, so that a
 * certificate never sits on the limit; `short` is 6 days, for renewal tests.
 */
import type { SandboxValidityProfile } from '../options.js';

const DAY_MS = 86_400_000;

/** The SC-081 schedule: from each date on (UTC), the longest lifetime in days. Newest last. */
export const SC081_SCHEDULE: readonly { readonly from: Date; readonly maxDays: number }[] = [
  { from: new Date('2026-03-15T00:00:00Z'), maxDays: 200 },
  { from: new Date('2027-03-15T00:00:00Z'), maxDays: 100 },
  { from: new Date('2029-03-15T00:00:00Z'), maxDays: 47 },
];

/** The longest lifetime before SC-081's first step (BR §6.3.2 since 2020-09-01). */
export const PRE_SC081_MAX_DAYS = 398;

/** Lifetime of the `short` profile, days. */
export const SHORT_PROFILE_DAYS = 6;

/** The BR's maximum lifetime in days for a certificate issued at `issuedAt`. */
export function maximumValidityDays(issuedAt: Date): number {
  let days = PRE_SC081_MAX_DAYS;
  for (const step of SC081_SCHEDULE) if (issuedAt.getTime() >= step.from.getTime()) days = step.maxDays;
  return days;
}

/** The lifetime (notAfter − issuance time), milliseconds, of a certificate issued at `issuedAt`. */
export function profileValidityMs(profile: SandboxValidityProfile, issuedAt: Date): number {
  if (profile === 'short') return SHORT_PROFILE_DAYS * DAY_MS;
  return (maximumValidityDays(issuedAt) - 1) * DAY_MS;
}
