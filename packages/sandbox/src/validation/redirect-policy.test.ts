import { describe, expect, it } from 'vitest';
import { bodyContainsToken, decideHop, effectivePort, urlRefusal } from './redirect-policy.js';

const start = new URL('http://example.test/.well-known/pki-validation/signfile');

function hop(status: number, location: string | undefined, redirects = 0, visited: string[] = [start.href]) {
  return decideHop({ url: start, status, location, redirects, visited: new Set(visited) });
}

describe('decideHop', () => {
  it('checks the body of a 200 answer', () => {
    expect(hop(200, undefined)).toEqual({ action: 'check-body' });
  });

  it.each([301, 302, 307, 308])('follows %i with a Location', (status) => {
    const decision = hop(status, 'https://example.test/.well-known/pki-validation/signfile');
    expect(decision).toEqual({ action: 'follow', url: new URL('https://example.test/.well-known/pki-validation/signfile') });
  });

  it.each([201, 204, 300, 303, 304, 305, 404, 500])('fails on %i', (status) => {
    expect(hop(status, 'https://example.test/x')).toMatchObject({ action: 'fail', reason: expect.stringContaining(`HTTP ${status}`) as string });
  });

  it('fails a redirect without Location or with an unparsable one', () => {
    expect(hop(301, undefined)).toMatchObject({ action: 'fail', reason: expect.stringContaining('without Location') as string });
    expect(hop(301, '  ')).toMatchObject({ action: 'fail' });
    expect(hop(301, 'http://[::1')).toMatchObject({ action: 'fail', reason: expect.stringContaining('unparsable') as string });
  });

  it('resolves relative locations against the current URL and drops fragments', () => {
    expect(hop(302, '../moved?x=1#frag')).toEqual({ action: 'follow', url: new URL('http://example.test/.well-known/moved?x=1') });
  });

  it('refuses other ports, explicit or by scheme, and other schemes', () => {
    expect(hop(301, 'https://example.test:8443/x')).toMatchObject({ action: 'fail', reason: expect.stringContaining('port 8443') as string });
    expect(hop(301, 'http://example.test:8080/x')).toMatchObject({ action: 'fail' });
    expect(hop(301, 'ftp://example.test/x')).toMatchObject({ action: 'fail', reason: expect.stringContaining('scheme ftp:') as string });
    expect(hop(301, 'file:///etc/passwd')).toMatchObject({ action: 'fail' });
  });

  it('allows http on 443 and https on 80 explicitly: only the port number matters', () => {
    expect(hop(301, 'http://example.test:443/x')).toMatchObject({ action: 'follow' });
    expect(hop(301, 'https://example.test:80/x')).toMatchObject({ action: 'follow' });
  });

  it('finding 15: refuses a redirect to an IP-address URL, in any spelling the URL parser accepts', () => {
    for (const location of ['http://127.0.0.1/x', 'https://[::1]/x', 'http://2130706433/x', 'http://0x7f.1/x', 'https://[::ffff:127.0.0.1]:443/x']) {
      expect(hop(301, location)).toMatchObject({ action: 'fail', reason: expect.stringContaining('is an IP address') as string });
    }
    expect(hop(301, 'http://127.0.0.1.example.test/x')).toMatchObject({ action: 'follow' });
  });

  it('detects a loop', () => {
    const other = 'http://example.test/a';
    expect(hop(301, other, 1, [start.href, other])).toMatchObject({ action: 'fail', reason: expect.stringContaining('loop') as string });
    expect(hop(301, start.href)).toMatchObject({ action: 'fail', reason: expect.stringContaining('loop') as string });
  });

  it('follows the 10th redirect but not the 11th (default budget), and honours a smaller budget', () => {
    expect(hop(301, 'http://example.test/n', 9)).toMatchObject({ action: 'follow' });
    expect(hop(301, 'http://example.test/n', 10)).toMatchObject({ action: 'fail', reason: expect.stringContaining('more than 10') as string });
    expect(decideHop({ url: start, status: 301, location: '/x', redirects: 2, visited: new Set(), maxRedirects: 2 })).toMatchObject({
      action: 'fail',
    });
  });
});

describe('urlRefusal and effectivePort', () => {
  it('knows default ports', () => {
    expect(effectivePort(new URL('http://a.test/'))).toBe(80);
    expect(effectivePort(new URL('https://a.test/'))).toBe(443);
    expect(effectivePort(new URL('https://a.test:8443/'))).toBe(8443);
  });

  it('refuses URLs with credentials', () => {
    expect(urlRefusal(new URL('http://user:pw@a.test/'))).toContain('credentials');
    expect(urlRefusal(new URL('https://a.test/'))).toBeUndefined();
  });
});

describe('bodyContainsToken', () => {
  it('passes by containment, not exact match, and never for an empty token', () => {
    expect(bodyContainsToken('abc-TOKEN-def', 'TOKEN')).toBe(true);
    expect(bodyContainsToken('TOKEN\n', 'TOKEN')).toBe(true);
    expect(bodyContainsToken('TOKE N', 'TOKEN')).toBe(false);
    expect(bodyContainsToken('anything', '')).toBe(false);
  });
});
