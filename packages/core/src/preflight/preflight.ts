/**
 * The signfile preflight (spec §5, BR §3.2.2.4.18): before applying, fetch the
 * signfile the way the CA will — every domain, every A and AAAA address, http
 * and https, redirects followed by the CA's rules — and say exactly which
 * domain, address, scheme or redirect fails and why.
 */
import { resolve4, resolve6, resolveCaa, resolveCname } from 'node:dns/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { normalizeDomain } from '../domains/domains.js';
import { OptionsError, PreflightError } from '../errors/errors.js';
import { DEFAULT_ENDPOINT } from '../config/config-defaults.js';
import { evaluateCaa } from './caa.js';
import { lookupCaa } from './caa-lookup.js';
import type { CaaResolver } from './caa-lookup.js';
import { defaultCaaIdentities } from './caa-identities.js';
import { describeFailure } from './describe-failure.js';
import { dnsServerResolver, parseDnsServer } from './dns-servers.js';
import type { FailureContext } from './describe-failure.js';
import { fetchHop } from './fetch-hop.js';
import { checkRedirect, effectivePort, isRedirectStatus } from './redirect-policy.js';
import { resolveDomainAddresses } from './resolve-addresses.js';
import type { ResolveAddressesResult, ResolvedAddress } from './resolve-addresses.js';
import { overrideTable } from './resolve-override.js';
import { checkSignfileBody } from './signfile-body.js';
import { assertSignfileName, signfileUrlPath } from './signfile-name.js';
import { MAX_REDIRECTS } from './types.js';
import type {
  AddressPreflight,
  CaaReport,
  CdnHeaders,
  DomainPreflight,
  PreflightFailure,
  PreflightHop,
  PreflightMode,
  PreflightResolver,
  PreflightResult,
  PreflightScheme,
  ResolveOverride,
  ResolverAnswer,
  SchemeOutcome,
} from './types.js';
import { addressPasses, domainVerdict } from './verdict.js';

/** Options of {@link preflight}. Timeouts are in milliseconds. */
export interface PreflightOptions {
  /** The domains to check; normalised as spec §4 says (duplicates removed). */
  readonly domains: readonly string[];
  /** The signfile: its file name (e.g. `signfile`) and exact content (the token). */
  readonly signfile: { readonly name: string; readonly content: string | Uint8Array };
  /**
   * `warn` reports failures; `strict` makes {@link enforcePreflight} throw; `off` checks nothing.
   * @default 'warn'
   */
  readonly mode?: PreflightMode;
  /** Addresses to use instead of DNS, per domain (also for redirect targets), as curl's `--resolve`. */
  readonly resolve?: readonly ResolveOverride[];
  /**
   * Port dialled for URLs on port 80 (as Pebble's httpPort). The URLs and the
   * redirect rules keep port 80; only the connection goes elsewhere.
   * @default 80
   */
  readonly httpPort?: number;
  /** Port dialled for URLs on port 443 (as Pebble's tlsPort). @default 443 */
  readonly httpsPort?: number;
  /** Schemes checked. @default ['http', 'https'] */
  readonly schemes?: readonly PreflightScheme[];
  /** DNS lookups. @default a resolver asking `dnsServers`, else node:dns/promises (the system's servers) */
  readonly resolver?: PreflightResolver;
  /**
   * DNS servers (`ADDR[:PORT]`, default port 53) asked for every lookup (A, AAAA, CNAME, CAA)
   * instead of the system's, like Pebble's `-dnsserver`. With several, each is also asked
   * alone for the addresses, and a disagreement is reported (`resolversDisagree`, a warning).
   */
  readonly dnsServers?: readonly string[];
  /** Per DNS attempt (two attempts per server) with `dnsServers`. @default 2000 */
  readonly dnsTimeoutMs?: number;
  /**
   * The CA's CAA identities, the issuer domain names `issue` records must name (BR 3.2.2.8).
   * @default the registrable domain of the default endpoint: `['wosign.com']`
   */
  readonly caaIdentities?: readonly string[];
  /** The account URI that RFC 8657 `accounturi` parameters must equal; unknown when absent. */
  readonly caaAccountUri?: string;
  /**
   * The validation method's label RFC 8657 `validationmethods` must list: the file method
   * (BR 3.2.2.4.18) is `acmapi-file` (docs/ACMAPI.md).
   * @default 'acmapi-file'
   */
  readonly caaValidationMethod?: string;
  /** Per request: TCP and TLS set-up. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Per request: time until the answer's headers. @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Per request: longest pause while the body arrives. @default 10000 */
  readonly bodyTimeoutMs?: number;
  /** The whole preflight, every domain and DNS lookup included. @default 60000 */
  readonly deadlineMs?: number;
  /** Bytes of a body read at most. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Requests in flight at most, over all domains, addresses and schemes. @default 20 */
  readonly concurrency?: number;
  /** The webroot the signfile was deployed to, so a 404 can name the local file. */
  readonly webroot?: string;
  /** Aborts the preflight; outcomes still running become `aborted`. */
  readonly signal?: AbortSignal;
}

