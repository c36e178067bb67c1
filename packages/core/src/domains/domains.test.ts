import fc from 'fast-check';
import { toASCII } from 'tr46';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/errors.js';
import { MAX_DOMAINS, diffDomains, normalizeDomain, normalizeDomains } from './domains.js';

/** Host names valid under spec §4 (UTS #46 forbids "--" in label positions 3–4 outside A-labels). */
const validDomain = fc
  .domain()
  .filter((d) => d.split('.').length >= 2 && d.split('.').every((label) => label.slice(2, 4) !== '--'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
}

describe('normalizeDomain (spec §4)', () => {
  it('is idempotent and yields LDH labels within the length limits', () => {
    fc.assert(
      fc.property(validDomain, (domain) => {
        const once = normalizeDomain(domain);
        expect(normalizeDomain(once)).toBe(once);
        expect(once.length).toBeLessThanOrEqual(253);
        const labels = once.split('.');
        expect(labels.length).toBeGreaterThanOrEqual(2);
        for (const label of labels) expect(label).toMatch(/^(?!-)[a-z0-9-]{1,63}(?<!-)$/);
      }),
    );
  });

  it('ignores surrounding white space, case and one trailing dot', () => {
    fc.assert(
      fc.property(
        validDomain,
        fc.constantFrom('', ' ', '\t', '  \n'),
        fc.constantFrom('', ' ', '\r\n'),
        fc.boolean(),
        (domain, before, after, dot) => {
          const messy = `${before}${domain.toUpperCase()}${dot ? '.' : ''}${after}`;
          expect(normalizeDomain(messy)).toBe(normalizeDomain(domain));
        },
      ),
    );
  });

  it('gives for names of ASCII letters, digits, dots and hyphens exactly what UTS #46 processing gives', () => {
    // normalizeDomain returns such names without calling tr46 when UTS #46 could only
    // lower-case them; whatever it returns must be tr46's answer.
    const options = { checkBidi: true, checkHyphens: true, checkJoiners: true, useSTD3ASCIIRules: false, transitionalProcessing: false, verifyDNSLength: true };
    const randomCase = (domain: string, flips: boolean[]): string => domain.replace(/./g, (c, i: number) => (flips[i % flips.length] === true ? c.toUpperCase() : c));
    const names = fc.oneof(
      fc.tuple(validDomain, fc.array(fc.boolean(), { minLength: 1 })).map(([domain, flips]) => randomCase(domain, flips)),
      fc.stringMatching(/^[A-Za-z0-9.-]{1,70}$/),
      fc.array(fc.constantFrom('xn--', 'ab--c', 'a', '-', 'Z9', '.'), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
    );
    let returned = 0;
    fc.assert(
      fc.property(names, (name) => {
        let ours: string | undefined;
        try {
          ours = normalizeDomain(name);
        } catch {
          return;
        }
        returned++;
        expect(toASCII(name.endsWith('.') ? name.slice(0, -1) : name, options)).toBe(ours);
      }),
      { numRuns: 2000 },
    );
    expect(returned).toBeGreaterThan(500);
    expect(normalizeDomain('WWW.Example.COM')).toBe('www.example.com');
    expect(codeOf(() => normalizeDomain('ab--cd.example'))).toBe('DOMAIN_INVALID');
    expect(codeOf(() => normalizeDomain('xn--zz.example'))).toBe('DOMAIN_INVALID');
  });

  it('rejects every wildcard, naming the input', () => {
    fc.assert(
      fc.property(validDomain, (domain) => {
        const input = `*.${domain}`;
        expect(codeOf(() => normalizeDomain(input))).toBe('DOMAIN_WILDCARD');
        expect(() => normalizeDomain(input)).toThrow(input);
      }),
    );
  });

  it('rejects every IPv4 and IPv6 address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV6().map((ip) => `[${ip}]`)), (ip) => {
        expect(codeOf(() => normalizeDomain(ip))).toBe('DOMAIN_IP_ADDRESS');
      }),
    );
  });

  it('converts internationalised names to A-labels by UTS #46 (non-transitional)', () => {
    expect(normalizeDomain('Bücher.Example')).toBe('xn--bcher-kva.example');
    expect(normalizeDomain('faß.de')).toBe('xn--fa-hia.de'); // transitional processing would give "fass.de"
    expect(normalizeDomain('ＥＸＡＭＰＬＥ．ｃｏｍ')).toBe('example.com'); // full-width letters and dot are mapped
    expect(normalizeDomain('例え.テスト')).toBe('xn--r8jz45g.xn--zckzah');
    expect(normalizeDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it.each([
    ['', 'DOMAIN_EMPTY'],
    ['   ', 'DOMAIN_EMPTY'],
    ['localhost', 'DOMAIN_INVALID'],
    ['example..com', 'DOMAIN_INVALID'],
    ['-lead.example.com', 'DOMAIN_INVALID'],
    ['trail-.example.com', 'DOMAIN_INVALID'],
    ['under_score.example.com', 'DOMAIN_INVALID'],
    ['sp ace.example.com', 'DOMAIN_INVALID'],
    ['example.com..', 'DOMAIN_INVALID'],
    [`${'a'.repeat(64)}.example.com`, 'DOMAIN_INVALID'],
    [`${'abcdefghi.'.repeat(25)}example.com`, 'DOMAIN_INVALID'],
    ['xn--zz.example', 'DOMAIN_INVALID'],
    ['*.example.com', 'DOMAIN_WILDCARD'],
    ['www.*.example.com', 'DOMAIN_WILDCARD'],
    ['192.0.2.1', 'DOMAIN_IP_ADDRESS'],
    ['2001:db8::1', 'DOMAIN_IP_ADDRESS'],
  ])('rejects %j with %s and names it in the message', (input, code) => {
    expect(codeOf(() => normalizeDomain(input))).toBe(code);
    try {
      normalizeDomain(input);
    } catch (error) {
      expect((error as Error).message).toContain(JSON.stringify(input));
      expect((error as DomainError).input).toBe(input);
    }
  });
});

describe('normalizeDomains (spec §4)', () => {
  it('removes duplicates after normalisation, keeping first-seen order', () => {
    fc.assert(
      fc.property(fc.array(validDomain, { minLength: 1, maxLength: MAX_DOMAINS }), (domains) => {
        const withCopies = [...domains, ...domains.map((d) => ` ${d.toUpperCase()}. `)];
        const result = normalizeDomains(withCopies);
        const expected = [...new Set(domains.map((d) => normalizeDomain(d)))];
        expect(result).toEqual(expected);
      }),
    );
  });

  it('rejects more than five distinct domains, listing them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(validDomain, { minLength: MAX_DOMAINS + 1, maxLength: 12, selector: (d) => normalizeDomain(d) }), (domains) => {
        expect(codeOf(() => normalizeDomains(domains))).toBe('DOMAIN_TOO_MANY');
      }),
    );
  });

  it('accepts five distinct domains given as six with a duplicate', () => {
    const five = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example'];
    expect(normalizeDomains([...five, 'A.EXAMPLE.'])).toEqual(five);
  });

  it('rejects an empty list', () => {
    expect(codeOf(() => normalizeDomains([]))).toBe('DOMAIN_NONE');
  });

  it('fails on the first invalid entry, naming it', () => {
    expect(() => normalizeDomains(['ok.example', 'bad_name.example'])).toThrow('"bad_name.example"');
  });
});

describe('diffDomains', () => {
  it('spells out what is missing and what is extra, case-insensitively', () => {
    expect(diffDomains(['a.example', 'B.example'], ['b.EXAMPLE', 'c.example'])).toEqual({
      missing: ['a.example'],
      extra: ['c.example'],
    });
    expect(diffDomains(['a.example'], ['A.example'])).toEqual({ missing: [], extra: [] });
  });
});
