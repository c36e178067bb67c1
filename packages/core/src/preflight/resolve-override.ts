/**
 * The DNS override `DOMAIN:ADDR[,ADDR…]` (as curl's `--resolve`, without the port):
 * addresses used for a domain instead of DNS, for tests and for split-horizon DNS. The
 * front ends, the core API and the sandbox share this syntax. Pure.
 */
import { isIP } from 'node:net';
import { normalizeDomain } from '../domains/domains.js';
import { AcmApiError, OptionsError } from '../errors/errors.js';
import type { ResolveOverride } from './types.js';

/**
 * Parses one override, e.g. `"a.test:127.0.0.1,::1"` or `"a.test:[::1]"`. The
 * domain is everything before the first colon (a domain has none), normalised as
 * spec §4 says; the addresses are IPv4 or IPv6 literals, brackets allowed.
 *
 * @returns `{ domain: 'a.test', addresses: ['127.0.0.1', '::1'] }`.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `resolve`) naming the bad part (no
 *   colon, no address, an address that is not an IP literal, an invalid domain).
 */
export function parseResolveOverride(text: string): ResolveOverride {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new OptionsError(`The DNS override ${JSON.stringify(text)} is not DOMAIN:ADDRESS[,ADDRESS…].`, {
      option: 'resolve',
      hint: 'Write the domain, a colon, and one or more IP addresses separated by commas, e.g. example.com:127.0.0.1,::1.',
    });
  }
  let domain: string;
  try {
    domain = normalizeDomain(text.slice(0, colon));
  } catch (error) {
    throw new OptionsError(`The DNS override ${JSON.stringify(text)} names an invalid domain: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      option: 'resolve',
      hint: error instanceof AcmApiError ? error.hint : undefined,
    });
  }
  const addresses = text
    .slice(colon + 1)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('[') && part.endsWith(']') ? part.slice(1, -1) : part));
  if (addresses.length === 0) {
    throw new OptionsError(`The DNS override ${JSON.stringify(text)} names no address after the colon.`, {
      option: 'resolve',
      hint: 'Give one or more IP addresses after the colon, separated by commas.',
    });
  }
  for (const address of addresses) {
    if (isIP(address) === 0) {
      throw new OptionsError(`The DNS override ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address.`, {
        option: 'resolve',
        hint: 'Give IP addresses (IPv4, or IPv6 with or without brackets), not host names.',
      });
    }
  }
  return { domain, addresses: [...new Set(addresses)] };
}

/**
 * Merges overrides into one lookup table; a domain given twice gets the
 * addresses of both, in order.
 */
export function overrideTable(overrides: readonly ResolveOverride[]): ReadonlyMap<string, readonly string[]> {
  const table = new Map<string, string[]>();
  for (const { domain, addresses } of overrides) {
    const known = table.get(domain) ?? [];
    table.set(domain, [...new Set([...known, ...addresses])]);
  }
  return table;
}
