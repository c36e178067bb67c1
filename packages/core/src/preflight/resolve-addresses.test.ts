import { describe, expect, it } from 'vitest';
import { resolveDomainAddresses } from './resolve-addresses.js';
import type { PreflightResolver } from './types.js';

/** A resolver answering from a table: a value is the records, a string the error code. */
function tableResolver(table: Record<string, { a: string[] | string; aaaa: string[] | string }>): PreflightResolver {
  const answer = (value: string[] | string | undefined): Promise<string[]> => {
    if (value === undefined) return Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }));
    if (typeof value === 'string') return Promise.reject(Object.assign(new Error(value), { code: value }));
    return Promise.resolve(value);
  };
  return {
    resolve4: (name) => answer(table[name]?.a),
    resolve6: (name) => answer(table[name]?.aaaa),
  };
}

const resolver = tableResolver({
  'both.test': { a: ['192.0.2.1'], aaaa: ['2001:db8::1'] },
  'v4.test': { a: ['192.0.2.1'], aaaa: 'ENODATA' },
  'none.test': { a: 'ENODATA', aaaa: 'ENODATA' },
  'fail.test': { a: 'ESERVFAIL', aaaa: 'ENODATA' },
});
const noOverrides = new Map<string, readonly string[]>();

describe('resolveDomainAddresses', () => {
  it('returns every A and AAAA address', async () => {
    expect(await resolveDomainAddresses('both.test', noOverrides, resolver)).toEqual({
      ok: true,
      source: 'dns',
      addresses: [{ address: '192.0.2.1', family: 4 }, { address: '2001:db8::1', family: 6 }],
    });
  });

  it('uses the family that answers when the other has no data', async () => {
    const result = await resolveDomainAddresses('v4.test', noOverrides, resolver);
    expect(result).toEqual({ ok: true, source: 'dns', addresses: [{ address: '192.0.2.1', family: 4 }] });
  });

  it('classifies no such name, no address and other DNS errors', async () => {
    expect(await resolveDomainAddresses('missing.test', noOverrides, resolver)).toEqual({ ok: false, kind: 'dns-no-such-name', code: 'ENOTFOUND' });
    expect(await resolveDomainAddresses('none.test', noOverrides, resolver)).toEqual({ ok: false, kind: 'dns-no-address', code: 'ENODATA' });
    expect(await resolveDomainAddresses('fail.test', noOverrides, resolver)).toEqual({ ok: false, kind: 'dns-servfail', code: 'ESERVFAIL' });
  });

  it('lets an override replace DNS entirely, and takes IP literals as they are', async () => {
    const overrides = new Map([['both.test', ['127.0.0.1', '::1']]]);
    expect(await resolveDomainAddresses('both.test', overrides, resolver)).toEqual({
      ok: true,
      source: 'override',
      addresses: [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }],
    });
    expect(await resolveDomainAddresses('[::1]', noOverrides, resolver)).toMatchObject({ ok: true, addresses: [{ address: '::1', family: 6 }] });
  });
});
