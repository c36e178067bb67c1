/**
 * The CA's signfile check for one domain from one network perspective (spec §5,
 * BR §3.2.2.4.18): the perspective resolves names its own way (a map, its DNS servers, or
 * a fault knob's answer), connects from its own source address, and ports 80/443 map to
 * configured ports, while the redirect rules still apply to the URLs themselves.
 */
import { isIP } from 'node:net';
import { type FetchLimits, FetchFailure, fetchOnce } from './fetch-once.js';
import { bodyContainsToken, decideHop, effectivePort } from './redirect-policy.js';

/** The addresses of a host as one perspective sees them, or why it has none. */
export type AddressLookup =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** How one perspective's signfile check reaches web servers. */
export interface ValidationNetwork extends FetchLimits {
  /** The addresses of a host (A and AAAA, or the map's). */
  readonly addressesOf: (host: string) => Promise<AddressLookup>;
  /** Port connected to for URLs on port 80. */
  readonly httpPort: number;
  /** Port connected to for URLs on port 443. */
  readonly httpsPort: number;
  /** The most redirects followed from one starting URL. */
  readonly maxRedirects: number;
  /** The perspective's IPv4 source address; absent: the system's choice. */
  readonly localAddress?: string;
  /** Fault knob: every 200 answer is read as this body (a stale CDN edge). */
  readonly body?: string;
  /** Fault knob: every request times out (after `connectTimeoutMs`). */
  readonly timeout?: boolean;
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

function mappedPort(url: URL, network: ValidationNetwork): number {
  return effectivePort(url) === 443 ? network.httpsPort : network.httpPort;
}

async function fetchVia(url: URL, address: string, network: ValidationNetwork): ReturnType<typeof fetchOnce> {
  if (network.timeout === true) {
    await new Promise((resolve) => setTimeout(resolve, network.connectTimeoutMs));
    throw new FetchFailure(`connect timeout after ${network.connectTimeoutMs} ms for ${url.href} (fault knob: timeout)`);
  }
  const answer = await fetchOnce(
    { url, address, port: mappedPort(url, network), ...(network.localAddress === undefined ? {} : { localAddress: network.localAddress }) },
    network,
  );
  return network.body !== undefined && answer.status === 200 ? { ...answer, body: network.body } : answer;
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
      answer = await fetchVia(url, target, network);
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
    if (url.hostname !== previousHost) {
      const next = await nextAddress(url.hostname, target, network);
      if (!next.ok) return `redirect to ${url.href}: ${next.reason}`;
      target = next.address;
    }
  }
}

/**
 * The address a redirect to another host connects to: one of that host's
 * addresses, of the same family as the current one where it has one (an IPv6
 * check stays on IPv6). A redirect to the same host stays on the address under
 * test: every address must pass on its own (spec §5), so http→https on one
 * address must not be answered by another.
 */
async function nextAddress(
  host: string,
  current: string,
  network: ValidationNetwork,
): Promise<{ ok: true; address: string } | { ok: false; reason: string }> {
  const found = await network.addressesOf(host.replace(/^\[|\]$/g, ''));
  if (!found.ok) return found;
  const family = isIP(current);
  const address = found.addresses.find((candidate) => isIP(candidate) === family) ?? found.addresses[0];
  return address === undefined ? { ok: false, reason: `${host} resolves to no address` } : { ok: true, address };
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
  const found = await network.addressesOf(domain);
  if (!found.ok) return { domain, ok: false, attempts: [found.reason] };
  if (found.addresses.length === 0) return { domain, ok: false, attempts: [`${domain} resolves to no address`] };
  for (const address of found.addresses) {
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
