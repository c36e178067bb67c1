/**
 * The sandbox's own DNS lookups (A, AAAA, CNAME, CAA) against configured servers, like
 * Pebble's `-dnsserver`: never the system resolver. Thin I/O over node:dns `Resolver`;
 * every answer is classified so that the CAA policy and the signfile check stay pure.
 *
 * Kept apart from core's lookup on purpose (issue 13): the sandbox is the independent peer
 * the preflight is tested against.
 */
import { Resolver } from 'node:dns/promises';
import { type DnssecState, queryDnssecState } from './dnssec-query.js';

/** One CAA resource record (RFC 8659 §4.1): flags octet, tag, value. */
export interface SandboxCaaRecord {
  readonly flags: number;
  readonly tag: string;
  readonly value: string;
}

/** Why a lookup gave no usable answer. `nxdomain` and `nodata` are answers; the others are failures. */
export type LookupFailureKind = 'servfail' | 'timeout' | 'refused' | 'unreachable' | 'error';

/** A classified answer for one name and type. */
export type LookupAnswer<T> =
  | { readonly kind: 'records'; readonly records: readonly T[] }
  /** The name does not exist (RCODE 3). */
  | { readonly kind: 'nxdomain' }
  /** The name exists but has no record of this type. */
  | { readonly kind: 'nodata' }
  | { readonly kind: 'failure'; readonly failure: LookupFailureKind; readonly message: string };

/** A resolver bound to the configured servers. */
export interface SandboxDns {
  /** The servers asked, as configured (`ADDR[:PORT]`). */
  readonly servers: readonly string[];
  addresses4(name: string): Promise<LookupAnswer<string>>;
  addresses6(name: string): Promise<LookupAnswer<string>>;
  cname(name: string): Promise<LookupAnswer<string>>;
  caa(name: string): Promise<LookupAnswer<SandboxCaaRecord>>;
  /** The DNSSEC state of the CAA answer for `name` from the first server (AD bit, Extended DNS Error). */
  caaDnssec(name: string): Promise<DnssecState>;
}

/** Options of {@link createSandboxDns}. */
export interface SandboxDnsOptions {
  /** Servers, `ADDR`, `ADDR:PORT` or `[V6]:PORT` (node:dns `setServers` syntax). */
  readonly servers: readonly string[];
  /** Time for one query, milliseconds (one try: a silent server is a timeout, not a wait of minutes). */
  readonly timeoutMs: number;
  /**
   * IPv4 source address of the queries (a remote perspective's 127.0.0.x, BR §3.2.2.9);
   * absent: the system's choice.
   */
  readonly localAddress?: string;
}

function classify<T>(error: unknown): LookupAnswer<T> {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  // c-ares codes (node:dns "Error codes"): ENOTFOUND is NXDOMAIN, ENODATA an empty answer.
  if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
  if (code === 'ENODATA') return { kind: 'nodata' };
  if (code === 'ESERVFAIL') return { kind: 'failure', failure: 'servfail', message };
  if (code === 'ETIMEOUT') return { kind: 'failure', failure: 'timeout', message };
  if (code === 'EREFUSED') return { kind: 'failure', failure: 'refused', message };
  if (code === 'ECONNREFUSED') return { kind: 'failure', failure: 'unreachable', message };
  return { kind: 'failure', failure: 'error', message };
}

async function ask<T>(query: () => Promise<T[]>): Promise<LookupAnswer<T>> {
  try {
    const records = await query();
    return records.length === 0 ? { kind: 'nodata' } : { kind: 'records', records };
  } catch (error) {
    return classify<T>(error);
  }
}

/** Known property names of node's CAA answer objects besides the tag itself. */
const CAA_META = new Set(['critical']);

/**
 * Creates a resolver that asks only `servers`.
 * @throws {TypeError} from node:dns when a server is not an IP address with an optional port.
 */
export function createSandboxDns(options: SandboxDnsOptions): SandboxDns {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  resolver.setServers([...options.servers]);
  if (options.localAddress !== undefined) resolver.setLocalAddress(options.localAddress);
  const [first] = options.servers;
  const dnssecOptions = { timeoutMs: options.timeoutMs, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) };
  return {
    caaDnssec: async (name) =>
      first === undefined ? { kind: 'failed', message: 'no DNS server' } : queryDnssecState(name, first, dnssecOptions),
    servers: [...options.servers],
    addresses4: (name) => ask(() => resolver.resolve4(name)),
    addresses6: (name) => ask(() => resolver.resolve6(name)),
    cname: (name) => ask(() => resolver.resolveCname(name)),
    caa: (name) =>
      ask(async () => {
        const answers = await resolver.resolveCaa(name);
        // node gives `{ critical, <tag>: value }`; the tag is the one other key (unknown tags too).
        return answers.flatMap((answer): SandboxCaaRecord[] => {
          // Node may add `type: 'CAA'` (resolveAny's form, seen from resolveCaa too): not a tag.
          const entries = Object.entries(answer).filter(([key, value]) => !CAA_META.has(key) && !(key === 'type' && value === 'CAA'));
          return entries.map(([tag, value]) => ({ flags: answer.critical, tag, value: String(value) }));
        });
      }),
  };
}