/** Defaults of {@link PreflightOptions}. */
export const PREFLIGHT_DEFAULTS = {
  mode: 'warn',
  httpPort: 80,
  httpsPort: 443,
  schemes: ['http', 'https'],
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  deadlineMs: 60_000,
  maxBodyBytes: 65_536,
  concurrency: 20,
  dnsTimeoutMs: 2_000,
  caaValidationMethod: 'acmapi-file',
} as const satisfies Partial<PreflightOptions>;

const CDN_HEADER_NAMES = ['server', 'via', 'age', 'x-cache', 'cf-cache-status'] as const;

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new OptionsError(`${name} must be an integer from 1 to ${max}, not ${String(value)}.`, { option: name });
  }
  return value;
}

function cdnHeadersOf(headers: Readonly<Record<string, string | string[] | undefined>>): CdnHeaders {
  const found: Partial<Record<(typeof CDN_HEADER_NAMES)[number], string>> = {};
  for (const name of CDN_HEADER_NAMES) {
    const value = headers[name];
    if (value !== undefined) found[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return found;
}

function firstHeader(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Runs the preflight.
 *
 * @returns the result per domain, per address and per scheme; it never throws
 *   for a failing site (failures are in the result).
 * @throws {OptionsError} `OPTIONS_INVALID` for a bad signfile name, port, timeout or concurrency.
 * @throws {DomainError} for a domain that breaks spec §4.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const mode = options.mode ?? PREFLIGHT_DEFAULTS.mode;
  if (mode === 'off') return { ok: true, mode, domains: [] };
  assertSignfileName(options.signfile.name);
  const httpPort = positiveInteger('httpPort', options.httpPort ?? PREFLIGHT_DEFAULTS.httpPort, 65_535);
  const httpsPort = positiveInteger('httpsPort', options.httpsPort ?? PREFLIGHT_DEFAULTS.httpsPort, 65_535);
  const limits = {
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? PREFLIGHT_DEFAULTS.connectTimeoutMs),
    headersTimeoutMs: positiveInteger('headersTimeoutMs', options.headersTimeoutMs ?? PREFLIGHT_DEFAULTS.headersTimeoutMs),
    bodyTimeoutMs: positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs ?? PREFLIGHT_DEFAULTS.bodyTimeoutMs),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? PREFLIGHT_DEFAULTS.maxBodyBytes),
  };
  const deadlineMs = positiveInteger('deadlineMs', options.deadlineMs ?? PREFLIGHT_DEFAULTS.deadlineMs);
  const limit = pLimit(positiveInteger('concurrency', options.concurrency ?? PREFLIGHT_DEFAULTS.concurrency));
  const schemes = options.schemes ?? PREFLIGHT_DEFAULTS.schemes;
  const domains = [...new Set(options.domains.map(normalizeDomain))];
  const token = typeof options.signfile.content === 'string' ? options.signfile.content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(options.signfile.content);
  const path = signfileUrlPath(options.signfile.name);
  const localPath = options.webroot === undefined ? undefined : join(options.webroot, '.well-known', 'pki-validation', options.signfile.name);
  const overrides = overrideTable(options.resolve ?? []);
  const dnsServers = (options.dnsServers ?? []).map(parseDnsServer);
  const dnsTimeoutMs = positiveInteger('dnsTimeoutMs', options.dnsTimeoutMs ?? PREFLIGHT_DEFAULTS.dnsTimeoutMs);
  const resolver: PreflightResolver =
    options.resolver ?? (dnsServers.length > 0 ? dnsServerResolver(dnsServers, { timeoutMs: dnsTimeoutMs }) : { resolve4, resolve6, resolveCaa, resolveCname });
  const caaResolver: CaaResolver | undefined =
    resolver.resolveCaa !== undefined && resolver.resolveCname !== undefined ? { resolveCaa: resolver.resolveCaa.bind(resolver), resolveCname: resolver.resolveCname.bind(resolver) } : undefined;
  const caaPolicy = {
    identities: options.caaIdentities ?? defaultCaaIdentities(DEFAULT_ENDPOINT),
    accountUri: options.caaAccountUri,
    validationMethod: options.caaValidationMethod ?? PREFLIGHT_DEFAULTS.caaValidationMethod,
  };
  // BR 3.2.2.4.18: the random value must not appear in the URL; the CA refuses such a name unfetched.
  const nameHoldsToken = token.trim() !== '' && options.signfile.name.includes(token.trim());
  const deadlineSignal = AbortSignal.timeout(deadlineMs);
  // DNS has its own (long) retry timers; the deadline bounds it too.
  const deadlineReached = new Promise<ResolveAddressesResult>((resolve) => {
    deadlineSignal.addEventListener('abort', () => {
      resolve({ ok: false, kind: 'dns-timeout', code: 'ETIMEOUT' });
    }, { once: true });
  });
  const lookups = new Map<string, Promise<ResolveAddressesResult>>();
  const lookup = (host: string): Promise<ResolveAddressesResult> => {
    let pending = lookups.get(host);
    if (pending === undefined) {
      pending = Promise.race([resolveDomainAddresses(host, overrides, resolver), deadlineReached]);
      lookups.set(host, pending);
    }
    return pending;
  };
  const mapPort = (port: number): number => (port === 80 ? httpPort : port === 443 ? httpsPort : port);
  const limitOf = (phase: FailureContext['phase']): number | undefined =>
    phase === 'connect' ? limits.connectTimeoutMs : phase === 'headers' ? limits.headersTimeoutMs : phase === 'body' ? limits.bodyTimeoutMs : phase === 'deadline' ? deadlineMs : undefined;

  /** One scheme on one address: the first request and every redirect it leads to. */
  async function checkScheme(domain: string, start: ResolvedAddress, scheme: PreflightScheme): Promise<SchemeOutcome> {
    const firstUrl = new URL(`${scheme}://${domain}${path}`);
    const hops: PreflightHop[] = [];
    const visited = new Set([firstUrl.href]);
    let url = firstUrl;
    let address = start;
    const finish = (failure?: PreflightFailure, content?: SchemeOutcome['content']): SchemeOutcome => ({
      scheme,
      url: firstUrl.href,
      ok: failure === undefined,
      hops,
      ...(content === undefined ? {} : { content }),
      ...(failure === undefined ? {} : { failure }),
    });
    for (;;) {
      const port = mapPort(effectivePort(url));
      const context = {
        domain,
        url: url.href,
        address: address.address,
        ...(port === effectivePort(url) ? {} : { port }),
      };
      const answer = await fetchHop({ url, address: address.address, port, ...limits, signal: options.signal, deadlineSignal });
      if (!answer.ok) {
        hops.push({ url: url.href, address: address.address, port, cdnHeaders: {}, ...(answer.tls === undefined ? {} : { tls: answer.tls }) });
        const limitMs = limitOf(answer.phase);
        return finish(
          describeFailure({
            ...context,
            kind: answer.kind,
            code: answer.code,
            ...(answer.phase === undefined ? {} : { phase: answer.phase }),
            ...(limitMs === undefined ? {} : { limitMs }),
          }),
        );
      }
      const location = firstHeader(answer.headers, 'location');
      hops.push({
        url: url.href,
        address: address.address,
        port,
        status: answer.status,
        ...(location === undefined ? {} : { location }),
        cdnHeaders: cdnHeadersOf(answer.headers),
        ...(answer.tls === undefined ? {} : { tls: answer.tls }),
        ...(answer.truncated ? { bodyTruncated: true as const } : {}),
      });
      if (isRedirectStatus(answer.status)) {
        const decision = checkRedirect(url, answer.status, location);
        if (!decision.follow) return finish(describeFailure({ ...context, kind: 'redirect-not-allowed', redirect: decision.refusal }));
        if (visited.has(decision.url.href)) return finish(describeFailure({ ...context, kind: 'redirect-loop', url: firstUrl.href }));
        if (visited.size > MAX_REDIRECTS) {
          return finish(describeFailure({ ...context, kind: 'too-many-redirects', url: firstUrl.href, redirects: MAX_REDIRECTS }));
        }
        visited.add(decision.url.href);
        if (decision.url.hostname !== url.hostname) {
          // Another host (apex → www): the CA resolves it anew, so do we, through the same overrides.
          const next = decision.url.hostname.replace(/^\[|\]$/g, '');
          const found = next === domain ? { ok: true as const, addresses: [start] } : await lookup(next);
          if (!found.ok) {
            return finish(describeFailure({ kind: found.kind, domain: next, url: decision.url.href, code: found.code }));
          }
          // Prefer the family under test, so an IPv6 check stays on IPv6 where it can.
          address = found.addresses.find((candidate) => candidate.family === start.family) ?? found.addresses[0] ?? start;
        }
        url = decision.url;
        continue;
      }
      const server = firstHeader(answer.headers, 'server');
      if (answer.status !== 200) {
        return finish(
          describeFailure({
            ...context,
            kind: 'http-status',
            status: answer.status,
            ...(server === undefined ? {} : { server }),
            ...(localPath === undefined ? {} : { localPath }),
          }),
        );
      }
      if (answer.truncated) {
        // Agree with the CA side (the sandbox refuses a body over its cap): containment in
        // the first bytes does not make a page of arbitrary size a valid answer.
        return finish(describeFailure({ ...context, kind: 'body-too-large', truncatedAt: limits.maxBodyBytes }));
      }
      const content = checkSignfileBody(answer.body, token);
      if (!content.pass) {
        return finish(describeFailure({ ...context, kind: 'content-mismatch', content }), content);
      }
      return finish(undefined, content);
    }
  }

  /**
   * CAA as the CA checks it (BR 3.2.2.8). Not checked for an IP literal (no CAA), and for a
   * domain whose addresses come from a `resolve` override while no DNS server was named:
   * the override says this machine's DNS is not the one that counts.
   */
  async function checkCaa(domain: string): Promise<CaaReport | undefined> {
    if (isIP(domain.replace(/^\[|\]$/g, '')) !== 0) return undefined;
    if (caaResolver === undefined || (overrides.has(domain) && dnsServers.length === 0)) {
      return {
        ok: true,
        reason: 'not-checked',
        iodef: [],
        message: `CAA was not checked for ${domain}: ${caaResolver === undefined ? 'the resolver given cannot look up CAA' : 'its addresses come from a DNS override; name a DNS server to check CAA'}.`,
      };
    }
    const timedOut = deadlineReached.then(() => [{ domain, failed: 'dns-timeout' as const, code: 'ETIMEOUT' }]);
    return evaluateCaa(domain, await Promise.race([lookupCaa(domain, caaResolver), timedOut]), caaPolicy);
  }

  /** With several DNS servers: each one's addresses for `domain`, when they differ (split-horizon DNS, GeoDNS). */
  async function compareResolvers(domain: string): Promise<readonly ResolverAnswer[] | undefined> {
    if (dnsServers.length < 2 || options.resolver !== undefined || overrides.has(domain) || isIP(domain.replace(/^\[|\]$/g, '')) !== 0) return undefined;
    const answers = await Promise.all(
      dnsServers.map(async (server): Promise<ResolverAnswer> => {
        const alone = dnsServerResolver([server], { timeoutMs: dnsTimeoutMs });
        const found = await Promise.race([resolveDomainAddresses(domain, overrides, alone), deadlineReached]);
        return found.ok ? { server, addresses: found.addresses.map((address) => address.address).sort() } : { server, addresses: [], code: found.code };
      }),
    );
    const key = (answer: ResolverAnswer): string => `${answer.addresses.join(',')}|${answer.code ?? ''}`;
    return new Set(answers.map(key)).size > 1 ? answers : undefined;
  }

  async function checkDomain(domain: string): Promise<DomainPreflight> {
    const [caa, disagreement, result] = await Promise.all([checkCaa(domain), compareResolvers(domain), checkSignfileOf(domain)]);
    const warnings = [
      ...result.warnings,
      ...(disagreement === undefined
        ? []
        : [
            `The DNS servers disagree about ${domain}: ${disagreement.map((answer) => `${answer.server} answers ${answer.addresses.length > 0 ? answer.addresses.join(', ') : (answer.code ?? 'nothing')}`).join('; ')}. The CA validates from several places (BR 3.2.2.9) and may see another answer than this machine (split-horizon DNS, GeoDNS).`,
          ]),
    ];
    const extra = { ...(caa === undefined ? {} : { caa }), ...(disagreement === undefined ? {} : { resolversDisagree: disagreement }) };
    // The CA checks CAA before it fetches anything: a CAA refusal is the reason it gives.
    if (caa !== undefined && !caa.ok) {
      const failure = describeFailure({ kind: caa.reason, domain, caa, ...(caa.reason === 'caa-lookup-failed' ? { code: caa.code } : {}) });
      return { ...result, ok: false, failure, warnings, ...extra };
    }
    return { ...result, warnings, ...extra };
  }

  async function checkSignfileOf(domain: string): Promise<DomainPreflight> {
    if (nameHoldsToken) {
      const failure = describeFailure({ kind: 'signfile-name-contains-token', domain, signfileName: options.signfile.name });
      return { domain, ok: false, addressSource: overrides.has(domain) ? 'override' : 'dns', addresses: [], failure, warnings: [] };
    }
    const resolved = await lookup(domain);
    if (!resolved.ok) {
      const verdict = domainVerdict(domain, [], describeFailure({ kind: resolved.kind, domain, code: resolved.code }));
      return { domain, addressSource: 'dns', addresses: [], ...verdict };
    }
    const addresses: AddressPreflight[] = await Promise.all(
      resolved.addresses.map(async (address) => {
        const outcomes = await Promise.all(schemes.map((scheme) => limit(() => checkScheme(domain, address, scheme))));
        return { address: address.address, family: address.family, ok: addressPasses(outcomes), schemes: outcomes };
      }),
    );
    const verdict = domainVerdict(domain, addresses);
    return { domain, ok: verdict.ok, addressSource: resolved.source, addresses, warnings: verdict.warnings, ...(verdict.failure === undefined ? {} : { failure: verdict.failure }) };
  }

  const results = await Promise.all(domains.map(checkDomain));
  return { ok: results.every((domain) => domain.ok), mode, domains: results };
}

