/**
 * The verdict as the CA would reach it (spec §5): the CA picks any address of
 * the domain and may fetch over http or https, so a domain passes only when
 * every address serves the signfile on at least one scheme. Pure.
 */
import { contentWarning } from './describe-failure.js';
import type { AddressPreflight, PreflightFailure, SchemeOutcome } from './types.js';

/** What {@link domainVerdict} decided for one domain. */
export interface DomainVerdict {
  readonly ok: boolean;
  /** The DNS failure, or the failure of the first failing address (its first scheme's). */
  readonly failure?: PreflightFailure;
  /** Passing but noteworthy: inexact content, invalid TLS certificate, a CDN or cache in front. */
  readonly warnings: readonly string[];
}

/** Whether an address passes: some scheme served the signfile. */
export function addressPasses(schemes: readonly SchemeOutcome[]): boolean {
  return schemes.some((outcome) => outcome.ok);
}

function shown(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function warningsOf(domain: string, address: AddressPreflight): string[] {
  const warnings: string[] = [];
  for (const outcome of address.schemes) {
    const where = `${domain} at ${shown(address.address)} over ${outcome.scheme}`;
    if (outcome.ok && outcome.content !== undefined) {
      const warning = contentWarning(outcome.content);
      if (warning !== undefined) warnings.push(`${where}: ${warning}`);
    }
    const invalid = outcome.hops.find((hop) => hop.tls !== undefined && !hop.tls.valid);
    if (invalid?.tls !== undefined) {
      warnings.push(
        `${where}: the TLS certificate of ${new URL(invalid.url).host} is not valid (${invalid.tls.error ?? 'unknown'}); the signfile check does not need it, browsers do.`,
      );
    }
    const last = outcome.hops.at(-1);
    const cache = last === undefined ? [] : Object.entries(last.cdnHeaders).filter(([name]) => name !== 'server');
    if (!outcome.ok && cache.length > 0) {
      warnings.push(`${where}: a cache or CDN answered (${cache.map(([name, value]) => `${name}: ${value}`).join(', ')}); purge it or bypass it for /.well-known/pki-validation/.`);
    }
  }
  return warnings;
}

/**
 * Aggregates one domain's outcomes.
 *
 * @param domain - the domain checked.
 * @param addresses - one entry per address (empty when DNS failed).
 * @param dnsFailure - the DNS failure, when resolution failed.
 */
export function domainVerdict(domain: string, addresses: readonly AddressPreflight[], dnsFailure?: PreflightFailure): DomainVerdict {
  const warnings = [...new Set(addresses.flatMap((address) => warningsOf(domain, address)))];
  if (dnsFailure !== undefined) return { ok: false, failure: dnsFailure, warnings };
  const failing = addresses.filter((address) => !address.ok);
  if (addresses.length > 0 && failing.length === 0) return { ok: true, warnings };
  const first = failing[0];
  const firstFailure = first?.schemes.find((outcome) => outcome.failure !== undefined)?.failure;
  if (first === undefined || firstFailure === undefined) {
    return {
      ok: false,
      failure: { kind: 'dns-no-address', message: `${domain} has no address to check.`, hint: 'Add an A (and/or AAAA) record pointing at the web server.' },
      warnings,
    };
  }
  if (addresses.length === 1) return { ok: false, failure: firstFailure, warnings };
  // Several addresses: say which fail and which pass, since the CA may pick any.
  const passing = addresses.filter((address) => address.ok).map((address) => shown(address.address));
  const summary = `${failing.length} of ${addresses.length} addresses fail (${failing.map((address) => shown(address.address)).join(', ')})${
    passing.length === 0 ? '' : `, while ${passing.join(', ')} pass${passing.length === 1 ? 'es' : ''}: the CA may pick any address, so this domain fails`
  }`;
  return { ok: false, failure: { ...firstFailure, message: `${firstFailure.message} ${summary}.` }, warnings };
}
