import { describe, expect, it } from 'vitest';
import { createIpAllowList, ipEntryProblem, unmapIpv4 } from './ip-allow-list.js';

describe('createIpAllowList', () => {
  it('matches addresses and CIDR blocks, IPv4 and IPv6', () => {
    const allowed = createIpAllowList(['127.0.0.1', '10.1.0.0/16', '::1', '2001:db8::/32']);
    expect(allowed('127.0.0.1')).toBe(true);
    expect(allowed('127.0.0.2')).toBe(false);
    expect(allowed('10.1.200.3')).toBe(true);
    expect(allowed('10.2.0.1')).toBe(false);
    expect(allowed('::1')).toBe(true);
    expect(allowed('2001:db8:1::5')).toBe(true);
    expect(allowed('2001:db9::1')).toBe(false);
  });

  it('treats IPv4-mapped IPv6 callers as IPv4', () => {
    const allowed = createIpAllowList(['127.0.0.1', '192.0.2.0/24']);
    expect(allowed('::ffff:127.0.0.1')).toBe(true);
    expect(allowed('::FFFF:192.0.2.77')).toBe(true);
    expect(allowed('::ffff:198.51.100.1')).toBe(false);
  });

  it('denies garbage and empty lists', () => {
    expect(createIpAllowList(['127.0.0.1'])('')).toBe(false);
    expect(createIpAllowList([])('127.0.0.1')).toBe(false);
  });

  it('rejects invalid entries', () => {
    expect(() => createIpAllowList(['localhost'])).toThrow(RangeError);
    expect(ipEntryProblem('10.0.0.0/33')).toContain('prefix length');
    expect(ipEntryProblem('::/129')).toContain('prefix length');
    expect(ipEntryProblem('10.0.0.0/8/1')).toContain('not an IP');
    expect(ipEntryProblem('::/0')).toBeUndefined();
    expect(unmapIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});
