import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors/errors.js';
import { overrideTable, parseResolveOverride } from './resolve-override.js';

describe('parseResolveOverride', () => {
  it('parses IPv4 and IPv6 addresses after the first colon', () => {
    expect(parseResolveOverride('a.test:127.0.0.1,::1')).toEqual({ domain: 'a.test', addresses: ['127.0.0.1', '::1'] });
  });

  it('accepts bracketed IPv6, normalises the domain and drops duplicates', () => {
    expect(parseResolveOverride(' WWW.A.Test. :[::1], ::1 ,127.0.0.2')).toEqual({ domain: 'www.a.test', addresses: ['::1', '127.0.0.2'] });
  });

  it.each([
    ['a.test', /DOMAIN:ADDRESS/],
    [':127.0.0.1', /DOMAIN:ADDRESS/],
    ['a.test:', /no address/],
    ['a.test:localhost', /"localhost" is not an IPv4 or IPv6 address/],
    ['*.a.test:127.0.0.1', /wildcard/],
  ])('rejects %j', (input, message) => {
    expect(() => parseResolveOverride(input)).toThrow(OptionsError);
    expect(() => parseResolveOverride(input)).toThrow(message);
  });
});

describe('overrideTable', () => {
  it('merges a domain given twice', () => {
    const table = overrideTable([
      { domain: 'a.test', addresses: ['127.0.0.1'] },
      { domain: 'a.test', addresses: ['::1', '127.0.0.1'] },
    ]);
    expect(table.get('a.test')).toEqual(['127.0.0.1', '::1']);
  });
});
