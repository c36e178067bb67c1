/**
 * The one validating resolver of {@link SandboxOptions}: checks every field of an
 * untrusted value (options from code or a parsed config file), names the offending
 * field by its JSON path, and merges the defaults.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { OptionsError } from '@acmapi/core';
import { asciiDomainPattern, isValidDomainPattern } from './domain-pattern.js';
import { ipEntryProblem } from './ip-allow-list.js';
import {
  defaultSandboxOptions,
  type SandboxCertificateFormat,
  type SandboxValidityProfile,
} from './options.js';
import type { PerspectiveSettings } from './validation/perspectives.js';
import { type RandomSource, seededRandom } from './random.js';

/** A customer after validation and defaults. */
export interface ResolvedCustomer {
  readonly customerId: string;
  readonly authToken: string;
  readonly signfile: {
    readonly name: string;
    readonly content: string;
    /** When the token was given out; absent: unknown, its age is not limited. */
    readonly issuedAt?: Date;
    /** Most age of the token, milliseconds. */
    readonly maxAgeMs: number;
    /** Whether the sandbox generated the token (128 random bits). */
    readonly generated: boolean;
  };
  readonly allowedIps: readonly string[];
}

/** Options after validation and defaults. */
export interface ResolvedSandboxOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly customers: readonly ResolvedCustomer[];
  readonly adminToken: string;
  readonly maxRequestBytes: number;
  readonly maxLoggedRequests: number;
  /** Connection time limits, milliseconds (see `SandboxConnectionOptions`). */
  readonly connections: {
    readonly idleTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  /** Fixed certificate lifetime, milliseconds (`validityDays`/`validitySeconds`); absent: the profile. */
  readonly validityMs: number | undefined;
  readonly validityProfile: SandboxValidityProfile;
  /** Issuer domain names for CAA, lower case. */
  readonly caaIdentities: readonly string[];
  /** The remote perspectives, one entry each. */
  readonly perspectives: readonly PerspectiveSettings[];
  readonly backdateMs: number;
  readonly refuse: readonly string[];
  readonly pending: { readonly domains: readonly string[]; readonly share: number };
  readonly validation: {
    readonly enabled: boolean;
    readonly resolve: Readonly<Record<string, readonly string[]>>;
    readonly defaultAddresses: readonly string[];
    readonly dnsServers: readonly string[];
    readonly dnsTimeoutMs: number;
    readonly requireDnssec: boolean;
    readonly httpPort: number;
    readonly httpsPort: number;
    readonly connectTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly bodyTimeoutMs: number;
    readonly maxBodyBytes: number;
    readonly maxRedirects: number;
  };
  readonly faults: { readonly delayMs: number; readonly unknownErrorShare: number; readonly wrongKeyShare: number };
  readonly quirks: {
    readonly paddedKeys: boolean;
    readonly statusAsString: boolean;
    readonly certificateFormat: SandboxCertificateFormat;
  };
  readonly random: RandomSource;
  /** The CA's clock (see `SandboxOptions.now`). */
  readonly now: () => Date;
}

type Fields = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new OptionsError(`Invalid sandbox option ${path}: ${message}.`);
}

function objectAt(value: unknown, path: string, allowed: readonly string[]): Fields | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  const fields = value as Fields;
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) fail(`${path}.${unknown}`, `unknown option (known: ${allowed.join(', ')})`);
  return fields;
}

function boolAt(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'expected true or false');
  return value;
}

function stringAt(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(path, 'expected a non-empty string');
  return value;
}

function intAt(value: unknown, path: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

function shareAt(value: unknown, path: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    fail(path, 'expected a number from 0 to 1');
  }
  return value;
}

function stringsAt(value: unknown, path: string, check?: (item: string) => string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(path, 'expected an array of strings');
  return value.map((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    if (typeof item !== 'string' || item.trim() === '') fail(itemPath, 'expected a non-empty string');
    const problem = check?.(item);
    if (problem !== undefined) fail(itemPath, problem);
    return item.trim();
  });
}

const patternProblem = (item: string): string | undefined => {
  if (!isValidDomainPattern(item)) return `${JSON.stringify(item)} is not a domain pattern (name, *.name or *)`;
  try {
    asciiDomainPattern(item);
    return undefined;
  } catch (error) {
    return `${JSON.stringify(item)} is not a domain pattern: ${(error as Error).message}`;
  }
};
/** Patterns checked by `patternProblem`, in A-labels (requests carry domains in A-labels). */
const patternsAt = (value: unknown, path: string): string[] | undefined => stringsAt(value, path, patternProblem)?.map(asciiDomainPattern);
const addressProblem = (item: string): string | undefined =>
  isIP(item.trim()) === 0 ? `${JSON.stringify(item)} is not an IP address` : undefined;

