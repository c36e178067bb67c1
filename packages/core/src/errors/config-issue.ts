/**
 * The problems `validateConfig` finds in the project file `acmapi.json`, as facts: a stable
 * `code` and the `params` a front end needs to word the problem in its own language, beside
 * `message`, core's English (which the CLI prints). Match on `code`, never on `message`.
 *
 * The codes are core's own kinds (a token in the file, a duplicate or malformed certificate
 * name, an unknown property, a refused domain with its domain-rule code, a bad DNS server,
 * signfile name or CAA identity) and the zod issue kinds core passes through unchanged
 * (`invalid_type`, `too_small`, …: zod 4's issue codes, with their facts). No param ever holds a
 * property's value other than the short text being judged (a domain, a name, a server):
 * an `authToken` property is reported by its key only.
 */
import type { DomainErrorCode } from './errors.js';

/** Every code a {@link ConfigIssue} can carry; a code never changes meaning and is never removed. */
export const CONFIG_ISSUE_CODES = [
  'token_in_file',
  'duplicate_name',
  'unknown_property',
  'certificate_name',
  'domain_refused',
  'dns_server',
  'signfile_name',
  'caa_identity',
  'invalid_type',
  'too_small',
  'too_big',
  'invalid_format',
  'invalid_value',
  'not_multiple_of',
  'invalid_union',
  'invalid_key',
  'invalid_element',
  'custom',
] as const;

/** See {@link CONFIG_ISSUE_CODES}. */
export type ConfigIssueCode = (typeof CONFIG_ISSUE_CODES)[number];

/** Why a certificate name cannot be a store name (see `certificateNameRule`). */
export type CertificateNameRule = 'empty' | 'too-long' | 'characters' | 'windows-reserved';

/** Why a DNS server text is refused (see `dnsServerProblem`). */
export type DnsServerRule = 'not-an-address' | 'bad-port';

/** The JSON type of a value as found in the file; `missing` for an absent property. */
export type JsonTypeName = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'missing';

/** The facts of each code. */
export interface ConfigIssueParams {
  /** A property named like an auth token (`authToken`, `auth_token`, …): `key` is its name; the value is never kept. */
  token_in_file: { readonly key: string };
  /** A certificate `name` used twice: the name and the index in `certificates` of its first use. */
  duplicate_name: { readonly name: string; readonly firstIndex: number };
  /** A property the schema does not know: its name. */
  unknown_property: { readonly key: string };
  /** A certificate name that cannot be a store name: the name, the rule it breaks, the longest name allowed (characters). */
  certificate_name: { readonly name: string; readonly rule: CertificateNameRule; readonly maxLength: number };
  /**
   * A domain, or a certificate's domain list, refused by the domain rules of spec §4: `rule` is
   * the code `normalizeDomain`/`normalizeDomains` throw (`DOMAIN_WILDCARD`, `DOMAIN_IP_ADDRESS`,
   * `DOMAIN_EMPTY`, `DOMAIN_INVALID`; `DOMAIN_NONE` for an empty list, `DOMAIN_TOO_MANY` for a
   * list longer than `limit`, with `count` entries). `domain` is the input as written, for a
   * single domain.
   */
  domain_refused: { readonly rule: DomainErrorCode; readonly domain?: string; readonly limit?: number; readonly count?: number };
  /** A `dnsServers` entry that is not `ADDR[:PORT]` with an IP address and a port 1–65535. */
  dns_server: { readonly server: string; readonly rule: DnsServerRule };
  /** A signfile name that is not a plain file name (letters, digits, `.`, `_`, `-`). */
  signfile_name: { readonly name: string };
  /** A `caaIdentities` entry that is not a domain name (RFC 8659 issuer domain name). */
  caa_identity: { readonly identity: string };
  /** A value of the wrong JSON type: zod's expected type (`string`, `int`, `object`, …) and the type found. */
  invalid_type: { readonly expected: string; readonly received: JsonTypeName };
  /** A value under its minimum: of a `string` (characters), `array` (entries) or `number`. */
  too_small: { readonly origin: string; readonly minimum: number; readonly inclusive: boolean };
  /** A value over its maximum: of a `string` (characters), `array` (entries) or `number`. */
  too_big: { readonly origin: string; readonly maximum: number; readonly inclusive: boolean };
  /** A text of the wrong format: zod's format name (`url` for the endpoint: http or https only). */
  invalid_format: { readonly format: string };
  /** A value outside a fixed list (`keyType`): the values allowed. */
  invalid_value: { readonly values: readonly string[] };
  /** A number that must be a multiple of `divisor`. */
  not_multiple_of: { readonly divisor: number };
  /** zod's union, key and element issues: no facts beyond the path. */
  invalid_union: Readonly<Record<string, never>>;
  invalid_key: Readonly<Record<string, never>>;
  invalid_element: Readonly<Record<string, never>>;
  /** A refinement core does not classify: `message` is all there is. */
  custom: Readonly<Record<string, never>>;
}

/** One problem in the project file: where (`path`), what (`code`, `params`), and core's English (`message`). */
export type ConfigIssue = {
  [Code in ConfigIssueCode]: {
    /** JSON path of the offending value (e.g. `certificates[2].domains[0]`); the empty string for the whole file. */
    readonly path: string;
    /** Stable kind of the problem. */
    readonly code: Code;
    /** The facts of the problem, by {@link ConfigIssueParams}. */
    readonly params: ConfigIssueParams[Code];
    /** What is wrong and what to do, in English (what the CLI prints). */
    readonly message: string;
  };
}[ConfigIssueCode];

/** A code with its params, paired (what a classified schema issue carries before it has a path). */
export type ConfigIssueFacts = { [Code in ConfigIssueCode]: { readonly code: Code; readonly params: ConfigIssueParams[Code] } }[ConfigIssueCode];
