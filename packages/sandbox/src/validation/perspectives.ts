/**
 * Multi-perspective issuance corroboration (BR §3.2.2.9) on one machine: the primary
 * perspective (the sandbox's own check, system source address, `validation.dnsServers`)
 * must pass, and N remote perspectives repeat the check, each from its own loopback
 * source address 127.0.0.(10+i) with its own resolver setting and fault knobs; at most
 * {@link allowedNonCorroborations} of them may disagree.
 */
import { findMatchingPattern } from '../domain-pattern.js';
import { createSandboxDns, type LookupAnswer, type SandboxDns } from '../dns/dns-lookup.js';
import type { FetchLimits } from './fetch-once.js';
import { type AddressLookup, type SignfileExpectation, type ValidationNetwork, validateDomain } from './validate-domain.js';

/** A perspective's own settings and fault knobs (all optional; absent: as the primary). */
export interface PerspectiveSettings {
  /** DNS servers this perspective asks for addresses and CAA (split-horizon DNS). */
  readonly dnsServers?: readonly string[];
  /** Fault knob: every domain resolves to these addresses here (another DNS answer, GeoDNS). */
  readonly addresses?: readonly string[];
  /** Fault knob: every 200 answer reads as this body here. */
  readonly body?: string;
  /** Fault knob: every request from here times out. */
  readonly timeout?: boolean;
}

/** How the sandbox resolves and fetches, shared by every perspective. */
export interface PerspectiveNetwork extends FetchLimits {
  /** Domain pattern → addresses; overrides DNS (like curl's `--resolve`). */
  readonly resolve: Readonly<Record<string, readonly string[]>>;
  /** DNS servers of the primary perspective; `[]`: no DNS, names outside `resolve` get `defaultAddresses`. */
  readonly dnsServers: readonly string[];
  /** Time for one DNS query, milliseconds. */
  readonly dnsTimeoutMs: number;
  /** Addresses of names that `resolve` does not name, when there are no DNS servers. */
  readonly defaultAddresses: readonly string[];
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly maxRedirects: number;
}

/** What one perspective saw for one domain. */
export interface PerspectiveResult {
  /** `primary`, or the remote perspective's index (0-based). */
  readonly perspective: 'primary' | number;
  /** The source address used for IPv4 (`system` for the primary). */
  readonly source: string;
  readonly ok: boolean;
  readonly attempts: readonly string[];
}

/** The corroborated result for one domain. */
export interface DomainCorroboration {
  readonly domain: string;
  /** Primary passed and at most `allowedFailures` remote perspectives failed. */
  readonly ok: boolean;
  readonly primary: PerspectiveResult;
  readonly remote: readonly PerspectiveResult[];
  /** How many remote perspectives failed. */
  readonly remoteFailures: number;
  /** How many may (BR §3.2.2.9 table). */
  readonly allowedFailures: number;
}

/** The source address of remote perspective `index`: 127.0.0.(10+index). */
export function perspectiveSource(index: number): string {
  return `127.0.0.${10 + index}`;
}

/**
 * How many remote perspectives may fail to corroborate (BR §3.2.2.9): 0 of 1, 1 of 2–5,
 * 2 of 6 or more. With no remote perspective there is nothing to corroborate.
 */
export function allowedNonCorroborations(remoteCount: number): number {
  if (remoteCount <= 1) return 0;
  return remoteCount <= 5 ? 1 : 2;
}

/** Whether the quorum holds: the primary passed and few enough remote perspectives failed. */
export function quorumHolds(primaryOk: boolean, remoteResults: readonly boolean[]): boolean {
  const failures = remoteResults.filter((ok) => !ok).length;
  return primaryOk && failures <= allowedNonCorroborations(remoteResults.length);
}

function describeAnswer(host: string, type: string, answer: LookupAnswer<string>): string | undefined {
  if (answer.kind !== 'failure') return undefined;
  return `DNS ${type} lookup of ${host} failed: ${answer.failure}`;
}

