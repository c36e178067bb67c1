/**
 * The CAA decision a CA reaches before it issues (BR §3.2.2.8, RFC 8659, RFC 8657), over
 * record sets already looked up (see `caa-lookup.ts`). Pure: no DNS here, so every rule is
 * unit-tested on data.
 */
import { displayText } from '../text/display-text.js';

/** One CAA record (RFC 8659 §4.1): flags (bit 128 = issuer critical), tag, value. */
export interface CaaRecord {
  readonly flags: number;
  readonly tag: string;
  readonly value: string;
}

/**
 * The answer for CAA at one name of the climb (RFC 8659 §3), CNAMEs already followed.
 * - `records`: the CAA RRset (empty when the name has none, or does not exist: NXDOMAIN is
 *   not a failure, RFC 8659 §3);
 * - `failed`: the lookup gave no answer to rely on (SERVFAIL, timeout, refused), which a CA
 *   never takes as permission (BR §3.2.2.8).
 */
export type CaaLookup =
  | {
      readonly domain: string;
      readonly records: readonly CaaRecord[];
      /** The CNAME chain followed from `domain`, in order, when there was one. */
      readonly via?: readonly string[];
    }
  | {
      readonly domain: string;
      readonly failed: CaaLookupFailure;
      /** The resolver's error code, e.g. `ESERVFAIL`, `ETIMEOUT`, `EREFUSED`. */
      readonly code: string;
    };

/** Why a CAA lookup gave no answer. */
export type CaaLookupFailure = 'dns-servfail' | 'dns-timeout' | 'dns-error';

/** What the CA is, for CAA: the values it recognises (BR §3.2.2.8, RFC 8657). */
export interface CaaPolicy {
  /** Issuer domain names the CA recognises in `issue`/`issuewild` (compared case-insensitively), e.g. `['wosign.com']`. */
  readonly identities: readonly string[];
  /** The account URI RFC 8657's `accounturi` is compared with (exact string); unknown when absent. */
  readonly accountUri?: string | undefined;
  /** The validation method's label RFC 8657's `validationmethods` is compared with, e.g. `acmapi-file`. */
  readonly validationMethod?: string | undefined;
}

