/**
 * A real DNS server for the suites (issue 13): Knot DNS (Debian package `knot`) on loopback,
 * serving zone files written from {@link RecordSet}s (DNSSEC-signed on request); a silent
 * server for timeouts; a proxy that delays every answer; Unbound as a validating resolver.
 * When knotd or unbound is missing it is installed with apt-get if we are root, else the
 * fixture throws an error naming the package (never a skip).
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
  /**
   * The DS record of a zone in `signed` (SHA-256 digest), in zone-file syntax, e.g.
   * `signed.test. DS 9081 13 2 fda0…`: a trust anchor for {@link startValidatingResolver}.
   * @throws Error for a zone that is not signed.
   */
  ds(zone: string): Promise<string>;
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
export function startDnsServer(options?: {
  zones?: string[];
  /**
   * Zones (each also in `zones`) that knotd signs itself (`dnssec-signing: on`, one ECDSA
   * P-256 key per zone, RRSIGs valid 14 days, re-signed on every change). Nothing delegates
   * to them with a DS: a validator trusts them only through a trust anchor ({@link DnsServer.ds}).
   */
  signed?: string[];
}): Promise<DnsServer>;

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

/** A running validating resolver (unbound). */
export interface ValidatingResolver {
  /** `'127.0.0.1:PORT'`: what `--dns-server` takes. */
  readonly address: string;
  /** Unbound's output so far (why an answer was bogus, at `val-log-level: 2`). */
  readonly log: string;
  /** Stops unbound (SIGTERM, then SIGKILL after 5 s) and removes its temp folder; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts Unbound (Debian package `unbound`) on a free loopback port as a DNSSEC-validating
 * resolver that forwards every query to `upstream` (e.g. a {@link DnsServer}'s `address`).
 * Only `trustAnchors` are trusted: names under one are answered when their signatures chain
 * to it (secure, with the AD bit) and SERVFAIL when they do not (bogus: bad or expired
 * signatures, a DS that names another key), with an RFC 8914 Extended DNS Error saying why;
 * names under none are answered unvalidated (insecure). Answers are cached for at most 1 s.
 * Runs a copy of the unbound binary from its temp folder (an AppArmor profile confines
 * /usr/sbin/unbound to configuration under /etc/unbound).
 *
 * @param options.upstream - `ADDR[:PORT]` of the authoritative server.
 * @param options.trustAnchors - DS or DNSKEY records in zone-file syntax, e.g. from {@link DnsServer.ds}.
 * @throws Error when unbound is missing and cannot be installed, or does not answer within 10 s.
 */
export function startValidatingResolver(options: { upstream: string; trustAnchors: string[] }): Promise<ValidatingResolver>;
