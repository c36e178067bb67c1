/**
 * CAA corroborated by the remote perspectives (BR §3.2.2.9 applies to the CAA check of
 * BR §3.2.2.8 as well as to domain validation): the primary perspective and every remote
 * perspective look up the relevant CAA set themselves, through their own resolver setting
 * and from their own source address, and the same quorum as for the signfile decides.
 * A remote perspective that finds a forbidding set, or whose lookup fails, disagrees.
 */
import {
  allowedNonCorroborations,
  type DnsPool,
  type PerspectiveSettings,
  perspectiveSource,
  quorumHolds,
} from '../validation/perspectives.js';
import { type CaaDomainResult, checkCaa, describeCaa } from './caa-check.js';
import type { CaaLookupOptions } from './caa-lookup.js';
import type { CaaRequester } from './caa-policy.js';

/** What one perspective's CAA check found. */
export interface PerspectiveCaaResult extends CaaDomainResult {
  /** `primary`, or the remote perspective's index (0-based). */
  readonly perspective: 'primary' | number;
  /** The IPv4 source address of its queries (`system` for the primary). */
  readonly source: string;
  /** The DNS servers it asked. */
  readonly dnsServers: readonly string[];
}

/** The corroborated CAA check of one domain (shown by `GET /admin/validations`). */
export interface CaaCorroboration {
  readonly domain: string;
  /** The primary allowed and at most `allowedFailures` remote perspectives disagreed. */
  readonly allowed: boolean;
  readonly primary: PerspectiveCaaResult;
  readonly remote: readonly PerspectiveCaaResult[];
  /** How many remote perspectives found a forbidding set or could not look it up. */
  readonly remoteFailures: number;
  /** How many may (BR §3.2.2.9 table). */
  readonly allowedFailures: number;
}

async function checkFrom(
  perspective: 'primary' | number,
  domain: string,
  dnsServers: readonly string[],
  requester: CaaRequester,
  pool: DnsPool,
  options: CaaLookupOptions,
): Promise<PerspectiveCaaResult> {
  const source = perspective === 'primary' ? undefined : perspectiveSource(perspective);
  const result = await checkCaa(domain, pool.get(dnsServers, source), requester, options);
  return { ...result, perspective, source: source ?? 'system', dnsServers: [...dnsServers] };
}

/**
 * Checks CAA for one domain from the primary perspective (`dnsServers`) and every remote
 * perspective at once (each its own `dnsServers`, else the primary's), and applies the quorum.
 *
 * @param dnsServers - the primary's servers (`validation.dnsServers`), not empty.
 * @param remote - one entry per remote perspective (index = position).
 * @param options - `requireDnssec` applies to every perspective.
 */
export async function corroborateCaa(
  domain: string,
  requester: CaaRequester,
  dnsServers: readonly string[],
  remote: readonly PerspectiveSettings[],
  pool: DnsPool,
  options: CaaLookupOptions = {},
): Promise<CaaCorroboration> {
  const [primary, others] = await Promise.all([
    checkFrom('primary', domain, dnsServers, requester, pool, options),
    Promise.all(remote.map((settings, index) => checkFrom(index, domain, settings.dnsServers ?? dnsServers, requester, pool, options))),
  ]);
  return {
    domain,
    allowed: quorumHolds(primary.allowed, others.map((r) => r.allowed)),
    primary,
    remote: others,
    remoteFailures: others.filter((r) => !r.allowed).length,
    allowedFailures: allowedNonCorroborations(others.length),
  };
}

/** Log lines: the primary's verdict, then each remote perspective's and the quorum. */
export function describeCaaCorroboration(result: CaaCorroboration): string[] {
  const lines = [describeCaa(result.primary)];
  if (!result.primary.allowed || result.remote.length === 0) return lines;
  for (const remote of result.remote) lines.push(`CAA perspective ${remote.perspective} (${remote.source}): ${describeCaa(remote)}`);
  lines.push(
    `${result.remote.length - result.remoteFailures} of ${result.remote.length} remote perspectives corroborate CAA for ${result.domain}; at most ${result.allowedFailures} may disagree`,
  );
  return lines;
}
