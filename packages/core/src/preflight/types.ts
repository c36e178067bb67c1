/**
 * The public shapes of the signfile preflight (spec §5, BR §3.2.2.4.18): what
 * the CLI (`acmapi check --json`) and the editor views show. Every field here is
 * part of that contract: add fields, never rename them.
 */
import type { CaaDecision } from './caa.js';
import type { RedirectRefusal } from './redirect-policy.js';
import type { SignfileBodyCheck } from './signfile-body.js';

/** How a failed preflight affects the application. */
export type PreflightMode =
  /** Report failures and apply anyway: the local view can differ from the CA's (hairpin NAT, split DNS). */
  | 'warn'
  /** Do not apply when any domain fails. */
  | 'strict'
  /** Do not run the preflight at all. */
  | 'off';

/** The two schemes the CA may fetch the signfile with (spec §5). */
export type PreflightScheme = 'http' | 'https';

/** Why a domain, an address or a scheme failed. */
export type PreflightFailureKind =
  /** The domain does not exist in DNS (NXDOMAIN / `ENOTFOUND`). */
  | 'dns-no-such-name'
  /** The domain exists but has neither an A nor an AAAA record (`ENODATA`). */
  | 'dns-no-address'
  /** DNS did not answer usefully (`EREFUSED`, `ECONNREFUSED`, …; SERVFAIL and timeouts have their own kinds). */
  | 'dns-error'
  /** A DNS server answered SERVFAIL (`ESERVFAIL`): a CA takes it as a failure, never as "no record" (BR 3.2.2.8). */
  | 'dns-servfail'
  /** No DNS server answered in time (`ETIMEOUT`). */
  | 'dns-timeout'
  /** CAA forbids the CA to issue for the domain (RFC 8659, RFC 8657); see `caa`. */
  | 'caa-forbids'
  /** The relevant CAA set has a critical record with a tag the CA does not know (RFC 8659 §4.1); see `caa`. */
  | 'caa-critical-unknown-tag'
  /** A CAA lookup on the way up failed (SERVFAIL, timeout): never permission to issue (BR 3.2.2.8); see `caa`. */
  | 'caa-lookup-failed'
  /**
   * The signfile's name contains its token, so the random value would appear in the URL,
   * which BR 3.2.2.4.18 forbids; the CA refuses without fetching.
   */
  | 'signfile-name-contains-token'
  /** Nothing listens at the address and port (`ECONNREFUSED`). */
  | 'connection-refused'
  /** A connect, header, body or overall time limit passed; see `phase`. */
  | 'timeout'
  /** The TLS handshake failed (an invalid certificate is not a failure, only reported). */
  | 'tls-handshake'
  /** The connection broke for another reason (reset, closed early). */
  | 'connection-failed'
  /** The final answer was not 200; see `status`. */
  | 'http-status'
  /** A redirect the CA would not follow; see `redirect`. */
  | 'redirect-not-allowed'
  /** A redirect led back to a URL already fetched. */
  | 'redirect-loop'
  /** More than `MAX_REDIRECTS` (10) redirects. */
  | 'too-many-redirects'
  /** A 200 answer whose body does not contain the signfile; see `content`. */
  | 'content-mismatch'
  /**
   * A 200 answer longer than `maxBodyBytes`: a CA reads only a small response (the
   * reference server refuses a larger one), so a signfile must be served alone.
   */
  | 'body-too-large'
  /** The caller aborted the preflight. */
  | 'aborted';

/** The phase a `timeout` happened in. */
export type PreflightTimeoutPhase = 'connect' | 'headers' | 'body' | 'deadline';

/**
 * A fix a front end can offer in its own words (a flag, an input, a setting):
 * - `dns-override`: check against given addresses instead of DNS (split-horizon DNS, a
 *   site not yet in public DNS);
 * - `iis-web-config`: write a web.config beside the signfile so that IIS serves the
 *   extensionless file as text/plain.
 */
export type PreflightRemedy = 'dns-override' | 'iis-web-config';

/** One failure, with what to do about it. */
export interface PreflightFailure {
  readonly kind: PreflightFailureKind;
  /** One sentence naming the domain, address, URL and what went wrong (facts only). */
  readonly message: string;
  /** What to do about it, in neutral words (may name the local path written, the IIS fix, …). */
  readonly hint: string;
  /** A fix the front end may offer in its own words, when one applies. */
  readonly remedy?: PreflightRemedy;
  /** The URL fetched when it failed, when there was one. */
  readonly url?: string;
  /** The address dialled when it failed, when there was one. */
  readonly address?: string;
  /** For `http-status`: the status received. */
  readonly status?: number;
  /** For `timeout`: which limit passed. */
  readonly phase?: PreflightTimeoutPhase;
  /** For `redirect-not-allowed`: which rule the redirect broke. */
  readonly redirect?: RedirectRefusal;
  /** For `content-mismatch`: how the body differs. */
  readonly content?: SignfileBodyCheck;
  /** For the `caa-*` kinds: the decision, with the record (or lookup) that decided. */
  readonly caa?: CaaDecision;
  /** For `dns-servfail`, `dns-timeout`, `dns-error`, `caa-lookup-failed`: the resolver's error code. */
  readonly code?: string;
}

/**
 * The CAA check of one domain (BR 3.2.2.8): the {@link CaaDecision}, or `not-checked` when no
 * DNS was asked for the domain (a `resolve` override without `dnsServers`: the addresses are
 * not DNS's, so neither would CAA be; or a custom resolver without `resolveCaa`).
 */
export type CaaReport =
  | CaaDecision
  | { readonly ok: true; readonly reason: 'not-checked'; readonly iodef: readonly string[]; readonly message: string };

