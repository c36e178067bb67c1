/**
 * The sandbox's CAA decision (RFC 8659, RFC 8657, BR §3.2.2.8) as a pure function over
 * the relevant record set that the lookup found. Written apart from core's evaluator on
 * purpose (issue 13): the two meet only in the agreement table.
 */
import type { SandboxCaaRecord } from '../dns/dns-lookup.js';

/**
 * The validation method name this CA matches against RFC 8657 `validationmethods`: the
 * file method of BR §3.2.2.4.18 ("Agreed-Upon Change to Website v2"), which ACMAPI uses.
 * Recorded in docs/ACMAPI.md §7.
 */
export const SANDBOX_VALIDATION_METHOD = 'acmapi-file';

/** Property tags this CA understands (RFC 8659 §4, RFC 8657, RFC 9495, the IANA registry). */
const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone', 'issuemail', 'issuevmc']);

/** Who is asking to issue, in the terms CAA records name. */
export interface CaaRequester {
  /** The CA's issuer domain names (`caaIdentities`), lower case. */
  readonly identities: readonly string[];
  /** The account URI of the customer (RFC 8657 `accounturi`). */
  readonly accountUri: string;
  /** The validation method (RFC 8657 `validationmethods`). */
  readonly method: string;
}

/** Why CAA allowed or forbade issuance, as a fact (front ends word it). */
export type CaaVerdictReason =
  /** The relevant set is empty (no CAA at the name or any parent): anyone may issue. */
  | 'no-caa'
  /** The set has no `issue`/`issuewild` property that applies: unrestricted (RFC 8659 §4.2). */
  | 'no-issue-property'
  /** A property names this CA with parameters that allow this request. */
  | 'allowed'
  /** No property names this CA (or `issue ";"` forbids everyone). */
  | 'not-authorized'
  /** A property names this CA but its `accounturi` is another account. */
  | 'account-mismatch'
  /** A property names this CA but its `validationmethods` do not include this method. */
  | 'method-mismatch'
  /** A record with the critical flag has a tag this CA does not know (RFC 8659 §4.1). */
  | 'critical-unknown-tag';

/** The decision for one domain. */
export interface CaaVerdict {
  readonly allowed: boolean;
  readonly reason: CaaVerdictReason;
  /** The record that decided, when one did. */
  readonly record?: SandboxCaaRecord;
  /** `iodef` targets in the set (RFC 8659 §4.4), reported, never contacted. */
  readonly iodef: readonly string[];
}

/** An `issue`/`issuewild` value split into issuer and parameters (RFC 8659 §4.2 grammar, leniently). */
export interface IssueValue {
  /** The issuer domain name, lower case, or `''` for `;` (nobody). */
  readonly issuer: string;
  /** Parameters by lower-cased key. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** Splits an issue value: `issuer [; key=value]*`, white space around tokens ignored. */
export function parseIssueValue(value: string): IssueValue {
  const [head = '', ...rest] = value.split(';');
  const parameters = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    parameters.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return { issuer: head.trim().toLowerCase().replace(/\.$/, ''), parameters };
}

/**
 * Decides whether the CA may issue for a domain, from the relevant record set that tree
 * climbing found (RFC 8659 §3: the first non-empty set from the name up; `[]` when none).
 *
 * - A critical (flag bit 128) record with an unknown tag forbids issuance.
 * - For a wildcard domain `issuewild` applies when present, else `issue`.
 * - With no applicable property the domain is unrestricted.
 * - Otherwise some property must name one of `identities`; its `accounturi` (RFC 8657 §3),
 *   when present, must equal `accountUri`, and its `validationmethods` (RFC 8657 §4), when
 *   present, must list `method`. Other parameters are ignored.
 */
export function decideCaa(records: readonly SandboxCaaRecord[], wildcard: boolean, requester: CaaRequester): CaaVerdict {
  const iodef = records.filter((r) => r.tag.toLowerCase() === 'iodef').map((r) => r.value);
  if (records.length === 0) return { allowed: true, reason: 'no-caa', iodef };
  const critical = records.find((r) => (r.flags & 128) !== 0 && !KNOWN_TAGS.has(r.tag.toLowerCase()));
  if (critical !== undefined) return { allowed: false, reason: 'critical-unknown-tag', record: critical, iodef };
  const byTag = (tag: string): SandboxCaaRecord[] => records.filter((r) => r.tag.toLowerCase() === tag);
  const wild = byTag('issuewild');
  const applicable = wildcard && wild.length > 0 ? wild : byTag('issue');
  if (applicable.length === 0) return { allowed: true, reason: 'no-issue-property', iodef };
  const identities = requester.identities.map((identity) => identity.toLowerCase());
  let refusal: CaaVerdict | undefined;
  for (const record of applicable) {
    const parsed = parseIssueValue(record.value);
    if (parsed.issuer === '' || !identities.includes(parsed.issuer)) continue;
    const account = parsed.parameters.get('accounturi');
    if (account !== undefined && account !== requester.accountUri) {
      refusal ??= { allowed: false, reason: 'account-mismatch', record, iodef };
      continue;
    }
    const methods = parsed.parameters.get('validationmethods');
    if (methods !== undefined && !methods.split(',').map((m) => m.trim().toLowerCase()).includes(requester.method)) {
      refusal ??= { allowed: false, reason: 'method-mismatch', record, iodef };
      continue;
    }
    return { allowed: true, reason: 'allowed', record, iodef };
  }
  return refusal ?? { allowed: false, reason: 'not-authorized', ...(applicable[0] === undefined ? {} : { record: applicable[0] }), iodef };
}