/** `ADDR`, `ADDR:PORT` (IPv4) or `V6` / `[V6]:PORT`, as node:dns `setServers` takes them. */
export function dnsServerProblem(item: string): string | undefined {
  const text = item.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4 = /^([^:]+):(\d{1,5})$/.exec(text);
  const [address, port] = bracketed !== null ? [bracketed[1] ?? '', bracketed[2]] : v4 !== null ? [v4[1] ?? '', v4[2]] : [text, undefined];
  const family = isIP(address);
  if (family === 0 || (bracketed !== null && family !== 6)) return `${JSON.stringify(item)} is not ADDR, ADDR:PORT or [IPv6]:PORT`;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return `${JSON.stringify(item)} has a port outside 1–65535`;
  return undefined;
}

/** An issuer domain name for CAA: a host name, no wildcard. */
const identityProblem = (item: string): string | undefined =>
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(item.trim())
    ? undefined
    : `${JSON.stringify(item)} is not a domain name`;

function resolveCustomers(value: unknown, path: string, now: () => Date): ResolvedCustomer[] {
  if (value === undefined) return resolveCustomers(defaultSandboxOptions.customers, path, now);
  if (!Array.isArray(value) || value.length === 0) fail(path, 'expected a non-empty array of customers');
  const seen = new Set<string>();
  return value.map((item: unknown, index): ResolvedCustomer => {
    const at = `${path}[${index}]`;
    const fields = objectAt(item, at, ['customerId', 'authToken', 'signfile', 'allowedIps']);
    if (fields === undefined) fail(at, 'expected an object');
    const customerId = stringAt(fields['customerId'], `${at}.customerId`) ?? fail(`${at}.customerId`, 'is required');
    if (seen.has(customerId)) fail(`${at}.customerId`, `duplicate customer id ${JSON.stringify(customerId)}`);
    seen.add(customerId);
    const authToken = stringAt(fields['authToken'], `${at}.authToken`) ?? fail(`${at}.authToken`, 'is required');
    const signfile = objectAt(fields['signfile'], `${at}.signfile`, ['name', 'content', 'issuedAt', 'maxAgeDays']);
    if (signfile === undefined) fail(`${at}.signfile`, 'is required');
    const name = stringAt(signfile['name'], `${at}.signfile.name`) ?? 'signfile';
    if (!/^[A-Za-z0-9._~-]+$/.test(name)) fail(`${at}.signfile.name`, 'expected a file name of letters, digits, ".", "_", "~" or "-"');
    const given = stringAt(signfile['content'], `${at}.signfile.content`);
    // 128 bits from the CSPRNG: above the 112 bits BR §3.2.2.4.18 asks of a random value.
    const content = given?.trim() ?? randomBytes(16).toString('hex');
    const issuedAtText = stringAt(signfile['issuedAt'], `${at}.signfile.issuedAt`);
    const issuedAt = issuedAtText === undefined ? (given === undefined ? now() : undefined) : new Date(issuedAtText);
    if (issuedAt !== undefined && Number.isNaN(issuedAt.getTime())) fail(`${at}.signfile.issuedAt`, 'expected an ISO 8601 date-time');
    const maxAgeDays = intAt(signfile['maxAgeDays'], `${at}.signfile.maxAgeDays`, 30, 1, 3650);
    const allowedIps = stringsAt(fields['allowedIps'], `${at}.allowedIps`, ipEntryProblem) ?? ['127.0.0.1', '::1'];
    return {
      customerId,
      authToken,
      signfile: { name, content, ...(issuedAt === undefined ? {} : { issuedAt }), maxAgeMs: maxAgeDays * 86_400_000, generated: given === undefined },
      allowedIps,
    };
  });
}

function resolveRandom(value: unknown, path: string): RandomSource {
  if (value === undefined) return Math.random;
  if (typeof value === 'function') return value as RandomSource;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return seededRandom(value);
  return fail(path, 'expected an integer seed or a function');
}

function resolveClock(value: unknown, path: string): () => Date {
  if (value === undefined) return () => new Date();
  if (typeof value !== 'function') fail(path, 'expected a function returning a Date (programmatic option only)');
  const clock = value as () => unknown;
  return () => {
    const now = clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError(`The sandbox option ${path} returned ${String(now)}, not a valid Date.`);
    return now;
  };
}

function resolveResolveMap(value: unknown, path: string): Record<string, string[]> {
  const fields = objectAt(value, path, Object.keys(value ?? {})) ?? {};
  const map: Record<string, string[]> = {};
  for (const [pattern, addresses] of Object.entries(fields)) {
    const at = `${path}[${JSON.stringify(pattern)}]`;
    const problem = patternProblem(pattern);
    if (problem !== undefined) fail(at, problem);
    map[asciiDomainPattern(pattern)] = stringsAt(addresses, at, addressProblem) ?? [];
  }
  return map;
}