/** A parsed `issue`/`issuewild` value (RFC 8659 §4.2): issuer domain name (may be empty) and parameters. */
export interface CaaIssueValue {
  /** Lower-case issuer domain name; empty for `;` ("no CA may issue"). */
  readonly issuer: string;
  /** Parameters by lower-case key, in order. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** Why CAA forbids issuance. */
export type CaaRefusal =
  /** `issue` records exist and none names one of the CA's identities (or only `;`). */
  | 'not-listed'
  /** A record names the CA, but its `accounturi` is another account (RFC 8657 §3). */
  | 'accounturi-mismatch'
  /** A record names the CA, but its `validationmethods` excludes the method used (RFC 8657 §4). */
  | 'validationmethods-mismatch';

/** The decision for one domain; every variant names where it was decided. */
export type CaaDecision =
  | {
      readonly ok: true;
      /** `no-caa`: no CAA record up to the top-level domain; `no-issue-tag`: the set has no `issue` tag; `allowed`: `record` names the CA. */
      readonly reason: 'no-caa' | 'no-issue-tag' | 'allowed';
      /** The name whose set decided (absent for `no-caa`). */
      readonly at?: string;
      readonly via?: readonly string[];
      /** The record that allowed it (`allowed` only). */
      readonly record?: CaaRecord;
      /** `iodef` URLs of the relevant set (RFC 8659 §4.4), reported, never used. */
      readonly iodef: readonly string[];
      /** One sentence (server strings escaped with displayText). */
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'caa-forbids';
      readonly refusal: CaaRefusal;
      readonly at: string;
      readonly via?: readonly string[];
      /** The records of the relevant tag (`issue`, or `issuewild` for a wildcard) that were weighed. */
      readonly records: readonly CaaRecord[];
      readonly iodef: readonly string[];
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'caa-critical-unknown-tag';
      readonly at: string;
      readonly via?: readonly string[];
      /** The critical record whose tag the CA does not know (RFC 8659 §4.1: it must not issue). */
      readonly record: CaaRecord;
      readonly iodef: readonly string[];
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'caa-lookup-failed';
      /** The name whose lookup failed, before any set was found (BR §3.2.2.8: never permission to issue). */
      readonly at: string;
      readonly failure: CaaLookupFailure;
      readonly code: string;
      readonly iodef: readonly string[];
      readonly message: string;
    };

/** Tags a CA understands: RFC 8659 §4 and the ones registered with IANA that BR §3.2.2.8 names. */
export const KNOWN_CAA_TAGS: ReadonlySet<string> = new Set(['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone', 'issuevmc', 'issuemail']);

/** The critical flag (RFC 8659 §4.1: bit 0 of the flags octet, value 128). */
export const CAA_CRITICAL = 128;

/** The name and its parents up to the top-level domain, as RFC 8659 §3 climbs: `a.b.test` → `a.b.test`, `b.test`, `test`. */
export function caaClimb(domain: string): string[] {
  const labels = domain.replace(/\.$/, '').split('.');
  return labels.map((_label, index) => labels.slice(index).join('.'));
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const KEY = /^[A-Za-z0-9]+$/;
// RFC 8659 §4.2: value = *(%x21-3A / %x3C-7E), i.e. visible ASCII without ";".
const PARAMETER_VALUE = /^[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Parses an `issue`/`issuewild` value (RFC 8659 §4.2 grammar, white space allowed around
 * tokens): `[issuer-domain-name] *(";" key "=" value)`.
 *
 * @returns the parsed value, or `undefined` for a value that breaks the grammar (RFC 8659
 *   §4.2: such a record authorises no CA).
 */
export function parseCaaIssueValue(value: string): CaaIssueValue | undefined {
  const [first = '', ...rest] = value.split(';');
  const issuer = first.trim().toLowerCase();
  if (issuer !== '' && !issuer.split('.').every((label) => LABEL.test(label))) return undefined;
  const parameters = new Map<string, string>();
  for (const part of rest) {
    const trimmed = part.trim();
    // "ca.example;" (an empty parameter list after the separator) is valid.
    if (trimmed === '' && rest.length === 1) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) return undefined;
    const key = trimmed.slice(0, equals).trim();
    const parameter = trimmed.slice(equals + 1).trim();
    if (!KEY.test(key) || !PARAMETER_VALUE.test(parameter)) return undefined;
    parameters.set(key.toLowerCase(), parameter);
  }
  return { issuer, parameters };
}

const shown = (record: CaaRecord): string => `${record.flags} ${displayText(record.tag)} "${displayText(record.value)}"`;

function where(at: string, via: readonly string[] | undefined): string {
  // CNAME targets are the DNS server's strings: escaped like every other server string.
  return via === undefined || via.length === 0 ? `CAA at ${at}` : `CAA at ${at} (via CNAME ${via.map((name) => displayText(name)).join(' → ')})`;
}

/** Why a record that names the CA still does not authorise it, or `undefined` when it does (RFC 8657 §3, §4). */
function parameterRefusal(parsed: CaaIssueValue, policy: CaaPolicy): CaaRefusal | undefined {
  const accountUri = parsed.parameters.get('accounturi');
  if (accountUri !== undefined && accountUri !== policy.accountUri) return 'accounturi-mismatch';
  const methods = parsed.parameters.get('validationmethods');
  if (methods !== undefined) {
    const listed = methods.split(',').map((method) => method.trim());
    if (policy.validationMethod === undefined || !listed.includes(policy.validationMethod)) return 'validationmethods-mismatch';
  }
  return undefined;
}

/**
 * Decides whether the CA may issue for `domain` (RFC 8659 §3–§4, RFC 8657; BR §3.2.2.8).
 *
 * Climbing: `lookups` are the answers for {@link caaClimb}`(domain)` in that order; the first
 * non-empty set is the relevant one, and a failed lookup met before it is a refusal
 * (`caa-lookup-failed`); a failure above the relevant set does not matter. A critical record
 * with an unknown tag refuses. For a wildcard (`*.` prefix) `issuewild` records are weighed
 * when the set has any, else `issue`. No `issue` record: allowed. Otherwise a record must
 * name one of `policy.identities` and pass its `accounturi`/`validationmethods` parameters.
 *
 * @param domain - the domain (a wildcard starts with `*.`).
 * @param lookups - one answer per name of the climb; missing names count as not looked up (none).
 */
export function evaluateCaa(domain: string, lookups: readonly CaaLookup[], policy: CaaPolicy): CaaDecision {
  const wildcard = domain.startsWith('*.');
  let relevant: Extract<CaaLookup, { records: unknown }> | undefined;
  for (const lookup of lookups) {
    if ('failed' in lookup) {
      return {
        ok: false,
        reason: 'caa-lookup-failed',
        at: lookup.domain,
        failure: lookup.failed,
        code: lookup.code,
        iodef: [],
        message: `The CAA lookup for ${lookup.domain} failed (${lookup.code}); a CA never takes a failed lookup as permission to issue (BR 3.2.2.8).`,
      };
    }
    if (lookup.records.length > 0) {
      relevant = lookup;
      break;
    }
  }
  const name = domain.replace(/^\*\./, '');
  if (relevant === undefined) {
    return { ok: true, reason: 'no-caa', iodef: [], message: `No CAA record at ${name} or its parents: any CA may issue.` };
  }
  const { domain: at, records } = relevant;
  const via = relevant.via !== undefined && relevant.via.length > 0 ? { via: relevant.via } : {};
  const here = where(at, relevant.via);
  const byTag = (tag: string): CaaRecord[] => records.filter((record) => record.tag.toLowerCase() === tag);
  const iodef = byTag('iodef').map((record) => record.value);
  const critical = records.find((record) => (record.flags & CAA_CRITICAL) !== 0 && !KNOWN_CAA_TAGS.has(record.tag.toLowerCase()));
  if (critical !== undefined) {
    return {
      ok: false,
      reason: 'caa-critical-unknown-tag',
      at,
      ...via,
      record: critical,
      iodef,
      message: `${here} has a critical record with a tag the CA does not know (${shown(critical)}), so no CA may issue (RFC 8659 4.1).`,
    };
  }
  const wild = wildcard ? byTag('issuewild') : [];
  const weighed = wild.length > 0 ? wild : byTag('issue');
  if (weighed.length === 0) {
    return { ok: true, reason: 'no-issue-tag', at, ...via, iodef, message: `${here} has no issue record: any CA may issue.` };
  }
  const identities = new Set(policy.identities.map((identity) => identity.toLowerCase().replace(/\.$/, '')));
  let refusal: CaaRefusal = 'not-listed';
  for (const record of weighed) {
    const parsed = parseCaaIssueValue(record.value);
    if (parsed === undefined || parsed.issuer === '' || !identities.has(parsed.issuer)) continue;
    const problem = parameterRefusal(parsed, policy);
    if (problem === undefined) {
      return { ok: true, reason: 'allowed', at, ...via, record, iodef, message: `${here} allows ${[...identities].join(', ')} (${shown(record)}).` };
    }
    refusal = problem;
  }
  const named = [
    ...new Set(
      weighed
        .map((record) => parseCaaIssueValue(record.value)?.issuer)
        .filter((issuer): issuer is string => issuer !== undefined && issuer !== ''),
    ),
  ];
  const only = named.length === 0 ? 'no CA' : `only ${named.map((issuer) => displayText(issuer)).join(', ')}`;
  const ours = policy.identities.join(', ');
  const message =
    refusal === 'not-listed'
      ? `${here} allows ${only}, not ${ours}.`
      : refusal === 'accounturi-mismatch'
        ? `${here} allows ${ours} only for another account (accounturi${policy.accountUri === undefined ? '; this account URI is not known' : ` is not ${policy.accountUri}`}).`
        : `${here} allows ${ours} only with other validation methods (validationmethods does not list ${policy.validationMethod ?? 'the method used'}).`;
  return { ok: false, reason: 'caa-forbids', refusal, at, ...via, records: weighed, iodef, message };
}
