import { describe, expect, it } from 'vitest';
import { checkRedirect, effectivePort, isRedirectStatus } from './redirect-policy.js';

const from = 'http://example.test/.well-known/pki-validation/signfile';

describe('checkRedirect (BR §3.2.2.4.18)', () => {
  it.each([301, 302, 307, 308])('follows %i to https on 443', (status) => {
    const decision = checkRedirect(from, status, 'https://example.test/.well-known/pki-validation/signfile');
    expect(decision).toEqual({ follow: true, url: new URL('https://example.test/.well-known/pki-validation/signfile') });
  });

  it.each([300, 303, 304, 305, 306])('refuses status %i', (status) => {
    const decision = checkRedirect(from, status, 'https://example.test/x');
    expect(decision).toEqual({ follow: false, refusal: { reason: 'status', status, location: 'https://example.test/x' } });
  });

  it('refuses a redirect without Location', () => {
    expect(checkRedirect(from, 301, undefined)).toEqual({ follow: false, refusal: { reason: 'no-location', status: 301 } });
    expect(checkRedirect(from, 301, '  ')).toEqual({ follow: false, refusal: { reason: 'no-location', status: 301 } });
  });

  it('resolves a relative Location against the URL that answered', () => {
    const decision = checkRedirect(from, 302, '/other/signfile#frag');
    expect(decision.follow && decision.url.href).toBe('http://example.test/other/signfile');
  });

  it('refuses schemes other than http and https, naming the scheme', () => {
    const decision = checkRedirect(from, 301, 'ftp://example.test/signfile');
    expect(decision).toEqual({ follow: false, refusal: { reason: 'scheme', status: 301, location: 'ftp://example.test/signfile', scheme: 'ftp' } });
  });

  it('refuses a port other than 80 and 443, naming the port', () => {
    const decision = checkRedirect(from, 301, 'https://example.test:8443/x');
    expect(decision).toEqual({ follow: false, refusal: { reason: 'port', status: 301, location: 'https://example.test:8443/x', port: 8443 } });
  });

  it('allows the other scheme\'s standard port (http on 443, https on 80)', () => {
    expect(checkRedirect(from, 301, 'http://example.test:443/x').follow).toBe(true);
    expect(checkRedirect(from, 301, 'https://example.test:80/x').follow).toBe(true);
  });

  it('names the Apache redirect that lost its slash', () => {
    const location = 'https://example.test.well-known/pki-validation/signfile';
    expect(checkRedirect(from, 301, location)).toEqual({ follow: false, refusal: { reason: 'lost-slash', status: 301, location } });
  });

  it('refuses a Location that is not a URL', () => {
    expect(checkRedirect(from, 302, 'http://[::1')).toEqual({ follow: false, refusal: { reason: 'bad-location', status: 302, location: 'http://[::1' } });
  });
});

describe('effectivePort and isRedirectStatus', () => {
  it('gives the default port of each scheme', () => {
    expect(effectivePort(new URL('http://a.test/'))).toBe(80);
    expect(effectivePort(new URL('https://a.test/'))).toBe(443);
    expect(effectivePort(new URL('https://a.test:8443/'))).toBe(8443);
  });
  it('knows the 3xx range', () => {
    expect(isRedirectStatus(304)).toBe(true);
    expect(isRedirectStatus(200)).toBe(false);
    expect(isRedirectStatus(400)).toBe(false);
  });
});
