/**
 * Domain patterns of the sandbox's configuration (`refuse`, `pending.domains`,
 * `validation.resolve`): `blocked.example` matches that domain only; `*.refused.test`
 * matches every sub-domain of `refused.test` at any depth, but not `refused.test`
 * itself; `*` matches every domain. Matching ignores case and one trailing dot. A name
 * given in Unicode is kept in A-labels (`asciiDomainPattern`), the form domains arrive in.
 */
import { normalizeDomain } from '@acmapi/core';

function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Whether `domain` matches `pattern` (see the module's description). */
export function matchesDomainPattern(domain: string, pattern: string): boolean {
  const name = canonical(domain);
  const wanted = canonical(pattern);
  if (wanted === '*') return true;
  if (wanted.startsWith('*.')) return name.endsWith(wanted.slice(1)) && name.length > wanted.length - 1;
  return name === wanted;
}

/** The first pattern of `patterns` that `domain` matches, or `undefined`. */
export function findMatchingPattern(domain: string, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => matchesDomainPattern(domain, pattern));
}

/** Whether `pattern` is well-formed: `*`, `*.` + name, or a name, without other `*`. */
export function isValidDomainPattern(pattern: string): boolean {
  const p = canonical(pattern);
  if (p === '*') return true;
  const rest = p.startsWith('*.') ? p.slice(2) : p;
  return rest.length > 0 && !rest.includes('*') && !/\s/.test(rest) && !rest.startsWith('.') && !rest.includes('..');
}

/**
 * A pattern with its name in A-labels (UTS #46 processing and RFC 5891 Punycode, through
 * core's domain rules, as the domains of a request are normalised): `*.bücher.test` becomes
 * `*.xn--bcher-kva.test`. A pattern in ASCII is returned trimmed, as it is.
 *
 * @throws {DomainError} when the Unicode name breaks a rule of spec §4.
 */
export function asciiDomainPattern(pattern: string): string {
  const trimmed = pattern.trim();
  if (/^[\x20-\x7e]*$/.test(trimmed)) return trimmed;
  const wildcard = trimmed.startsWith('*.');
  const name = normalizeDomain(wildcard ? trimmed.slice(2) : trimmed);
  return wildcard ? `*.${name}` : name;
}
