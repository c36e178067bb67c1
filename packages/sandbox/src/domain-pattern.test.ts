import { describe, expect, it } from 'vitest';
import { isValidDomainPattern, matchesDomainPattern } from './domain-pattern.js';

describe('matchesDomainPattern', () => {
  it('matches exact names case-insensitively, ignoring one trailing dot', () => {
    expect(matchesDomainPattern('Blocked.Example.', 'blocked.example')).toBe(true);
    expect(matchesDomainPattern('www.blocked.example', 'blocked.example')).toBe(false);
  });

  it('matches sub-domains at any depth for *.name, but not the name itself nor look-alikes', () => {
    expect(matchesDomainPattern('a.refused.test', '*.refused.test')).toBe(true);
    expect(matchesDomainPattern('a.b.refused.test', '*.refused.test')).toBe(true);
    expect(matchesDomainPattern('refused.test', '*.refused.test')).toBe(false);
    expect(matchesDomainPattern('notrefused.test', '*.refused.test')).toBe(false);
  });

  it('matches everything with *', () => {
    expect(matchesDomainPattern('anything.test', '*')).toBe(true);
  });
});

describe('isValidDomainPattern', () => {
  it('accepts names, *.names and *, and rejects other wildcards', () => {
    expect(isValidDomainPattern('example.test')).toBe(true);
    expect(isValidDomainPattern('*.example.test')).toBe(true);
    expect(isValidDomainPattern('*')).toBe(true);
    expect(isValidDomainPattern('a.*.test')).toBe(false);
    expect(isValidDomainPattern('*example.test')).toBe(false);
    expect(isValidDomainPattern('')).toBe(false);
    expect(isValidDomainPattern('a..b')).toBe(false);
  });
});