/** What one DNS server answered for a domain's A and AAAA records (several `dnsServers`). */
export interface ResolverAnswer {
  /** The server, as given (`ADDR:PORT`). */
  readonly server: string;
  /** Its addresses, sorted; empty when it had none or failed. */
  readonly addresses: readonly string[];
  /** The resolver's error code when it gave no address (`ENOTFOUND`, `ESERVFAIL`, `ETIMEOUT`, …). */
  readonly code?: string;
}

/**
 * The response headers that reveal a CDN or a cache in front of the site:
 * `server`, `via`, `age`, `x-cache`, `cf-cache-status` (lower-case names; only
 * those present).
 */
export type CdnHeaders = Readonly<Partial<Record<'server' | 'via' | 'age' | 'x-cache' | 'cf-cache-status', string>>>;

/** The site's TLS certificate as seen during the handshake (never a reason to fail). */
export interface TlsCertificateReport {
  /** Whether the certificate chains to a trusted root and names the domain. */
  readonly valid: boolean;
  /** Node's verification error when not valid, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly error?: string;
}

/** One request of a redirect chain. */
export interface PreflightHop {
  /** The URL requested (Host and SNI are its host). */
  readonly url: string;
  /** The address dialled. */
  readonly address: string;
  /** The TCP port dialled (80/443, or the `httpPort`/`httpsPort` override). */
  readonly port: number;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** The `Location` header of a redirect. */
  readonly location?: string;
  /** CDN and cache headers of this answer. */
  readonly cdnHeaders: CdnHeaders;
  /** For `https:` hops: the certificate's validity. */
  readonly tls?: TlsCertificateReport;
  /** True when the body was longer than `maxBodyBytes` and only its start was read. */
  readonly bodyTruncated?: true;
}

/** The check of one scheme on one address: the first request and every redirect it led to. */
export interface SchemeOutcome {
  readonly scheme: PreflightScheme;
  /** The first URL, `SCHEME://DOMAIN/.well-known/pki-validation/NAME`. */
  readonly url: string;
  /** Whether the signfile was served (the body contains the token). */
  readonly ok: boolean;
  /** Every request made, in order. */
  readonly hops: readonly PreflightHop[];
  /** The check of the final 200 body, when one came (also when `ok`, to show warnings). */
  readonly content?: SignfileBodyCheck;
  /** Why it failed, when `ok` is false. */
  readonly failure?: PreflightFailure;
}

/** The check of one address of a domain. */
export interface AddressPreflight {
  /** The IPv4 or IPv6 address. */
  readonly address: string;
  /** 4 (A record) or 6 (AAAA record). */
  readonly family: 4 | 6;
  /** True when at least one scheme serves the signfile (the CA may use either, spec §5). */
  readonly ok: boolean;
  /** One outcome per scheme checked, http first. */
  readonly schemes: readonly SchemeOutcome[];
}

/** The check of one domain. */
export interface DomainPreflight {
  readonly domain: string;
  /** True when every address serves the signfile on some allowed scheme: what the CA needs. */
  readonly ok: boolean;
  /** Where the addresses came from: a `resolve` override or DNS. */
  readonly addressSource: 'override' | 'dns';
  /** One entry per A and AAAA address. Empty when DNS failed. */
  readonly addresses: readonly AddressPreflight[];
  /** The DNS failure, or the failure of the first failing address, when not `ok`. */
  readonly failure?: PreflightFailure;
  /** Things that pass but deserve attention (byte-order mark, invalid TLS certificate, CDN, resolvers that disagree). */
  readonly warnings: readonly string[];
  /** The CAA check (absent in results of versions before it, and for a domain that is an IP literal). */
  readonly caa?: CaaReport;
  /**
   * Present when several `dnsServers` disagree about the domain's addresses (split-horizon DNS,
   * GeoDNS): each server's answer. The CA's perspectives may see any of them (BR 3.2.2.9).
   */
  readonly resolversDisagree?: readonly ResolverAnswer[];
}

/** The result of {@link "@acmapi/core/preflight"!preflight | preflight}. */
export interface PreflightResult {
  /** True when every domain passed (always true in mode `off`, where nothing is checked). */
  readonly ok: boolean;
  /** The mode it ran in. */
  readonly mode: PreflightMode;
  /** One entry per domain, in the order given. */
  readonly domains: readonly DomainPreflight[];
}

/** Addresses to use for a domain instead of DNS, as curl's `--resolve` without the port. */
export interface ResolveOverride {
  /** The domain, normalised (spec §4). */
  readonly domain: string;
  /** IPv4 and IPv6 addresses, in the order given. */
  readonly addresses: readonly string[];
}

/** The answers of DNS the preflight needs; `node:dns/promises` and its `Resolver` fit. */
export interface PreflightResolver {
  /** A records; rejects with an `ENOTFOUND`/`ENODATA`/… error. */
  resolve4(hostname: string): Promise<string[]>;
  /** AAAA records; rejects like {@link PreflightResolver.resolve4}. */
  resolve6(hostname: string): Promise<string[]>;
  /** CAA records, `{ critical, TAG: value }`; without it (and `resolveCname`) CAA is `not-checked`. */
  resolveCaa?(hostname: string): Promise<{ readonly critical: number }[]>;
  /** CNAME targets, followed for CAA (RFC 8659 §3). */
  resolveCname?(hostname: string): Promise<string[]>;
}

/** The greatest number of redirects followed, as the CA does (BR §3.2.2.4.18 allows "a few"). */
export const MAX_REDIRECTS = 10;
