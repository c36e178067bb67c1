/**
 * The thin DNS side of the CAA check (RFC 8659 §3, BR §3.2.2.8): ask for CAA at the name and
 * every parent at once, follow CNAMEs, and classify what came back for the pure
 * {@link evaluateCaa}. Lookups run in parallel, so the climb costs one round trip, not one per
 * label.
 */
import { caaClimb } from './caa.js';
import type { CaaLookup, CaaLookupFailure, CaaRecord } from './caa.js';

/** A CAA answer as `node:dns` gives it: `{ critical, issue: 'ca.example' }` (the tag is the key, also for tags Node does not name). */
export interface NodeCaaRecord {
  readonly critical: number;
}

/** The DNS answers the CAA check needs; `node:dns/promises` and its `Resolver` fit. */
export interface CaaResolver {
  /** CAA records; rejects with `ENODATA`/`ENOTFOUND`/`ESERVFAIL`/`ETIMEOUT`/… */
  resolveCaa(hostname: string): Promise<NodeCaaRecord[]>;
  /** CNAME target(s); rejects like {@link CaaResolver.resolveCaa}. */
  resolveCname(hostname: string): Promise<string[]>;
}

/** CNAME hops followed at most, as resolvers do (a loop ends here). */
export const MAX_CNAME_HOPS = 8;

/** The code of a CNAME chain that loops or is longer than {@link MAX_CNAME_HOPS}. */
export const CNAME_LOOP = 'ECNAMELOOP';

function errorCode(reason: unknown): string {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** `ENOTFOUND` (NXDOMAIN) and `ENODATA` (no such record) are empty answers, not failures (RFC 8659 §3). */
export function isEmptyAnswer(code: string): boolean {
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

/** The class of a failed lookup. */
export function classifyDnsFailure(code: string): CaaLookupFailure {
  if (code === 'ESERVFAIL') return 'dns-servfail';
  if (code === 'ETIMEOUT') return 'dns-timeout';
  return 'dns-error';
}

/**
 * Node's `{ critical, TAG: value }` as RFC 8659's flags, tag, value. Node may also add
 * `type: 'CAA'` (as `resolveAny` documents; seen from `resolveCaa` too, before the tag), which
 * is not the record's tag.
 */
export function fromNodeCaa(record: NodeCaaRecord): CaaRecord | undefined {
  for (const [tag, value] of Object.entries(record) as [string, unknown][]) {
    if (tag === 'critical' || (tag === 'type' && value === 'CAA')) continue;
    if (typeof value === 'string') return { flags: record.critical, tag, value };
  }
  return undefined;
}

type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

async function settle<T>(promise: Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
}

function toRecords(answer: NodeCaaRecord[]): CaaRecord[] {
  return answer.map(fromNodeCaa).filter((record): record is CaaRecord => record !== undefined);
}

/**
 * The CAA answer for one name, CNAMEs followed: the resolver's answer when it has records
 * (a server that answers with the chain), else the chain is followed here, hop by hop (an
 * authoritative server does not follow a CNAME out of its zones).
 */
export async function lookupCaaAt(name: string, resolver: CaaResolver): Promise<CaaLookup> {
  const [caa, cname] = await Promise.all([settle(resolver.resolveCaa(name)), settle(resolver.resolveCname(name))]);
  if (!caa.ok && !isEmptyAnswer(caa.code)) return { domain: name, failed: classifyDnsFailure(caa.code), code: caa.code };
  const chain: string[] = [];
  let target = cname.ok ? cname.value[0] : undefined;
  if (caa.ok && caa.value.length > 0) {
    if (target !== undefined) chain.push(target);
    return { domain: name, records: toRecords(caa.value), ...(chain.length > 0 ? { via: chain } : {}) };
  }
  while (target !== undefined) {
    // A loop, or a chain longer than resolvers follow, is what a recursive resolver answers
    // with SERVFAIL: no answer to rely on (BR 3.2.2.8), not an empty set.
    if (target === name || chain.includes(target) || chain.length >= MAX_CNAME_HOPS) {
      return { domain: name, failed: 'dns-error', code: CNAME_LOOP };
    }
    chain.push(target);
    const [next, nextCname] = await Promise.all([settle(resolver.resolveCaa(target)), settle(resolver.resolveCname(target))]);
    if (!next.ok && !isEmptyAnswer(next.code)) return { domain: name, failed: classifyDnsFailure(next.code), code: next.code };
    if (next.ok && next.value.length > 0) return { domain: name, records: toRecords(next.value), via: chain };
    target = nextCname.ok ? nextCname.value[0] : undefined;
  }
  return { domain: name, records: [], ...(chain.length > 0 ? { via: chain } : {}) };
}

/**
 * Looks up CAA for `domain` and each parent up to the top-level domain, all at once.
 *
 * @returns one {@link CaaLookup} per name of {@link caaClimb}`(domain)`, in that order (a
 *   wildcard's `*.` is dropped: CAA is looked up at the base name, RFC 8659 §3).
 */
export function lookupCaa(domain: string, resolver: CaaResolver): Promise<CaaLookup[]> {
  return Promise.all(caaClimb(domain.replace(/^\*\./, '')).map((name) => lookupCaaAt(name, resolver)));
}
