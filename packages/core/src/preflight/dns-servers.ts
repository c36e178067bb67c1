/**
 * The DNS servers the preflight asks instead of the system resolver (issue 13, like Pebble's
 * `-dnsserver`): `ADDR[:PORT]`, repeatable. Every lookup (A, AAAA, CNAME, CAA) goes there,
 * through `node:dns`'s `Resolver` (c-ares), never through `getaddrinfo`.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DnsServerRule } from '../errors/config-issue.js';
import { OptionsError } from '../errors/errors.js';
import type { PreflightResolver } from './types.js';

/** The DNS port when a server is given without one. */
export const DEFAULT_DNS_PORT = 53;

const HINT = 'Write ADDR[:PORT] with an IP address, e.g. 127.0.0.1:5353, [::1]:5353 or 192.0.2.53 (port 53).';

type SplitServer = { readonly rule: DnsServerRule } | { readonly host: string; readonly port: number; readonly family: number };

function splitServer(text: string): SplitServer {
  const trimmed = text.trim();
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
  } else if (isIP(trimmed) === 6) {
    host = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    host = colon === -1 ? trimmed : trimmed.slice(0, colon);
    port = colon === -1 ? undefined : trimmed.slice(colon + 1);
  }
  const family = isIP(host);
  if (family === 0) return { rule: 'not-an-address' };
  const number = port === undefined ? DEFAULT_DNS_PORT : /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
  if (!Number.isInteger(number) || number < 1 || number > 65_535) return { rule: 'bad-port' };
  return { host, port: number, family };
}

/**
 * Which rule a DNS server text breaks, or `undefined` when {@link parseDnsServer} takes it:
 * `not-an-address` (a host name or an empty text: nothing would resolve it), `bad-port`
 * (not 1 to 65535).
 */
export function dnsServerProblem(text: string): DnsServerRule | undefined {
  const split = splitServer(text);
  return 'rule' in split ? split.rule : undefined;
}

/**
 * Parses one DNS server: `127.0.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`.
 *
 * @returns the server as `node:dns` `setServers` takes it, with the port:
 *   `127.0.0.1:5353`, `[::1]:53`.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `dnsServers`) for a host name (the
 *   servers must be addresses: nothing resolves them), a bad port, or an empty text.
 */
export function parseDnsServer(text: string): string {
  const split = splitServer(text);
  if ('rule' in split) {
    const problem = split.rule === 'not-an-address' ? 'is not an IP address with an optional port' : 'has a bad port (1 to 65535)';
    throw new OptionsError(`The DNS server ${JSON.stringify(text)} ${problem}.`, { option: 'dnsServers', hint: HINT });
  }
  return split.family === 6 ? `[${split.host}]:${split.port}` : `${split.host}:${split.port}`;
}

/** Options of {@link dnsServerResolver}. */
export interface DnsServerResolverOptions {
  /** Time c-ares waits for one answer before it retries, milliseconds. @default 2000 */
  readonly timeoutMs?: number;
  /** Attempts per server before `ETIMEOUT`. @default 2 */
  readonly tries?: number;
}

/**
 * A resolver that asks only `servers` (in order: c-ares moves to the next on failure).
 *
 * @param servers - `ADDR[:PORT]` texts; parsed with {@link parseDnsServer}.
 * @throws {OptionsError} see {@link parseDnsServer}; also when `servers` is empty.
 */
export function dnsServerResolver(servers: readonly string[], options: DnsServerResolverOptions = {}): Required<PreflightResolver> {
  if (servers.length === 0) throw new OptionsError('No DNS server given.', { option: 'dnsServers', hint: HINT });
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2_000, tries: options.tries ?? 2 });
  resolver.setServers(servers.map(parseDnsServer));
  return {
    resolve4: (hostname) => resolver.resolve4(hostname),
    resolve6: (hostname) => resolver.resolve6(hostname),
    resolveCaa: (hostname) => resolver.resolveCaa(hostname),
    resolveCname: (hostname) => resolver.resolveCname(hostname),
  };
}
