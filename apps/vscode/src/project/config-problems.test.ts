import { describe, expect, it } from 'vitest';
import { checkConfigText, parseConfigPath } from './config-problems.js';

const valid = {
  endpoint: 'https://ca.example/',
  customerId: 'c1',
  certificates: [
    { name: 'site', domains: ['example.test'] },
    { name: 'bad', domains: ['*.example.test'] },
    { name: 'api', domains: ['api.example.test'] },
  ],
};

describe('checkConfigText', () => {
  it('a valid file: its configuration, no problems', () => {
    const check = checkConfigText(JSON.stringify({ ...valid, certificates: [valid.certificates[0]] }, null, 2));
    expect(check.problems).toEqual([]);
    expect(check.config?.certificates.map((certificate) => certificate.name)).toEqual(['site']);
  });

  it('one bad certificate entry: the problem at its line, the other certificates still usable', () => {
    const text = JSON.stringify(valid, null, 2);
    const check = checkConfigText(text);
    expect(check.config?.certificates.map((certificate) => certificate.name)).toEqual(['site', 'api']);
    expect(check.skipped).toEqual([{ index: 1, name: 'bad' }]);
    const [problem] = check.problems;
    expect(problem?.path).toBe('certificates[1].domains[0]');
    expect(problem?.issue).toMatchObject({ code: 'domain_refused', params: { rule: 'DOMAIN_WILDCARD', domain: '*.example.test' } });
    const line = text.split('\n').findIndex((row) => row.includes('*.example.test'));
    expect(problem?.start.line).toBe(line);
    expect(text.split('\n')[line]?.slice(problem?.start.character ?? 0)).toMatch(/^"\*\.example\.test"/);
  });

  it('an unknown property is underlined at its key; a problem outside certificates makes the file unusable', () => {
    const text = JSON.stringify({ ...valid, certificates: [valid.certificates[0]], defaults: { keytype: 'ec-p256' } }, null, 2);
    const check = checkConfigText(text);
    expect(check.config).toBeUndefined();
    const problem = check.problems.find((entry) => entry.path === 'defaults.keytype');
    expect(problem?.message).toContain('Unknown property');
    expect(text.split('\n')[problem?.start.line ?? -1]?.slice(problem?.start.character ?? 0)).toMatch(/^"keytype"/);
  });

  it('a syntax error at its place (core reads strict JSON: no trailing commas)', () => {
    const check = checkConfigText('{\n  "endpoint": "https://ca.example/",\n}\n');
    expect(check.config).toBeUndefined();
    expect(check.problems[0]?.message).toMatch(/^JSON: /);
    expect(check.problems[0]?.syntax).toBe('PropertyNameExpected');
    expect(check.problems[0]?.start.line).toBe(2);
  });

  it('reads core\'s paths', () => {
    expect(parseConfigPath('certificates[2].domains[0]')).toEqual(['certificates', 2, 'domains', 0]);
    expect(parseConfigPath('defaults["key type"]')).toEqual(['defaults', 'key type']);
    expect(parseConfigPath('')).toEqual([]);
  });
});