/** A and AAAA from DNS, as one address lookup: either failing fails it (never half an answer). */
export async function dnsAddresses(host: string, dns: SandboxDns): Promise<AddressLookup> {
  const [v4, v6] = await Promise.all([dns.addresses4(host), dns.addresses6(host)]);
  const failure = describeAnswer(host, 'A', v4) ?? describeAnswer(host, 'AAAA', v6);
  if (failure !== undefined) return { ok: false, reason: failure };
  if (v4.kind === 'nxdomain' && v6.kind === 'nxdomain') return { ok: false, reason: `${host} does not exist (NXDOMAIN)` };
  const addresses = [...(v4.kind === 'records' ? v4.records : []), ...(v6.kind === 'records' ? v6.records : [])];
  if (addresses.length === 0) return { ok: false, reason: `${host} has no A or AAAA record` };
  return { ok: true, addresses };
}

/** Resolvers by server list and source address, created once and reused across applications. */
export class DnsPool {
  readonly #resolvers = new Map<string, SandboxDns>();

  constructor(private readonly timeoutMs: number) {}

  /**
   * The resolver of `servers` asking from `localAddress` (created on first use): a remote
   * perspective queries DNS from its own source address, as it connects from it.
   */
  get(servers: readonly string[], localAddress?: string): SandboxDns {
    const key = `${servers.join(',')}@${localAddress ?? 'system'}`;
    let dns = this.#resolvers.get(key);
    if (dns === undefined) {
      dns = createSandboxDns({ servers, timeoutMs: this.timeoutMs, ...(localAddress === undefined ? {} : { localAddress }) });
      this.#resolvers.set(key, dns);
    }
    return dns;
  }
}

function addressLookup(
  network: PerspectiveNetwork,
  settings: PerspectiveSettings,
  pool: DnsPool,
  localAddress?: string,
): (host: string) => Promise<AddressLookup> {
  return async (host) => {
    if (settings.addresses !== undefined) return { ok: true, addresses: settings.addresses };
    const key = findMatchingPattern(host, Object.keys(network.resolve));
    if (key !== undefined) return { ok: true, addresses: network.resolve[key] ?? [] };
    const servers = settings.dnsServers ?? network.dnsServers;
    if (servers.length === 0) return { ok: true, addresses: network.defaultAddresses };
    return dnsAddresses(host, pool.get(servers, localAddress));
  };
}

function networkOf(network: PerspectiveNetwork, settings: PerspectiveSettings, pool: DnsPool, localAddress?: string): ValidationNetwork {
  return {
    addressesOf: addressLookup(network, settings, pool, localAddress),
    httpPort: network.httpPort,
    httpsPort: network.httpsPort,
    maxRedirects: network.maxRedirects,
    connectTimeoutMs: network.connectTimeoutMs,
    headersTimeoutMs: network.headersTimeoutMs,
    bodyTimeoutMs: network.bodyTimeoutMs,
    maxBodyBytes: network.maxBodyBytes,
    ...(localAddress === undefined ? {} : { localAddress }),
    ...(settings.body === undefined ? {} : { body: settings.body }),
    ...(settings.timeout === true ? { timeout: true } : {}),
  };
}

/**
 * Validates one domain from the primary and every remote perspective at once and applies
 * the quorum.
 *
 * @param remote - one entry per remote perspective (index = position).
 */
export async function corroborateDomain(
  domain: string,
  expectation: SignfileExpectation,
  network: PerspectiveNetwork,
  remote: readonly PerspectiveSettings[],
  pool: DnsPool,
): Promise<DomainCorroboration> {
  const [primary, others] = await Promise.all([
    validateDomain(domain, expectation, networkOf(network, {}, pool)).then(
      (r): PerspectiveResult => ({ perspective: 'primary', source: 'system', ok: r.ok, attempts: r.attempts }),
    ),
    Promise.all(
      remote.map((settings, index) =>
        validateDomain(domain, expectation, networkOf(network, settings, pool, perspectiveSource(index))).then(
          (r): PerspectiveResult => ({ perspective: index, source: perspectiveSource(index), ok: r.ok, attempts: r.attempts }),
        ),
      ),
    ),
  ]);
  const remoteFailures = others.filter((r) => !r.ok).length;
  return {
    domain,
    ok: quorumHolds(primary.ok, others.map((r) => r.ok)),
    primary,
    remote: others,
    remoteFailures,
    allowedFailures: allowedNonCorroborations(others.length),
  };
}
