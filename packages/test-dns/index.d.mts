/**
 * A real DNS server for the suites (issue 13): Knot DNS (Debian package `knot`) on loopback,
 * serving zone files written from {@link RecordSet}s; a silent server for timeouts; a proxy
 * that delays every answer. When knotd is missing it is installed with apt-get if we are
 * root, else `startDnsServer` throws an error naming the package (never a skip).
 */

/** One CAA record (RFC 8659 §4.1): flags (128 = critical), tag, value (unquoted). */
export interface CaaRecord {
  flags: number;
  tag: string;
  value: string;
}

/** A name's records. A CNAME should stand alone (RFC 1034 §3.6.2); the chain is answered by knotd. */
export interface RecordSet {
  A?: string[];
  AAAA?: string[];
  /** Target name, without trailing dot. */
  CNAME?: string;
  CAA?: CaaRecord[];
}

/** A running authoritative server for `zones` (TTL 1 s). Names outside every zone answer REFUSED. */
export interface DnsServer {
  /** Always `'127.0.0.1'`. */
  readonly host: string;
  /** UDP and TCP port. */
  readonly port: number;
  /** `'127.0.0.1:PORT'`: what `--dns-server` takes. */
  readonly address: string;
  /** Replaces the name's records (name without trailing dot, inside a served zone); resolves when served. */
  set(name: string, records: RecordSet): Promise<void>;
  /** Removes the name's records: it then answers NXDOMAIN (NODATA if names exist under it). */
  remove(name: string): Promise<void>;
  /** Every query at or under `name` answers SERVFAIL from now on (a zone that fails to load). */
  servfail(name: string): Promise<void>;
  /** Stops knotd and removes its temp folder; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts knotd on a free loopback port with empty zones (SOA and NS only).
 *
 * @default options.zones ['test']
 * @throws Error when knotd is missing and cannot be installed, or does not start within 10 s.
 */
export function startDnsServer(options?: { zones?: string[] }): Promise<DnsServer>;

/** A UDP+TCP listener on loopback that never answers: every query times out. */
export function startSilentDnsServer(): Promise<{ address: string; close(): Promise<void> }>;

/**
 * A UDP and TCP proxy on loopback that forwards to `upstream` (`ADDR[:PORT]`) and holds each
 * answer `delayMs` milliseconds before passing it on.
 */
export function startDelayingDnsProxy(options: {
  upstream: string;
  delayMs: number;
}): Promise<{ address: string; close(): Promise<void> }>;
