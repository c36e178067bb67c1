/**
 * SEAM: whether an existing certificate is due for renewal, until core's
 * `needsRenewal` lands (then this becomes a call to it). Pure.
 */
import { parseCertificateChain } from '@acmapi/core';

const DAY_MS = 86_400_000;

/** What {@link renewalDue} decides. */
export interface RenewalDecision {
  readonly due: boolean;
  /** Why, in words, for the log. */
  readonly reason: string;
  /** The existing certificate's notAfter, when it parsed. */
  readonly notAfter?: Date;
  readonly fingerprint?: string;
  readonly serial?: string;
}

/**
 * A certificate is due when it does not parse, lacks a requested domain, or expires
 * within `renewBeforeDays` days of `now`.
 */
export function renewalDue(certPem: string, domains: readonly string[], renewBeforeDays: number, now: Date): RenewalDecision {
  let leaf;
  try {
    leaf = parseCertificateChain(certPem).leaf;
  } catch {
    return { due: true, reason: 'the existing certificate does not parse' };
  }
  const facts = { notAfter: leaf.notAfter, fingerprint: leaf.fingerprintSha256, serial: leaf.serialNumber };
  const missing = domains.filter((d) => !leaf.sans.includes(d));
  if (missing.length > 0) return { due: true, reason: `the existing certificate does not name ${missing.join(', ')}`, ...facts };
  const daysLeft = (leaf.notAfter.getTime() - now.getTime()) / DAY_MS;
  if (daysLeft <= renewBeforeDays) {
    return { due: true, reason: `the existing certificate expires in ${Math.max(0, Math.floor(daysLeft))} days (renew-before-days ${renewBeforeDays})`, ...facts };
  }
  return { due: false, reason: `the existing certificate is valid for ${Math.floor(daysLeft)} more days`, ...facts };
}
