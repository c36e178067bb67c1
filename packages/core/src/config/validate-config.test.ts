import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/errors.js';
import { formatConfigPath, validateConfig } from './validate-config.js';

function issuesOf(json: unknown): { path: string; message: string }[] {
  try {
    validateConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected validateConfig to throw');
}

describe('validateConfig', () => {
  it('applies the defaults and normalises domains (spec §4)', () => {
    const config = validateConfig({
      $schema: './node_modules/@acmapi/core/schema/acmapi.schema.json',
      customerId: 'C1',
      certificates: [{ name: 'shop', domains: [' Bücher.Example. ', 'www.example.com', 'WWW.example.com'] }],
    });
    expect(config.endpoint).toBe('https://acmapi.wosign.com/');
    expect(config.signfile).toEqual({ name: 'signfile' });
    expect(config.defaults).toEqual({ keyType: 'ec-p256', storeDir: 'certs' });
    expect(config.certificates[0]?.domains).toEqual(['xn--bcher-kva.example', 'www.example.com']);
  });

  it('reports every error at once, each with its JSON path', () => {
    const issues = issuesOf({
      endpoint: 'ftp://ca.example',
      defaults: { keyType: 'rsa-1024', renewBeforeDays: -1 },
      certificates: [
        { name: 'ok', domains: ['a.example.com'] },
        { name: 'ok', domains: ['b.example.com'] },
        { name: 'Bad/Name', domains: ['*.example.com', '10.0.0.1'], keyType: 'ec-p256' },
        { name: 'six', domains: ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'] },
      ],
      extra: true,
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'endpoint',
        'defaults.keyType',
        'defaults.renewBeforeDays',
        'certificates[1].name',
        'certificates[2].name',
        'certificates[2].domains[0]',
        'certificates[2].domains[1]',
        'certificates[3].domains',
        'extra',
      ]),
    );
    expect(issues.find((issue) => issue.path === 'certificates[1].name')?.message).toContain('already used by certificates[0]');
    expect(issues.find((issue) => issue.path === 'certificates[2].domains[0]')?.message).toMatch(/wildcard/i);
    expect(issues.find((issue) => issue.path === 'certificates[3].domains')?.message).toContain('At most 5');
  });

  it('the error message lists the issues one per line with their paths', () => {
    expect(() => validateConfig({ certificates: [{ name: 'x', domains: [] }] })).toThrow(/certificates\[0\]\.domains: A certificate needs at least one domain/);
  });

  it.each(['authToken', 'auth_token', 'AUTH-TOKEN'])('refuses an auth token property (%s) and says where tokens belong', (key) => {
    const issues = issuesOf({ customerId: 'C1', [key]: 'secret-value', certificates: [] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(key === 'AUTH-TOKEN' ? '["AUTH-TOKEN"]' : key);
    expect(issues[0]?.message).toContain('secret store');
    expect(JSON.stringify(issues)).not.toContain('secret-value');
  });

  it('refuses a token nested in a certificate too', () => {
    expect(issuesOf({ certificates: [{ name: 'a', domains: ['a.example.com'], auth_token: 't' }] })[0]?.path).toBe('certificates[0].auth_token');
  });

  it('reads caaIdentities and dnsServers, and names a bad DNS server or identity', () => {
    const config = validateConfig({ caaIdentities: ['sandbox.acmapi.test'], dnsServers: ['127.0.0.1:5353', '[::1]:53'] });
    expect(config.caaIdentities).toEqual(['sandbox.acmapi.test']);
    expect(config.dnsServers).toEqual(['127.0.0.1:5353', '[::1]:53']);
    expect(validateConfig({}).caaIdentities).toBeUndefined();
    const error = (() => {
      try {
        validateConfig({ caaIdentities: ['not a name'], dnsServers: ['dns.example.com'] });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('caaIdentities[0]');
    expect((error as ConfigError).message).toContain('dnsServers[0]');
  });

  it('rejects a non-object document', () => {
    expect(issuesOf([])[0]?.path).toBe('');
  });
});

describe('formatConfigPath', () => {
  it('renders indices in brackets and odd keys quoted', () => {
    expect(formatConfigPath(['certificates', 2, 'domains', 0])).toBe('certificates[2].domains[0]');
    expect(formatConfigPath(['a b'])).toBe('["a b"]');
    expect(formatConfigPath([])).toBe('');
  });
});
