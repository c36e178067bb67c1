/**
 * The CAA step of an application (BR §3.2.2.8): the relevant set of each domain is looked
 * up and decided. Any lookup failure refuses (a SERVFAIL or timeout is never permission).
 */
import type { SandboxCaaRecord, SandboxDns } from '../dns/dns-lookup.js';
import type { ExtendedDnsError } from '../dns/dnssec-query.js';
import { type CaaLookupOptions, lookupRelevantCaa } from './caa-lookup.js';
import { type CaaRequester, type CaaVerdictReason, decideCaa } from './caa-policy.js';

/** The account URI of a customer, as RFC 8657 `accounturi` must name it. */
export function sandboxAccountUri(customerId: string): string {
  return `https://sandbox.acmapi.test/customer/${encodeURIComponent(customerId)}`;
}

/** What CAA said of one domain (shown by the admin API and logged). */
export interface CaaDomainResult {
  readonly domain: string;
  readonly allowed: boolean;
  /** The verdict, or `lookup-failed` when the set could not be had. */
  readonly reason: CaaVerdictReason | 'lookup-failed';
  /** Where the relevant set was found (after any CNAME). */
  readonly foundAt?: string;
  /** The record that decided. */
  readonly record?: SandboxCaaRecord;
  /** `iodef` targets of the set. */
  readonly iodef: readonly string[];
  /**
   * For `lookup-failed`: the failing name and kind, e.g. `servfail at x.test`,
   * `servfail at x.test (DNSSEC bogus: DNSKEY Missing, EDE 9)` or `not-validated at x.test`.
   */
  readonly failure?: string;
  /** For a SERVFAIL: the resolver's Extended DNS Error (RFC 8914), when it gave one. */
  readonly extendedError?: ExtendedDnsError;
}

/** `(DNSSEC bogus: DNSKEY Missing, EDE 9)`, or `(No Reachable Authority, EDE 22)` for a non-DNSSEC reason. */
function describeExtendedError(error: ExtendedDnsError): string {
  return `(${error.dnssec ? 'DNSSEC bogus: ' : ''}${error.name}, EDE ${error.code})`;
}

/** Checks CAA for one domain. */
export async function checkCaa(domain: string, dns: SandboxDns, requester: CaaRequester, options: CaaLookupOptions = {}): Promise<CaaDomainResult> {
  const found = await lookupRelevantCaa(domain, dns, options);
  if (!found.ok) {
    const { extendedError } = found;
    const reason = extendedError === undefined ? '' : ` ${describeExtendedError(extendedError)}`;
    return {
      domain,
      allowed: false,
      reason: 'lookup-failed',
      iodef: [],
      failure: `${found.failure} at ${found.name}${reason}`,
      ...(extendedError === undefined ? {} : { extendedError }),
    };
  }
  const verdict = decideCaa(found.records, domain.startsWith('*.'), requester);
  return {
    domain,
    allowed: verdict.allowed,
    reason: verdict.reason,
    ...(found.foundAt === undefined ? {} : { foundAt: found.foundAt }),
    ...(verdict.record === undefined ? {} : { record: verdict.record }),
    iodef: verdict.iodef,
  };
}

/** One line for the request log, e.g. `CAA at example.test allows only other-ca.test (issue "other-ca.test")`. */
export function describeCaa(result: CaaDomainResult): string {
  const record = result.record === undefined ? '' : ` (${result.record.flags} ${result.record.tag} ${JSON.stringify(result.record.value)})`;
  const where = result.foundAt === undefined ? '' : ` at ${result.foundAt}`;
  switch (result.reason) {
    case 'lookup-failed':
      return `CAA lookup for ${result.domain} failed: ${result.failure ?? 'error'}`;
    case 'no-caa':
      return `CAA: no records for ${result.domain} or its parents`;
    case 'no-issue-property':
      return `CAA${where}: no issue property, unrestricted`;
    case 'allowed':
      return `CAA${where} allows this CA${record}`;
    case 'not-authorized':
      return `CAA${where} does not allow this CA${record}`;
    case 'account-mismatch':
      return `CAA${where} allows this CA only for another account${record}`;
    case 'method-mismatch':
      return `CAA${where} allows this CA only with other validation methods${record}`;
    case 'critical-unknown-tag':
      return `CAA${where} has a critical record with an unknown tag${record}`;
  }
}
