import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/errors.js';
import { CONFIG_ISSUE_CODES, type ConfigIssue } from '../errors/config-issue.js';
import { formatConfigPath, validateConfig } from './validate-config.js';

function issuesOf(json: unknown): ConfigIssue[] {
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

describe('validateConfig: codes and facts of each issue', () => {
  const at = (issues: readonly ConfigIssue[], path: string): Pick<ConfigIssue, 'code' | 'params'> | undefined => {
    const found = issues.find((issue) => issue.path === path);
    return found === undefined ? undefined : { code: found.code, params: found.params };
  };

  it('gives core\'s own kinds their code and facts, beside the unchanged English', () => {
    const issues = issuesOf({
      authToken: 'secret-value',
      signfile: { name: 'a/b' },
      caaIdentities: ['not a name'],
      dnsServers: ['dns.example.com', '127.0.0.1:99999'],
      certificates: [
        { name: 'ok', domains: ['a.example.com'] },
        { name: 'ok', domains: ['b.example.com'] },
        { name: 'Bad/Name', domains: ['*.example.com', '10.0.0.1', ' ', 'nodot'] },
        { name: 'con', domains: [] },
        { name: 'x'.repeat(65), domains: ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'] },
      ],
      extra: true,
    });
    expect(at(issues, 'authToken')).toEqual({ code: 'token_in_file', params: { key: 'authToken' } });
    expect(JSON.stringify(issues)).not.toContain('secret-value');
    expect(at(issues, 'extra')).toEqual({ code: 'unknown_property', params: { key: 'extra' } });
    expect(issues.find((issue) => issue.path === 'extra')?.message).toBe('Unknown property "extra".');
    expect(at(issues, 'certificates[1].name')).toEqual({ code: 'duplicate_name', params: { name: 'ok', firstIndex: 0 } });
    expect(at(issues, 'certificates[2].name')).toEqual({ code: 'certificate_name', params: { name: 'Bad/Name', rule: 'characters', maxLength: 64 } });
    expect(at(issues, 'certificates[3].name')).toEqual({ code: 'certificate_name', params: { name: 'con', rule: 'windows-reserved', maxLength: 64 } });
    expect(at(issues, 'certificates[4].name')).toEqual({ code: 'certificate_name', params: { name: 'x'.repeat(65), rule: 'too-long', maxLength: 64 } });
    expect(at(issues, 'certificates[2].domains[0]')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_WILDCARD', domain: '*.example.com' } });
    expect(at(issues, 'certificates[2].domains[1]')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_IP_ADDRESS', domain: '10.0.0.1' } });
    expect(at(issues, 'certificates[2].domains[2]')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_EMPTY', domain: ' ' } });
    expect(at(issues, 'certificates[2].domains[3]')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_INVALID', domain: 'nodot' } });
    expect(at(issues, 'certificates[3].domains')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_NONE' } });
    expect(at(issues, 'certificates[4].domains')).toEqual({ code: 'domain_refused', params: { rule: 'DOMAIN_TOO_MANY', limit: 5, count: 6 } });
    expect(issues.find((issue) => issue.path === 'certificates[4].domains')?.message).toBe('At most 5 domains fit in one certificate (spec §2, error 106).');
    expect(at(issues, 'dnsServers[0]')).toEqual({ code: 'dns_server', params: { server: 'dns.example.com', rule: 'not-an-address' } });
    expect(at(issues, 'dnsServers[1]')).toEqual({ code: 'dns_server', params: { server: '127.0.0.1:99999', rule: 'bad-port' } });
    expect(issues.find((issue) => issue.path === 'dnsServers[1]')?.message).toBe('The DNS server "127.0.0.1:99999" has a bad port (1 to 65535).');
    expect(at(issues, 'signfile.name')).toEqual({ code: 'signfile_name', params: { name: 'a/b' } });
    expect(at(issues, 'caaIdentities[0]')).toEqual({ code: 'caa_identity', params: { identity: 'not a name' } });
  });

  it('passes zod\'s kinds through with their facts, and the type found in the file', () => {
    const issues = issuesOf({
      endpoint: 'ftp://ca.example',
      customerId: 5,
      signfile: { path: '' },
      defaults: { keyType: 'rsa-1024', renewBeforeDays: -1 },
      certificates: [7, { domains: ['a.example.com'] }],
    });
    expect(at(issues, 'endpoint')).toEqual({ code: 'invalid_format', params: { format: 'url' } });
    expect(at(issues, 'customerId')).toEqual({ code: 'invalid_type', params: { expected: 'string', received: 'number' } });
    expect(at(issues, 'signfile.path')).toEqual({ code: 'too_small', params: { origin: 'string', minimum: 1, inclusive: true } });
    expect(at(issues, 'defaults.keyType')).toEqual({ code: 'invalid_value', params: { values: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] } });
    expect(at(issues, 'defaults.renewBeforeDays')).toEqual({ code: 'too_small', params: { origin: 'number', minimum: 0, inclusive: false } });
    expect(at(issues, 'certificates[0]')).toEqual({ code: 'invalid_type', params: { expected: 'object', received: 'number' } });
    expect(at(issues, 'certificates[1].name')).toEqual({ code: 'invalid_type', params: { expected: 'string', received: 'missing' } });
  });

  it('uses only the documented codes', () => {
    const issues = issuesOf({ authToken: 'x', endpoint: 1, certificates: [{ name: 'A', domains: ['*.a.example'] }], extra: 1 });
    for (const issue of issues) expect(CONFIG_ISSUE_CODES).toContain(issue.code);
  });
});

describe('formatConfigPath', () => {
  it('renders indices in brackets and odd keys quoted', () => {
    expect(formatConfigPath(['certificates', 2, 'domains', 0])).toBe('certificates[2].domains[0]');
    expect(formatConfigPath(['a b'])).toBe('["a b"]');
    expect(formatConfigPath([])).toBe('');
  });
});

describe('validateConfig: deeply nested documents', () => {
  // JSON.parse takes a file of under 1 MiB that nests arrays 500,000 deep; validation must
  // answer CONFIG_INVALID for it, not overflow the stack.
  const nested = (depth: number, inner = '[]'): unknown => JSON.parse(`{"certificates":[{"name":"a","domains":["a.example.com"],"x":${'['.repeat(depth)}${inner}${']'.repeat(depth)}}]}`);

  it.each([3_000, 200_000])('reports an unknown property holding arrays %i deep as CONFIG_INVALID', (depth) => {
    expect(() => validateConfig(nested(depth))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(issuesOf(nested(depth)).map((issue) => issue.code)).toEqual(['unknown_property']);
  });

  it('finds a token key at the bottom, with its whole path', () => {
    const issues = issuesOf(nested(5, '{"auth_token":"t"}'));
    expect(issues.find((issue) => issue.code === 'token_in_file')?.path).toBe('certificates[0].x[0][0][0][0][0].auth_token');
  });
});
