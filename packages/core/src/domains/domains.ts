/**
 * Domain rules of spec §4, as pure functions: checked before any network call.
 */
import { isIP, isIPv4 } from 'node:net';
import { toASCII } from 'tr46';
import { DomainError } from '../errors/errors.js';

/** At most this many distinct domains in one application (spec §2, error 106). */
export const MAX_DOMAINS = 5;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Shows an input in a message, with its invisible parts made visible. */
function quote(input: string): string {
  return JSON.stringify(input);
}

/**
 * Normalises one domain name as spec §4 asks: surrounding white space removed,
 * lower-cased, one trailing dot removed, internationalised names converted to
 * their A-label by UTS #46 (non-transitional), then LDH syntax, then checked: at least
 * two labels of 1–63 letters, digits and inner hyphens, at most 253 characters in
 * all, no wildcard (BR: file-based validation cannot prove one), no IP address.
 *
 * @param input - a domain as the user typed it, e.g. `" Bücher.Example. "`.
 * @returns the A-label form, e.g. `"xn--bcher-kva.example"`.
 * @throws {DomainError} `DOMAIN_EMPTY`, `DOMAIN_WILDCARD`, `DOMAIN_IP_ADDRESS` or
 *   `DOMAIN_INVALID`; the message names the offending input.
 */
export function normalizeDomain(input: string): string {
  let name = input.trim();
  if (name === '') {
    throw new DomainError('DOMAIN_EMPTY', `Domain ${quote(input)} is empty.`, { input });
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  // An IPv6 address has a colon; without one, isIPv4 decides alone (isIP would also compile
  // Node's long IPv6 expression, several milliseconds at the first call).
  if ((bare.includes(':') ? isIP(bare) !== 0 : isIPv4(bare)) || /^[0-9.]+$/.test(name)) {
    throw new DomainError(
      'DOMAIN_IP_ADDRESS',
      `Domain ${quote(input)} is an IP address; certificates are issued for domain names only (spec §4).`,
      { input, hint: 'Give the domain name that points at this address instead.' },
    );
  }
  if (name.includes('*')) {
    throw new DomainError(
      'DOMAIN_WILDCARD',
      `Domain ${quote(input)} is a wildcard; file-based validation cannot prove control of a wildcard (spec §4, BR §3.2.2.4.18).`,
      { input, hint: 'List each name instead of the wildcard.' },
    );
  }
  const plain = plainAsciiName(name);
  if (plain !== undefined) return plain;
  const ascii = toASCII(name, {
    checkBidi: true,
    checkHyphens: true,
    checkJoiners: true,
    // STD3 (letters, digits, hyphens) is enforced by LABEL below: tr46 5's own
    // useSTD3ASCIIRules rejects every name, plain ASCII ones included.
    useSTD3ASCIIRules: false,
    transitionalProcessing: false,
    verifyDNSLength: true,
  });
  if (ascii === null) {
    throw new DomainError('DOMAIN_INVALID', `Domain ${quote(input)} is not a valid host name (UTS #46 processing failed).`, {
      input,
    });
  }
  const labels = ascii.split('.');
  if (labels.length < 2) {
    throw new DomainError('DOMAIN_INVALID', `Domain ${quote(input)} needs at least two labels, like "example.com".`, { input });
  }
  if (ascii.length > 253) {
    throw new DomainError('DOMAIN_INVALID', `Domain ${quote(input)} is longer than 253 characters.`, { input });
  }
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    throw new DomainError(
      'DOMAIN_INVALID',
      `Domain ${quote(input)} has an invalid label ${quote(bad)}: labels are 1–63 letters, digits or inner hyphens.`,
      { input },
    );
  }
  return ascii;
}

/**
 * The result of {@link normalizeDomain} for a name that UTS #46 can only lower-case: letters,
 * digits, dots and hyphens whose lower-cased labels already pass every check below and
 * UTS #46's (CheckHyphens: no hyphen at either end, none in both the 3rd and 4th place, so
 * no `xn--` label, which UTS #46 decodes and checks; no empty label; lengths of
 * VerifyDnsLength). For such a name tr46 would return the same lower-cased string (a test
 * compares the two); anything else returns `undefined` and goes through tr46, errors
 * included.
 */
function plainAsciiName(name: string): string | undefined {
  if (!/^[A-Za-z0-9.-]+$/.test(name) || name.length > 253) return undefined;
  const lower = name.toLowerCase();
  const labels = lower.split('.');
  if (labels.length < 2) return undefined;
  return labels.every((label) => LABEL.test(label) && label.slice(2, 4) !== '--') ? lower : undefined;
}

/**
 * Normalises a list of domains (spec §4): each by {@link normalizeDomain}, then
 * duplicates removed keeping the first occurrence's position, then at most
 * {@link MAX_DOMAINS}. The first domain is the one that becomes the CSR's CN.
 *
 * @param inputs - domains as the user gave them.
 * @returns distinct A-label domains, 1 to 5 of them, in input order.
 * @throws {DomainError} `DOMAIN_NONE` for an empty list, `DOMAIN_TOO_MANY` for more
 *   than five distinct names (error 106 semantics), or any error of
 *   {@link normalizeDomain}.
 */
export function normalizeDomains(inputs: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const input of inputs) seen.add(normalizeDomain(input));
  if (seen.size === 0) {
    throw new DomainError('DOMAIN_NONE', 'No domain given.', { hint: 'Name at least one domain.' });
  }
  if (seen.size > MAX_DOMAINS) {
    throw new DomainError(
      'DOMAIN_TOO_MANY',
      `${seen.size} distinct domains given (${[...seen].join(', ')}); at most ${MAX_DOMAINS} fit in one certificate (spec §2, error 106).`,
      { hint: 'Split them over several certificates.' },
    );
  }
  return [...seen];
}

/**
 * Compares two domain sets after normalisation, case-insensitively and ignoring order.
 *
 * @returns the names only in `expected` (`missing`) and only in `actual` (`extra`);
 *   both empty when the sets are equal.
 */
export function diffDomains(
  expected: readonly string[],
  actual: readonly string[],
): { missing: string[]; extra: string[] } {
  const a = new Set(expected.map((d) => d.toLowerCase()));
  const b = new Set(actual.map((d) => d.toLowerCase()));
  return { missing: [...a].filter((d) => !b.has(d)), extra: [...b].filter((d) => !a.has(d)) };
}
