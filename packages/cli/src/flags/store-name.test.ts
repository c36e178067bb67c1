import { certificateNameProblem } from '@acmapi/core/store';
import type { CertificateRecord } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { defaultCertificateName, storeNameAsTyped, storeNameFor } from './store-name.js';

function record(name: string, domains: string[], applicationDomains?: string[]): CertificateRecord {
  return {
    name,
    domains,
    keyType: 'ec-p256',
    state: 'valid',
    live: undefined,
    application:
      applicationDomains === undefined
        ? undefined
        : { version: 'v', status: 'pending', domains: applicationDomains, keyType: 'ec-p256', preparedAt: new Date(0), handleId: 'h', since: undefined, lastPolledAt: undefined, polls: 0, endpoint: undefined },
    lastRetired: undefined,
    lastError: undefined,
    dir: `/store/${name}`,
  };
}

describe('storeNameFor', () => {
  it('finds the stored certificate with the same set of domains, in any order', () => {
    const records = [record('shop', ['b.example', 'a.example']), record('other', ['c.example'])];
    expect(storeNameFor(records, ['a.example', 'b.example'], undefined)).toBe('shop');
    expect(storeNameFor([record('p', [], ['x.example', 'y.example'])], ['y.example', 'x.example'], undefined)).toBe('p');
  });

  it('otherwise takes the first domain; a subset or superset is not the same certificate', () => {
    expect(storeNameFor([record('shop', ['a.example', 'b.example'])], ['a.example'], undefined)).toBe('a.example');
    expect(storeNameFor([], ['www.example.com', 'example.com'], undefined)).toBe('www.example.com');
  });

  it('--name wins, and is checked', () => {
    expect(storeNameFor([record('shop', ['a.example'])], ['a.example'], 'mine')).toBe('mine');
    expect(() => storeNameFor([], ['a.example'], 'Bad/Name')).toThrow(UsageError);
  });
});

describe('defaultCertificateName', () => {
  it('keeps a domain that is a valid name, and shortens a long one stably', () => {
    expect(defaultCertificateName('www.example.com')).toBe('www.example.com');
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    const name = defaultCertificateName(long);
    expect(certificateNameProblem(name)).toBeUndefined();
    expect(name).toBe(defaultCertificateName(long));
    expect(name).not.toBe(defaultCertificateName(`${long}x`));
  });
});

describe('defaultCertificateName: device names reserved on Windows', () => {
  it.each(['con.example.com', 'aux.example.com', 'nul.test', 'prn.example.org', 'com1.example.com', 'com9.x.test', 'lpt1.example.com', 'lpt9.example.org', `con.${'a'.repeat(60)}.example`])(
    'finding 7: a first label reserved on Windows (%s) still gets a valid, stable default name',
    (domain) => {
      const name = defaultCertificateName(domain);
      expect(certificateNameProblem(name)).toBeUndefined();
      expect(defaultCertificateName(domain)).toBe(name);
      expect(name.startsWith(`${domain.split('.')[0] ?? ''}-`)).toBe(true);
    },
  );

  it('finding 7: reserved first labels of different domains get different names', () => {
    expect(defaultCertificateName('con.example.com')).not.toBe(defaultCertificateName('con.example.org'));
  });
});

describe('storeNameAsTyped', () => {
  const store = new Set(['xn--bcher-kva.example', 'shop.example.com', 'Mixed']);
  const known = (name: string): boolean => store.has(name);

  it('a domain typed as it was issued names its certificate: Unicode to the A-label, capitals to lower case', async () => {
    expect(await storeNameAsTyped('bücher.example', known)).toBe('xn--bcher-kva.example');
    expect(await storeNameAsTyped('Shop.Example.COM.', known)).toBe('shop.example.com');
  });

  it('keeps the name as typed when the store has it, when nothing matches, and when it is no domain', async () => {
    expect(await storeNameAsTyped('Mixed', known)).toBe('Mixed');
    expect(await storeNameAsTyped('nowhere.example', known)).toBe('nowhere.example');
    expect(await storeNameAsTyped('bücher.other', known)).toBe('bücher.other');
    expect(await storeNameAsTyped('../etc', known)).toBe('../etc');
  });
});
