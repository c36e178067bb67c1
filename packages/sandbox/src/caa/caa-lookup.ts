/**
 * Finds the relevant CAA record set of a domain (RFC 8659 §3): climbs from the domain
 * towards the root (the root itself excluded) and stops at the first non-empty set; an
 * alias (CNAME) is followed to its target's set at each level. NXDOMAIN and NODATA are
 * empty sets; SERVFAIL, a timeout or any other failure is a failure, never permission
 * (BR §3.2.2.8). A SERVFAIL is asked once more for its Extended DNS Error, so that a
 * validating resolver's "DNSSEC Bogus" reaches the log; with `requireDnssec` every answer
 * must be DNSSEC-validated.
 */
import type { LookupFailureKind, SandboxCaaRecord, SandboxDns } from '../dns/dns-lookup.js';
import type { ExtendedDnsError } from '../dns/dnssec-query.js';

/** The longest CNAME chain followed at one level (a loop ends here too). */
const MAX_CNAME_HOPS = 8;

/** Why the relevant set could not be had: the resolver's failure, a CNAME loop, or an answer not DNSSEC-validated. */
export type CaaLookupFailure = LookupFailureKind | 'cname-loop' | 'not-validated';

/** The relevant set, or why it could not be had. */
export type CaaLookupResult =
  | {
      readonly ok: true;
      /** The first non-empty set, or `[]` when every level is empty. */
      readonly records: readonly SandboxCaaRecord[];
      /** The name whose set that is (the CNAME target when one was followed); absent for `[]`. */
      readonly foundAt?: string;
      /** Every name asked, in order, for logs. */
      readonly asked: readonly string[];
    }
  | {
      readonly ok: false;
      readonly failure: CaaLookupFailure;
      /** The name whose lookup failed. */
      readonly name: string;
      readonly message: string;
      /** For a SERVFAIL: the resolver's Extended DNS Error (RFC 8914), e.g. DNSSEC Bogus, when it gave one. */
      readonly extendedError?: ExtendedDnsError;
      readonly asked: readonly string[];
    };

/** How to look up. */
export interface CaaLookupOptions {
  /** Every answer must be DNSSEC-validated (the AD bit); else the lookup fails `not-validated`. */
  readonly requireDnssec?: boolean;
}

interface LevelFailure {
  readonly ok: false;
  readonly failure: CaaLookupFailure;
  readonly name: string;
  readonly message: string;
  readonly extendedError?: ExtendedDnsError;
}
type LevelResult = { readonly ok: true; readonly records: readonly SandboxCaaRecord[]; readonly at: string } | LevelFailure;

/** A SERVFAIL, with the resolver's reason when it says one (a validating resolver's "DNSSEC Bogus"). */
async function servfail(name: string, message: string, dns: SandboxDns): Promise<LevelFailure> {
  const state = await dns.caaDnssec(name);
  const extendedError = state.kind === 'answered' && state.rcode === 'SERVFAIL' ? state.extendedError : undefined;
  return { ok: false, failure: 'servfail', name, message, ...(extendedError === undefined ? {} : { extendedError }) };
}

/** With `requireDnssec`: the answer for `name` must carry the AD bit. */
async function unvalidated(name: string, dns: SandboxDns): Promise<LevelFailure | undefined> {
  const state = await dns.caaDnssec(name);
  if (state.kind === 'failed') return { ok: false, failure: 'not-validated', name, message: state.message };
  if (state.authenticated) return undefined;
  return { ok: false, failure: 'not-validated', name, message: `the ${state.rcode} answer for ${name} is not DNSSEC-validated (no AD bit)` };
}

async function setAt(name: string, dns: SandboxDns, asked: string[], options: CaaLookupOptions): Promise<LevelResult> {
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    asked.push(current);
    const answer = await dns.caa(current);
    if (answer.kind === 'failure') {
      return answer.failure === 'servfail' ? servfail(current, answer.message, dns) : { ok: false, failure: answer.failure, name: current, message: answer.message };
    }
    if (options.requireDnssec === true) {
      const refusal = await unvalidated(current, dns);
      if (refusal !== undefined) return refusal;
    }
    // The resolver may already have followed an in-zone alias and returned the target's set.
    if (answer.kind === 'records') return { ok: true, records: answer.records, at: current };
    if (answer.kind === 'nxdomain') return { ok: true, records: [], at: current };
    const alias = await dns.cname(current);
    if (alias.kind === 'failure') return { ok: false, failure: alias.failure, name: current, message: alias.message };
    if (alias.kind !== 'records' || alias.records[0] === undefined) return { ok: true, records: [], at: current };
    current = alias.records[0].toLowerCase().replace(/\.$/, '');
  }
  return { ok: false, failure: 'cname-loop', name, message: `more than ${MAX_CNAME_HOPS} CNAMEs from ${name}` };
}

/** Looks up the relevant CAA set of `domain` (a normalised name, no trailing dot). */
export async function lookupRelevantCaa(domain: string, dns: SandboxDns, options: CaaLookupOptions = {}): Promise<CaaLookupResult> {
  const asked: string[] = [];
  const labels = domain.replace(/^\*\./, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const level = await setAt(labels.slice(i).join('.'), dns, asked, options);
    if (!level.ok) return { ...level, asked };
    if (level.records.length > 0) return { ok: true, records: level.records, foundAt: level.at, asked };
  }
  return { ok: true, records: [], asked };
}
