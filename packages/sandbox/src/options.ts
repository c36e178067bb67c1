/**
 * Options of the reference server (spec §6). One documented type, defaults in one
 * place ({@link defaultSandboxOptions} and the `@default`s below), one validating
 * resolver (`resolveSandboxOptions` in resolve-options.ts).
 */

/** A platform registered with the CA (spec §1): its id, token, signfile and addresses. */
export interface SandboxCustomerOptions {
  /** The customer id (`customer_id`, spec §2). Unknown ids get 101. */
  customerId: string;
  /** The auth token (`auth_token`). A secret: never logged, never printed. Wrong tokens get 102. */
  authToken: string;
  /** The signfile the CA looks for on every domain (spec §1, §5). */
  signfile: {
    /**
     * File name under `/.well-known/pki-validation/`. A name that contains the token is
     * accepted here but every application of the customer is refused (107): the random
     * value must not appear in the request URL (BR §3.2.2.4.18). @default "signfile"
     */
    name?: string;
    /**
     * The token the served file must contain. Absent: the sandbox generates one of 128
     * random bits (32 hex digits) at start, shown in the banner.
     */
    content?: string;
    /**
     * When the CA gave out the token (ISO 8601 date-time). Its age on the CA's clock is
     * limited by `maxAgeDays`; absent for a configured token: its age is unknown and not
     * limited. A generated token is issued at start.
     */
    issuedAt?: string;
    /**
     * Most days a token may be used after `issuedAt` (BR §3.2.2.4.18: at most 30); older
     * tokens get 107 with the explanation in the request log. @default 30
     */
    maxAgeDays?: number;
  };
  /**
   * Caller addresses accepted for this customer: IPv4/IPv6 addresses or CIDR blocks;
   * IPv4-mapped IPv6 callers count as IPv4. Others get 110.
   * @default ["127.0.0.1", "::1"]
   */
  allowedIps?: string[];
}

/** Applications that wait for a person (spec §3 "pending"): by domain pattern or by share. */
export interface SandboxPendingOptions {
  /** Domain patterns (`name`, `*.name`, `*`) whose applications go pending. @default [] */
  domains?: string[];
  /** Share (0..1) of other applications that go pending. @default 0 */
  share?: number;
}

/** How the signfile check (spec §5) reaches web servers on one machine. */
export interface SandboxValidationOptions {
  /** Whether to fetch signfiles at all; when false every domain passes. @default true */
  enabled?: boolean;
  /**
   * Domain pattern → addresses to connect to, e.g. `{ "example.test": ["127.0.0.1", "::1"] }`.
   * Every address of a domain must serve the signfile.
   * @default {}
   */
  resolve?: Record<string, string[]>;
  /**
   * Addresses of domains that `resolve` does not name, when `dnsServers` is empty.
   * @default ["127.0.0.1"]
   */
  defaultAddresses?: string[];
  /**
   * DNS servers (`ADDR`, `ADDR:PORT`, `[V6]:PORT`) asked for every A, AAAA, CNAME and CAA
   * lookup, like Pebble's `-dnsserver`; never the system resolver. Names that `resolve`
   * matches still use the map. CAA (BR §3.2.2.8) is checked only when this is set: without
   * DNS there is nothing to look CAA up in (the demo needs no DNS server). @default []
   */
  dnsServers?: string[];
  /** Time for one DNS query, milliseconds (one try). @default 2000 */
  dnsTimeoutMs?: number;
  /**
   * Accept only DNSSEC-validated CAA answers (BR §3.2.2.8): every CAA answer of the climb
   * must carry the AD bit from `dnsServers`' first server, which must then be a validating
   * resolver the CA trusts (e.g. unbound on loopback). An insecure (unsigned) zone then
   * refuses too, as a lookup failure. Off: a validating resolver still answers SERVFAIL for
   * a bogus zone, which refuses, and insecure zones are accepted as the BR allow. @default false
   */
  requireDnssec?: boolean;
  /** Port connected to for `http://` URLs on port 80 (like Pebble's httpPort). @default 80 */
  httpPort?: number;
  /** Port connected to for URLs on port 443 (like Pebble's tlsPort). @default 443 */
  httpsPort?: number;
  /** Connect (TCP + TLS) timeout per request, milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /** Time from connection to response headers, milliseconds. @default 5000 */
  headersTimeoutMs?: number;
  /** Time to read a body, milliseconds. @default 5000 */
  bodyTimeoutMs?: number;
  /** Largest signfile body accepted, bytes; larger bodies fail. @default 65536 */
  maxBodyBytes?: number;
  /** Most redirects followed from one URL (BR §3.2.2.4.18 leaves the number to the CA). @default 10 */
  maxRedirects?: number;
}