/**
 * Applies the mode: in `strict` mode a failed preflight stops the application.
 *
 * @throws {PreflightError} `PREFLIGHT_FAILED` when `result.mode` is `strict` and `result.ok`
 *   is false: `message` lists the first failure of each failing domain, `hint` what to do
 *   about each, and `failures` carries them (with their `remedy`) for a front end's words.
 */
export function enforcePreflight(result: PreflightResult): void {
  if (result.mode !== 'strict' || result.ok) return;
  const failed = result.domains.filter((domain) => !domain.ok);
  const reasons = failed.map((domain) => `- ${domain.failure?.message ?? domain.domain}`);
  const hints = [...new Set(failed.map((domain) => domain.failure?.hint ?? '').filter((hint) => hint !== ''))];
  throw new PreflightError(
    `The signfile preflight failed for ${failed.map((domain) => domain.domain).join(', ')}, so nothing was sent to the CA (mode strict):\n${reasons.join('\n')}`,
    failed.map((domain) => domain.domain),
    {
      failures: failed.map((domain) => (domain.failure === undefined ? { domain: domain.domain } : { domain: domain.domain, failure: domain.failure })),
      hint: [...hints, 'If the CA sees the site differently from this machine (split DNS, hairpin NAT), apply with the preflight in warn mode.'].join(' '),
    },
  );
}
