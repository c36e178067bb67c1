import { describe, expect, it } from 'vitest';
import { parseDnsServerFlags } from './signfile-flags.js';

describe('parseDnsServerFlags', () => {
  it('--dns-server first, then ACMAPI_DNS_SERVER (comma-separated), then acmapi.json; port 53 added', () => {
    const env = { ACMAPI_DNS_SERVER: '192.0.2.1, [::1]:5353' };
    expect(parseDnsServerFlags(['127.0.0.1:5353'], env, ['192.0.2.9'])).toEqual(['127.0.0.1:5353']);
    expect(parseDnsServerFlags([], env, ['192.0.2.9'])).toEqual(['192.0.2.1:53', '[::1]:5353']);
    expect(parseDnsServerFlags([], {}, ['192.0.2.9'])).toEqual(['192.0.2.9:53']);
    expect(parseDnsServerFlags([], { ACMAPI_DNS_SERVER: '' })).toEqual([]);
  });

  it('a host name is a usage error naming the flag', () => {
    expect(() => parseDnsServerFlags(['dns.example.com'], {})).toThrow(expect.objectContaining({ code: 'USAGE_DNS_SERVER' }) as Error);
  });
});
