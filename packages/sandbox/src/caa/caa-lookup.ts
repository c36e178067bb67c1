/**
 * Finds the relevant CAA record set of a domain (RFC 8659 §3): climbs from the domain
 * towards the root (the root itself excluded) and stops at the first non-empty set; an
 * alias (CNAME) is followed to its target's set at each level. NXDOMAIN and NODATA are
 * empty sets; SERVFAIL, a timeout or any other failure is a failure, never permission
 * (BR §3.2.2.8).
 */
import type { LookupFailureKind, SandboxCaaRecord, SandboxDns } from '../dns/dns-lookup.js';

/** The longest CNAME chain followed at one level (a loop ends here too). */
const MAX_CNAME_HOPS = 8;

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
      readonly failure: LookupFailureKind | 'cname-loop';
      /** The name whose lookup failed. */
      readonly name: string;
      readonly message: string;
      readonly asked: readonly string[];
    };

type LevelResult =
  | { readonly ok: true; readonly records: readonly SandboxCaaRecord[]; readonly at: string }
  | { readonly ok: false; readonly failure: LookupFailureKind | 'cname-loop'; readonly name: string; readonly message: string };

async function setAt(name: string, dns: SandboxDns, asked: string[]): Promise<LevelResult> {
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    asked.push(current);
    const answer = await dns.caa(current);
    if (answer.kind === 'failure') return { ok: false, failure: answer.failure, name: current, message: answer.message };
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
export async function lookupRelevantCaa(domain: string, dns: SandboxDns): Promise<CaaLookupResult> {
  const asked: string[] = [];
  const labels = domain.replace(/^\*\./, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const level = await setAt(labels.slice(i).join('.'), dns, asked);
    if (!level.ok) return { ok: false, failure: level.failure, name: level.name, message: level.message, asked };
    if (level.records.length > 0) return { ok: true, records: level.records, foundAt: level.at, asked };
  }
  return { ok: true, records: [], asked };
}
