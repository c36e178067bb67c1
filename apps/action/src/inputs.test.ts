import { describe, expect, it } from 'vitest';
import { InputError, parseDuration, parseInputs, splitList } from './inputs.js';

const base = { 'customer-id': 'c', 'auth-token': 't', domains: 'Example.COM.\n www.example.com , ' };
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  it('normalises domains and applies the defaults', () => {
    const inputs = parseInputs(reader(base));
    expect(inputs.domains).toEqual(['example.com', 'www.example.com']);
    expect(inputs).toMatchObject({ endpoint: 'https://acmapi.wosign.com/', keyType: 'ec-p256', preflight: 'warn', output: 'none', path: 'certificates', waitMs: 0, renewBeforeDays: 30, concurrency: 4 });
  });

  it('needs exactly one of domains and config', () => {
    expect(() => parseInputs(reader({ ...base, config: 'acmapi.json' }))).toThrow(/exactly one of the inputs domains/);
    expect(() => parseInputs(reader({ 'customer-id': 'c', 'auth-token': 't' }))).toThrow(InputError);
  });

  it('rejects bad enums, numbers and paths, naming the input', () => {
    expect(() => parseInputs(reader({ ...base, output: 'push' }))).toThrow(/Input output "push" is not one of artifact, commit, none/);
    expect(() => parseInputs(reader({ ...base, 'renew-before-days': '-1' }))).toThrow(/renew-before-days/);
    expect(() => parseInputs(reader({ ...base, path: '../out' }))).toThrow(/inside the repository/);
    expect(() => parseInputs(reader({ ...base, 'key-type': 'ed25519' }))).toThrow(/key-type/);
    expect(() => parseInputs(reader({ ...base, output: 'commit' }))).toThrow(/github-token/);
  });

  it('restores newlines of a PEM secret pasted with \\n escapes', () => {
    const inputs = parseInputs(reader({ ...base, csr: '-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----' }));
    expect(inputs.csr).toBe('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
  });
});

describe('parseDuration and splitList', () => {
  it('parses durations in milliseconds, a bare number being seconds', () => {
    expect(parseDuration('0', 'wait')).toBe(0);
    expect(parseDuration('90', 'wait')).toBe(90_000);
    expect(parseDuration('1h30m', 'wait')).toBe(5_400_000);
    expect(() => parseDuration('10 minutes', 'wait')).toThrow(/Input wait "10 minutes" is not a duration/);
  });
  it('splits on newlines and commas', () => {
    expect(splitList('a, b\n\nc,')).toEqual(['a', 'b', 'c']);
  });
});
