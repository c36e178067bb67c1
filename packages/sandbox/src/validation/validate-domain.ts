/**
 * The CA's signfile check for one domain (spec §5, BR §3.2.2.4.18), on one machine:
 * domains resolve through a configured map and ports 80/443 map to configured
 * ports, while the redirect rules still apply to the URLs themselves.
 */
import { isIP } from 'node:net';
import { findMatchingPattern } from '../domain-pattern.js';
import { type FetchLimits, FetchFailure, fetchOnce } from './fetch-once.js';
import { bodyContainsToken, decideHop, effectivePort } from './redirect-policy.js';

/** How the signfile check reaches web servers. */
export interface ValidationNetwork extends FetchLimits {
  /** Domain pattern → addresses (see domain-pattern.ts); first matching key wins. */
  readonly resolve: Readonly<Record<string, readonly string[]>>;
  /** Addresses of names that no key of `resolve` matches. */
  readonly defaultAddresses: readonly string[];
  /** Port connected to for URLs on port 80. */
  readonly httpPort: number;
  /** Port connected to for URLs on port 443. */
  readonly httpsPort: number;
  /** The most redirects followed from one starting URL. */
  readonly maxRedirects: number;
}

/** What to look for. */
export interface SignfileExpectation {
  /** The signfile's file name under `/.well-known/pki-validation/`. */
  readonly name: string;
  /** The token that the body must contain. */
  readonly content: string;
}

/** The result of checking one domain; `attempts` say what happened, for the request log. */
export interface DomainValidationResult {
  readonly domain: string;
  readonly ok: boolean;
  readonly attempts: readonly string[];
}

/** The addresses a host stands for, through the map. */
export function resolveAddresses(host: string, network: ValidationNetwork): readonly string[] {
  const bare = host.replace(/^\[|\]$/g, '');
  const key = findMatchingPattern(bare, Object.keys(network.resolve));
  return key === undefined ? network.defaultAddresses : (network.resolve[key] ?? network.defaultAddresses);
}

function mappedPort(url: URL, network: ValidationNetwork): number {
  return effectivePort(url) === 443 ? network.httpsPort : network.httpPort;
}

/** Follows one starting URL to its end; the first hop goes to `address`. */
async function checkUrl(
  start: URL,
  address: string,
  expectation: SignfileExpectation,
  network: ValidationNetwork,
): Promise<string | undefined> {
  let url = start;
  let target = address;
  const visited = new Set([url.href]);
  for (let redirects = 0; ; redirects += 1) {
    let answer;
    try {
      answer = await fetchOnce({ url, address: target, port: mappedPort(url, network) }, network);
    } catch (error) {
      return error instanceof FetchFailure ? error.message : `request to ${url.href} failed`;
    }
    const decision = decideHop({
      url,
      status: answer.status,
      location: answer.location,
      redirects,
      visited,
      maxRedirects: network.maxRedirects,
    });
    if (decision.action === 'fail') return decision.reason;
    if (decision.action === 'check-body') {
      return bodyContainsToken(answer.body, expectation.content)
        ? undefined
        : `body of ${url.href} does not contain the signfile token`;
    }
    const previousHost = url.hostname;
    url = decision.url;
    visited.add(url.href);
    if (url.hostname !== previousHost) target = nextAddress(url.hostname, target, network);
  }
}

/**
 * The address a redirect to another host connects to: one of that host's
 * addresses, of the same family as the current one where it has one (an IPv6
 * check stays on IPv6). A redirect to the same host stays on the address under
 * test: every address must pass on its own (spec §5), so http→https on one
 * address must not be answered by another.
 */
function nextAddress(host: string, current: string, network: ValidationNetwork): string {
  const candidates = resolveAddresses(host, network);
  const family = isIP(current);
  return candidates.find((candidate) => isIP(candidate) === family) ?? candidates[0] ?? current;
}

/**
 * Checks one domain: for every address it resolves to, `http://DOMAIN/.well-known/pki-validation/NAME`
 * must serve the token, or else the `https://` URL must. Every address must pass,
 * since a CA may validate from any of them (spec §5).
 */
export async function validateDomain(
  domain: string,
  expectation: SignfileExpectation,
  network: ValidationNetwork,
): Promise<DomainValidationResult> {
  const attempts: string[] = [];
  const path = `/.well-known/pki-validation/${encodeURIComponent(expectation.name)}`;
  const addresses = resolveAddresses(domain, network);
  if (addresses.length === 0) return { domain, ok: false, attempts: [`${domain} resolves to no address`] };
  for (const address of addresses) {
    let passed = false;
    for (const scheme of ['http', 'https'] as const) {
      const failure = await checkUrl(new URL(`${scheme}://${domain}${path}`), address, expectation, network);
      if (failure === undefined) {
        attempts.push(`${scheme}://${domain}${path} via ${address}: ok`);
        passed = true;
        break;
      }
      attempts.push(`via ${address}: ${failure}`);
    }
    if (!passed) return { domain, ok: false, attempts };
  }
  return { domain, ok: true, attempts };
}