/** The most remote perspectives: 127.0.0.10 … 127.0.0.73. */
const MAX_PERSPECTIVES = 64;

/**
 * One remote perspective's settings (also the admin API's `POST /admin/perspectives` body,
 * without its `index`).
 * @throws {OptionsError} naming the field by path.
 */
export function resolvePerspective(value: unknown, path: string): PerspectiveSettings {
  const fields = objectAt(value, path, ['dnsServers', 'addresses', 'body', 'timeout']) ?? {};
  const dnsServers = stringsAt(fields['dnsServers'], `${path}.dnsServers`, dnsServerProblem);
  const addresses = stringsAt(fields['addresses'], `${path}.addresses`, addressProblem);
  const body = fields['body'];
  if (body !== undefined && typeof body !== 'string') fail(`${path}.body`, 'expected a string');
  const timeout = boolAt(fields['timeout'], `${path}.timeout`, false);
  return {
    ...(dnsServers === undefined ? {} : { dnsServers }),
    ...(addresses === undefined ? {} : { addresses }),
    ...(body === undefined ? {} : { body }),
    ...(timeout ? { timeout } : {}),
  };
}

function resolvePerspectives(value: unknown, path: string): PerspectiveSettings[] {
  if (value === undefined) return resolvePerspectives(defaultSandboxOptions.perspectives, path);
  if (typeof value === 'number') {
    const count = intAt(value, path, 0, 0, MAX_PERSPECTIVES);
    return Array.from({ length: count }, () => ({}));
  }
  if (!Array.isArray(value) || value.length > MAX_PERSPECTIVES) fail(path, `expected a count or an array of at most ${MAX_PERSPECTIVES} perspectives`);
  return value.map((item: unknown, index) => resolvePerspective(item, `${path}[${index}]`));
}

const TOP_LEVEL = [
  'host', 'port', 'tls', 'customers', 'adminToken', 'maxRequestBytes', 'maxLoggedRequests', 'connections', 'validityDays', 'validitySeconds',
  'validityProfile', 'caaIdentities', 'perspectives', 'backdateSeconds', 'refuse', 'pending', 'validation', 'faults', 'quirks', 'random', 'now',
];

/**
 * Validates options (from code or a config file) and merges the defaults of
 * {@link defaultSandboxOptions}. Pure apart from generating an admin token, and a
 * customer's signfile token (issued at `now()`), when none is given.
 *
 * @param input - a {@link SandboxOptions} or an untrusted value of that shape.
 * @param root - the name of the whole value in messages (`options`, or `$` for a file).
 * @throws {OptionsError} `OPTIONS_INVALID`, naming the field by path, e.g.
 *   `Invalid sandbox option options.customers[0].authToken: expected a non-empty string.`
 */
