import { describe, expect, it } from 'vitest';
import { describeFailure } from './describe-failure.js';
import type { AddressPreflight, SchemeOutcome } from './types.js';
import { addressPasses, domainVerdict } from './verdict.js';

const url = (scheme: 'http' | 'https'): string => `${scheme}://a.test/.well-known/pki-validation/signfile`;

function served(scheme: 'http' | 'https', address: string, kind: 'exact' | 'bom' = 'exact'): SchemeOutcome {
  return {
    scheme,
    url: url(scheme),
    ok: true,
    hops: [{ url: url(scheme), address, port: scheme === 'http' ? 80 : 443, status: 200, cdnHeaders: {} }],
    content: { pass: true, kind, excerpt: 'x' },
  };
}

function notFound(scheme: 'http' | 'https', address: string): SchemeOutcome {
  return {
    scheme,
    url: url(scheme),
    ok: false,
    hops: [{ url: url(scheme), address, port: 80, status: 404, cdnHeaders: { server: 'nginx', 'x-cache': 'HIT' } }],
    failure: describeFailure({ kind: 'http-status', domain: 'a.test', url: url(scheme), address, status: 404 }),
  };
}

function address(addr: string, schemes: SchemeOutcome[]): AddressPreflight {
  return { address: addr, family: addr.includes(':') ? 6 : 4, ok: addressPasses(schemes), schemes };
}

describe('domainVerdict', () => {
  it('passes when every address serves the file on some scheme', () => {
    const verdict = domainVerdict('a.test', [
      address('192.0.2.1', [served('http', '192.0.2.1'), notFound('https', '192.0.2.1')]),
      address('2001:db8::1', [notFound('http', '2001:db8::1'), served('https', '2001:db8::1')]),
    ]);
    expect(verdict.ok).toBe(true);
    expect(verdict.failure).toBeUndefined();
  });

  it('fails when IPv4 serves the file and IPv6 answers 404, naming the IPv6 address', () => {
    const verdict = domainVerdict('a.test', [
      address('192.0.2.1', [served('http', '192.0.2.1'), served('https', '192.0.2.1')]),
      address('2001:db8::1', [notFound('http', '2001:db8::1'), notFound('https', '2001:db8::1')]),
    ]);
    expect(verdict.ok).toBe(false);
    expect(verdict.failure?.address).toBe('2001:db8::1');
    expect(verdict.failure?.message).toContain('[2001:db8::1]');
    expect(verdict.failure?.message).toContain('1 of 2 addresses fail ([2001:db8::1]), while 192.0.2.1 passes');
    expect(verdict.warnings.some((w) => w.includes('x-cache: HIT'))).toBe(true);
  });

  it('fails with the DNS failure when resolution failed', () => {
    const dns = describeFailure({ kind: 'dns-no-such-name', domain: 'a.test' });
    expect(domainVerdict('a.test', [], dns)).toEqual({ ok: false, failure: dns, warnings: [] });
  });

  it('warns about a byte-order mark that still passes', () => {
    const verdict = domainVerdict('a.test', [address('192.0.2.1', [served('http', '192.0.2.1', 'bom')])]);
    expect(verdict.ok).toBe(true);
    expect(verdict.warnings).toEqual([expect.stringContaining('(bom)')]);
  });
});
