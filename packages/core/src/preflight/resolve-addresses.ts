/**
 * Every address the CA could pick for a domain: the `resolve` override when
 * there is one, else the A and AAAA records from DNS (spec §5). Thin I/O over an
 * injectable resolver.
 */
import { isIP } from 'node:net';
import type { PreflightResolver } from './types.js';

/** One address of a domain. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** What {@link resolveDomainAddresses} found. */
export type ResolveAddressesResult =
  | { readonly ok: true; readonly source: 'override' | 'dns'; readonly addresses: readonly ResolvedAddress[] }
  | {
      readonly ok: false;
      readonly kind: 'dns-no-such-name' | 'dns-no-address' | 'dns-error' | 'dns-servfail' | 'dns-timeout';
      /** The resolver's error code, e.g. `ENOTFOUND`, `ESERVFAIL`. */
      readonly code: string;
    };

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

function errorCode(reason: unknown): string {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/**
 * Resolves a domain: an IP literal is itself; an override replaces DNS entirely
 * (as curl's `--resolve`); else `resolve4` and `resolve6` run together, and any
 * address found is used. With none: `ENOTFOUND` from either is
 * `dns-no-such-name`; `ENODATA` (or an empty answer) from both is
 * `dns-no-address`; `ESERVFAIL` is `dns-servfail`, `ETIMEOUT` `dns-timeout`; anything else is `dns-error`.
 */
export async function resolveDomainAddresses(
  domain: string,
  overrides: ReadonlyMap<string, readonly string[]>,
  resolver: PreflightResolver,
): Promise<ResolveAddressesResult> {
  const literal = domain.startsWith('[') && domain.endsWith(']') ? domain.slice(1, -1) : domain;
  if (isIP(literal) !== 0) return { ok: true, source: 'override', addresses: [{ address: literal, family: familyOf(literal) }] };
  const mapped = overrides.get(domain);
  if (mapped !== undefined) {
    return { ok: true, source: 'override', addresses: mapped.map((address) => ({ address, family: familyOf(address) })) };
  }
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(domain), resolver.resolve6(domain)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
  ];
  if (addresses.length > 0) return { ok: true, source: 'dns', addresses };
  const codes = [v4, v6].map((settled) => (settled.status === 'fulfilled' ? 'ENODATA' : errorCode(settled.reason)));
  if (codes.includes('ENOTFOUND')) return { ok: false, kind: 'dns-no-such-name', code: 'ENOTFOUND' };
  if (codes.every((code) => code === 'ENODATA')) return { ok: false, kind: 'dns-no-address', code: 'ENODATA' };
  const code = codes.find((found) => found !== 'ENODATA') ?? 'EUNKNOWN';
  return { ok: false, kind: code === 'ESERVFAIL' ? 'dns-servfail' : code === 'ETIMEOUT' ? 'dns-timeout' : 'dns-error', code };
}
