/**
 * Whether the certificate already in the workspace is due for renewal: core's
 * `needsRenewal` (renew-before-days, or a third of the lifetime), plus the Action's own
 * rules that a certificate that does not parse or lacks a requested domain is due. Pure.
 */
import { needsRenewal, parseCertificateChain } from '@acmapi/core';

/** What {@link existingCertificateDecision} decides. */
export interface ExistingCertificateDecision {
  readonly due: boolean;
  /** Why, in words, for the log and the summary. */
  readonly reason: string;
  /** The existing certificate's facts, when it parsed. */
  readonly notAfter?: Date;
  readonly fingerprint?: string;
  readonly serial?: string;
}

/**
 * Decides for the existing `cert.pem`.
 * @param renewBeforeDays - renew when fewer days are left; undefined: a third of the lifetime.
 */
export function existingCertificateDecision(certPem: string, domains: readonly string[], renewBeforeDays: number | undefined, now: Date): ExistingCertificateDecision {
  let leaf;
  try {
    leaf = parseCertificateChain(certPem).leaf;
  } catch {
    return { due: true, reason: 'the existing certificate does not parse' };
  }
  const facts = { notAfter: leaf.notAfter, fingerprint: leaf.fingerprintSha256, serial: leaf.serialNumber };
  const missing = domains.filter((d) => !leaf.sans.includes(d));
  if (missing.length > 0) return { due: true, reason: `the existing certificate does not name ${missing.join(', ')}`, ...facts };
  // The fingerprint seeds the jitter, as core's store does, so a fleet issued at once does not renew at once.
  const decision = needsRenewal(leaf, { now, jitterSeed: leaf.fingerprintSha256, ...(renewBeforeDays === undefined ? {} : { days: renewBeforeDays }) });
  const rule = renewBeforeDays === undefined ? 'less than a third of its lifetime left' : `renew-before-days ${renewBeforeDays}`;
  switch (decision.reason) {
    case 'expired':
      return { due: true, reason: `the existing certificate expired on ${leaf.notAfter.toISOString()}`, ...facts };
    case 'days':
    case 'lifetime':
      return { due: true, reason: `the existing certificate expires in ${decision.daysLeft} days (${rule})`, ...facts };
    case 'not-due':
      return { due: false, reason: `the existing certificate is valid for ${decision.daysLeft} more days; renewal is due from ${decision.renewAt.toISOString()} (${rule})`, ...facts };
  }
}