/** Pebble-style fault injection; everything off unless asked for. */
export interface SandboxFaultOptions {
  /** Delay before every API answer, milliseconds. @default 0 */
  delayMs?: number;
  /** Share (0..1) of API calls answered 111 after authentication. @default 0 */
  unknownErrorShare?: number;
  /** Share (0..1) of applications that go pending; same as `pending.share` (the larger wins). @default 0 */
  pendingShare?: number;
  /** Share (0..1) of certificates signed for a different, fresh key (to test clients' key checks). @default 0 */
  wrongKeyShare?: number;
}

/**
 * How long the server keeps a client's connection, milliseconds. Every limit bounds what one
 * client that stops talking can hold: sockets (descriptors) and parser state.
 */
export interface SandboxConnectionOptions {
  /**
   * A connection with no request under way (before its first request, or a TLS handshake
   * that does not finish) is closed after this long without traffic. The time a request takes
   * to be answered (signfile checks, `faults.delayMs`) does not count.
   * @default 10000
   */
  idleTimeoutMs?: number;
  /** Time to receive a request's headers from its first byte (Node's `server.headersTimeout`). @default 10000 */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, headers and body (Node's `server.requestTimeout`); at least `headersTimeoutMs`. @default 30000 */
  requestTimeoutMs?: number;
  /** How long a kept-alive connection waits for its next request (Node's `server.keepAliveTimeout`). @default 5000 */
  keepAliveTimeoutMs?: number;
}

/**
 * A remote network perspective (BR §3.2.2.9): its own resolver setting and fault knobs.
 * Its source address is 127.0.0.(10+index), fixed.
 */
export interface SandboxPerspectiveOptions {
  /** DNS servers this perspective asks instead of `validation.dnsServers`, for addresses and CAA (split-horizon DNS). */
  dnsServers?: string[];
  /** Fault knob: every domain resolves to these addresses from here (another DNS answer, GeoDNS). */
  addresses?: string[];
  /** Fault knob: every 200 answer reads as this body from here (another body). */
  body?: string;
  /** Fault knob: every request from here times out. @default false */
  timeout?: boolean;
}

/**
 * Lifetime profiles of issued certificates:
 * - `default`: the longest the Baseline Requirements allow on the issuance date (ballot
 *   SC-081: 398 days before 2026-03-15, 200 from then, 100 from 2027-03-15, 47 from
 *   2029-03-15) minus one day;
 * - `short`: 6 days, for renewal tests of short-lived certificates.
 */
export type SandboxValidityProfile = 'default' | 'short';

/** Form of the `certificate` field (spec §3: a client accepts all three). */
export type SandboxCertificateFormat = 'pem' | 'bundle' | 'der-base64';

/** Answer quirks of the source document (spec §3 "What the source gets wrong"), to test clients over the wire. */
export interface SandboxQuirkOptions {
  /** Keys with a trailing space and string values with a leading space, as the source's examples. @default false */
  paddedKeys?: boolean;
  /** `status` as a string (`"0"`) as the source's examples. @default false */
  statusAsString?: boolean;
  /** `pem`: leaf only; `bundle`: leaf + intermediate; `der-base64`: leaf DER in base64, no armour. @default "bundle" */
  certificateFormat?: SandboxCertificateFormat;
}

/** Everything `startSandbox` accepts. Every field is optional. */
export interface SandboxOptions {
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** HTTPS with the sandbox's own certificate (chained to its CA); false for plain HTTP. @default true */
  tls?: boolean;
  /** Registered platforms. @default [DEMO_CUSTOMER] */
  customers?: SandboxCustomerOptions[];
  /** Bearer token of the admin endpoints; generated at start when absent. */
  adminToken?: string;
  /** Largest API request body, bytes; larger ones get HTTP 413. @default 65536 */
  maxRequestBytes?: number;
  /**
   * How many API calls `Sandbox.requests` keeps: the newest this many, older ones are dropped
   * (and counted in `Sandbox.requestsDropped`), so a long-running sandbox's memory stays bounded.
   * @default 10000
   */
  maxLoggedRequests?: number;
  /** Connection time limits. */
  connections?: SandboxConnectionOptions;
  /** Lifetime profile, used when neither `validityDays` nor `validitySeconds` is set. @default "default" */
  validityProfile?: SandboxValidityProfile;
  /** Certificate lifetime in days, instead of the profile (ignored when `validitySeconds` is set). */
  validityDays?: number;
  /** Certificate lifetime in seconds, for short-lived test certificates, instead of the profile. */
  validitySeconds?: number;
  /**
   * The CA's issuer domain names that CAA `issue`/`issuewild` records must name (RFC 8659 §4.2).
   * @default ["sandbox.acmapi.test"]
   */
  caaIdentities?: string[];
  /**
   * Remote network perspectives (BR §3.2.2.9) that repeat every CAA and signfile check from source
   * addresses 127.0.0.10, .11, …: a count, or one entry per perspective. 0 turns
   * corroboration off (only the primary check). @default 5
   */
  perspectives?: number | SandboxPerspectiveOptions[];
  /** How far notBefore is set back, seconds, for clocks a little behind. @default 60 */
  backdateSeconds?: number;
  /** Domain patterns the CA refuses to certify (error 109), e.g. `["*.refused.test", "blocked.example"]`. @default [] */
  refuse?: string[];
  /** Applications that go pending. */
  pending?: SandboxPendingOptions;
  /** The signfile check. */
  validation?: SandboxValidationOptions;
  /** Fault injection. */
  faults?: SandboxFaultOptions;
  /** Answer quirks. */
  quirks?: SandboxQuirkOptions;
  /**
   * Dice of the shares: a seed (integer) for repeatable runs, or a function returning
   * numbers in [0, 1). Handles, serials and keys never use it.
   * @default Math.random
   */
  random?: number | (() => number);
  /**
   * The CA's clock, for simulations that move time (e.g. years of renewals in seconds): the
   * issued certificates' notBefore/notAfter (notBefore = now − `backdateSeconds`, notAfter = now
   * + lifetime), the applications' `createdAt`/`issuedAt`, and the request log's `at`. The test
   * CA's own certificates are valid from the earlier of this clock and the real one at start
   * (root 10 years, intermediate 5 years), so a clock that starts about now covers years of
   * simulated renewals. The sandbox's HTTPS certificate keeps the real clock, which TLS peers
   * check it against. Programmatic only: a configuration file cannot hold a function.
   * @default () => new Date()
   */
  now?: () => Date;
}

/**
 * A CA outage as its clients see it ({@link Sandbox.setOutage}):
 * - `http-503`: every request is answered HTTP 503 with `Retry-After: 3600` and an HTML page,
 *   as a load balancer in front of a CA that is down answers;
 * - `connection-reset`: every connection is accepted and closed at once without an answer,
 *   as a crashed server behind a TCP proxy looks.
 */
export type SandboxOutage = 'http-503' | 'connection-reset';

/**
 * The demo platform, used when no customer is configured. Its token is public on
 * purpose: the sandbox is a test tool and its CA is trusted by nothing.
 */
export const DEMO_CUSTOMER: Readonly<SandboxCustomerOptions> = Object.freeze({
  customerId: 'demo',
  authToken: 'demo-token',
  signfile: { name: 'signfile', content: 'acmapi-sandbox-demo-signfile' },
  allowedIps: ['127.0.0.1', '::1'],
});

const DEFAULT_CERTIFICATE_FORMAT: SandboxCertificateFormat = 'bundle';

/** The defaults of every option (except `adminToken`, generated at start, and `validityDays`/`validitySeconds`, which replace the profile). */
export const defaultSandboxOptions = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  tls: true,
  customers: [DEMO_CUSTOMER],
  maxRequestBytes: 65_536,
  maxLoggedRequests: 10_000,
  connections: { idleTimeoutMs: 10_000, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000 },
  validityProfile: 'default',
  caaIdentities: ['sandbox.acmapi.test'],
  perspectives: 5,
  backdateSeconds: 60,
  refuse: new Array<string>(),
  pending: { domains: new Array<string>(), share: 0 },
  validation: {
    enabled: true,
    resolve: Object.create(null) as Record<string, string[]>,
    defaultAddresses: ['127.0.0.1'],
    dnsServers: new Array<string>(),
    dnsTimeoutMs: 2000,
    requireDnssec: false,
    httpPort: 80,
    httpsPort: 443,
    connectTimeoutMs: 5000,
    headersTimeoutMs: 5000,
    bodyTimeoutMs: 5000,
    maxBodyBytes: 65_536,
    maxRedirects: 10,
  },
  faults: { delayMs: 0, unknownErrorShare: 0, pendingShare: 0, wrongKeyShare: 0 },
  quirks: { paddedKeys: false, statusAsString: false, certificateFormat: DEFAULT_CERTIFICATE_FORMAT },
});