export function resolveSandboxOptions(input: unknown = {}, root = 'options'): ResolvedSandboxOptions {
  const o = objectAt(input, root, TOP_LEVEL) ?? {};
  const d = defaultSandboxOptions;
  const host = stringAt(o['host'], `${root}.host`) ?? d.host;
  const pending = objectAt(o['pending'], `${root}.pending`, ['domains', 'share']) ?? {};
  const validation =
    objectAt(o['validation'], `${root}.validation`, Object.keys(d.validation).concat(['resolve'])) ?? {};
  const faults = objectAt(o['faults'], `${root}.faults`, Object.keys(d.faults)) ?? {};
  const quirks = objectAt(o['quirks'], `${root}.quirks`, Object.keys(d.quirks)) ?? {};
  const connections = objectAt(o['connections'], `${root}.connections`, Object.keys(d.connections)) ?? {};
  const c = d.connections;
  const limit = (key: keyof typeof c): number => intAt(connections[key], `${root}.connections.${key}`, c[key], 1, 3_600_000);
  const headersTimeoutMs = limit('headersTimeoutMs');
  const requestTimeoutMs = limit('requestTimeoutMs');
  // Node refuses a headers timeout longer than the request timeout; say so in our words.
  if (headersTimeoutMs > requestTimeoutMs) fail(`${root}.connections.headersTimeoutMs`, `must not exceed requestTimeoutMs (${requestTimeoutMs})`);
  const format = quirks['certificateFormat'] ?? d.quirks.certificateFormat;
  if (format !== 'pem' && format !== 'bundle' && format !== 'der-base64') {
    fail(`${root}.quirks.certificateFormat`, 'expected "pem", "bundle" or "der-base64"');
  }
  const validityDays = o['validityDays'] === undefined ? undefined : intAt(o['validityDays'], `${root}.validityDays`, 0, 1, 3650);
  const validitySeconds =
    o['validitySeconds'] === undefined ? undefined : intAt(o['validitySeconds'], `${root}.validitySeconds`, 0, 1, 315_360_000);
  const profile = o['validityProfile'] ?? d.validityProfile;
  if (profile !== 'default' && profile !== 'short') fail(`${root}.validityProfile`, 'expected "default" or "short"');
  const fixedSeconds = validitySeconds ?? (validityDays === undefined ? undefined : validityDays * 86_400);
  const now = resolveClock(o['now'], `${root}.now`);
  const v = d.validation;
  const timeout = (key: 'connectTimeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'): number =>
    intAt(validation[key], `${root}.validation.${key}`, v[key], 1, 600_000);
  return {
    host,
    port: intAt(o['port'], `${root}.port`, d.port, 0, 65_535),
    tls: boolAt(o['tls'], `${root}.tls`, d.tls),
    customers: resolveCustomers(o['customers'], `${root}.customers`, now),
    adminToken: stringAt(o['adminToken'], `${root}.adminToken`) ?? `admin_${randomBytes(16).toString('hex')}`,
    maxRequestBytes: intAt(o['maxRequestBytes'], `${root}.maxRequestBytes`, d.maxRequestBytes, 1024, 16_777_216),
    maxLoggedRequests: intAt(o['maxLoggedRequests'], `${root}.maxLoggedRequests`, d.maxLoggedRequests, 1, 1_000_000),
    connections: { idleTimeoutMs: limit('idleTimeoutMs'), headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs: limit('keepAliveTimeoutMs') },
    validityMs: fixedSeconds === undefined ? undefined : fixedSeconds * 1000,
    validityProfile: profile,
    caaIdentities: (stringsAt(o['caaIdentities'], `${root}.caaIdentities`, identityProblem) ?? d.caaIdentities).map((i) =>
      i.toLowerCase().replace(/\.$/, ''),
    ),
    perspectives: resolvePerspectives(o['perspectives'], `${root}.perspectives`),
    backdateMs: intAt(o['backdateSeconds'], `${root}.backdateSeconds`, d.backdateSeconds, 0, 86_400) * 1000,
    refuse: patternsAt(o['refuse'], `${root}.refuse`) ?? [],
    pending: {
      domains: patternsAt(pending['domains'], `${root}.pending.domains`) ?? [],
      share: Math.max(shareAt(pending['share'], `${root}.pending.share`), shareAt(faults['pendingShare'], `${root}.faults.pendingShare`)),
    },
    validation: {
      enabled: boolAt(validation['enabled'], `${root}.validation.enabled`, v.enabled),
      resolve: resolveResolveMap(validation['resolve'], `${root}.validation.resolve`),
      defaultAddresses:
        stringsAt(validation['defaultAddresses'], `${root}.validation.defaultAddresses`, addressProblem) ?? v.defaultAddresses,
      dnsServers: stringsAt(validation['dnsServers'], `${root}.validation.dnsServers`, dnsServerProblem) ?? v.dnsServers,
      dnsTimeoutMs: intAt(validation['dnsTimeoutMs'], `${root}.validation.dnsTimeoutMs`, v.dnsTimeoutMs, 1, 60_000),
      requireDnssec: boolAt(validation['requireDnssec'], `${root}.validation.requireDnssec`, v.requireDnssec),
      httpPort: intAt(validation['httpPort'], `${root}.validation.httpPort`, v.httpPort, 1, 65_535),
      httpsPort: intAt(validation['httpsPort'], `${root}.validation.httpsPort`, v.httpsPort, 1, 65_535),
      connectTimeoutMs: timeout('connectTimeoutMs'),
      headersTimeoutMs: timeout('headersTimeoutMs'),
      bodyTimeoutMs: timeout('bodyTimeoutMs'),
      maxBodyBytes: intAt(validation['maxBodyBytes'], `${root}.validation.maxBodyBytes`, v.maxBodyBytes, 1, 16_777_216),
      maxRedirects: intAt(validation['maxRedirects'], `${root}.validation.maxRedirects`, v.maxRedirects, 0, 20),
    },
    faults: {
      delayMs: intAt(faults['delayMs'], `${root}.faults.delayMs`, 0, 0, 600_000),
      unknownErrorShare: shareAt(faults['unknownErrorShare'], `${root}.faults.unknownErrorShare`),
      wrongKeyShare: shareAt(faults['wrongKeyShare'], `${root}.faults.wrongKeyShare`),
    },
    quirks: {
      paddedKeys: boolAt(quirks['paddedKeys'], `${root}.quirks.paddedKeys`, d.quirks.paddedKeys),
      statusAsString: boolAt(quirks['statusAsString'], `${root}.quirks.statusAsString`, d.quirks.statusAsString),
      certificateFormat: format,
    },
    random: resolveRandom(o['random'], `${root}.random`),
    now,
  };
}
