import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, DEFAULT_SIGNFILE_NAME } from '@acmapi/core/config';
import { INPUT_DEFAULTS, InputError, MAX_WAIT_MS, parseInputs, splitList } from './inputs.js';

const base = { 'customer-id': 'c', 'auth-token': 't', domains: 'Example.COM.\n www.example.com , ' };
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  it('a private-key secret pasted from Windows (a BOM, CRLF) is the same key; a signfile secret so pasted, the same token', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const pasted = `\uFEFF${pem.replace(/\n/g, '\r\n')}`;
    const inputs = parseInputs(reader({ ...base, 'private-key': pasted, signfile: '\uFEFFtoken-1\r\n' }));
    expect(createPrivateKey(inputs.privateKey ?? '').export({ format: 'pem', type: 'pkcs8' }).toString()).toBe(pem);
    expect(inputs.signfile).toBe('token-1');
  });

  it('splits domains (normalised later, with the certificates) and applies the defaults', () => {
    const inputs = parseInputs(reader(base));
    expect(inputs.domains).toEqual(['Example.COM.', 'www.example.com']);
    expect(inputs).toMatchObject({ endpoint: 'https://acmapi.wosign.com/', signfileName: 'signfile', preflight: 'warn', output: 'none', path: 'certificates', waitMs: 0, concurrency: 4 });
    // No key-type: a generated key takes the live certificate's type, else core's default.
    expect(inputs.keyType).toBeUndefined();
    // No renew-before-days: core's rule (a third of the lifetime) decides.
    expect(inputs.renewBeforeDays).toBeUndefined();
  });

  it('has the same endpoint and signfile name defaults as core', () => {
    expect(INPUT_DEFAULTS.endpoint).toBe(DEFAULT_ENDPOINT);
    expect(INPUT_DEFAULTS.signfileName).toBe(DEFAULT_SIGNFILE_NAME);
  });

  it('takes an empty input from the config, and an input given wins over it', () => {
    const fallbacks = { endpoint: 'https://ca.example/', customerId: 'from-config', keyType: 'rsa-3072', renewBeforeDays: 20, signfileName: 'sf.txt', signfile: 'token-from-file' } as const;
    const config = { 'auth-token': 't', config: 'acmapi.json' };
    expect(parseInputs(reader(config), fallbacks)).toMatchObject({ ...fallbacks, configPath: 'acmapi.json' });
    const given = { ...config, endpoint: 'https://other.example/', 'customer-id': 'c', 'key-type': 'ec-p384', path: 'out', 'renew-before-days': '0', 'signfile-name': 'signfile', signfile: 'token' };
    expect(parseInputs(reader(given), fallbacks)).toMatchObject({ endpoint: 'https://other.example/', customerId: 'c', keyType: 'ec-p384', path: 'out', renewBeforeDays: 0, signfileName: 'signfile', signfile: 'token' });
    expect(() => parseInputs(reader(config))).toThrow(/Input customer-id is required \(or customerId in acmapi.json\)/);
    expect(parseInputs(reader({ ...config, 'customer-id': 'c' }), fallbacks).path).toBe('certificates');
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

  it('finding 5: refuses a key-passphrase too weak to protect a committed key, without echoing it', () => {
    for (const weak of ['abc', 'fifteen-chars!!', 'x'.repeat(32)]) {
      let message = '';
      try {
        parseInputs(reader({ ...base, 'key-passphrase': weak }));
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Input key-passphrase is too weak: /);
      expect(message).not.toContain(weak);
    }
    expect(parseInputs(reader({ ...base, 'key-passphrase': 'sixteen-chars-ok' })).keyPassphrase).toBe('sixteen-chars-ok');
    expect(parseInputs(reader(base)).keyPassphrase).toBeUndefined();
  });

  it('restores newlines of a PEM secret pasted with \\n escapes', () => {
    const inputs = parseInputs(reader({ ...base, csr: '-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----' }));
    expect(inputs.csr).toBe('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
  });
});

describe('the wait input and splitList', () => {
  const wait = (text: string): number => parseInputs(reader({ ...base, wait: text })).waitMs;

  it('reads wait in core\'s one duration syntax, in milliseconds', () => {
    expect(wait('0')).toBe(0);
    expect(wait('90s')).toBe(90_000);
    expect(wait('1.5h')).toBe(5_400_000);
    expect(wait('5d')).toBe(MAX_WAIT_MS);
  });

  it('refuses what core\'s syntax refuses (a bare number, compound units), and more than 5 days, naming the input', () => {
    expect(() => wait('90')).toThrow(/^Input wait "90" is not a duration/);
    expect(() => wait('1h30m')).toThrow(/^Input wait "1h30m" is not a duration/);
    expect(() => wait('10 minutes')).toThrow(InputError);
    expect(() => wait('6d')).toThrow(/^Input wait "6d" is over the maximum/);
  });

  it('splits on newlines and commas', () => {
    expect(splitList('a, b\n\nc,')).toEqual(['a', 'b', 'c']);
  });
});

describe('action.yml (the repository root’s, the Action’s one metadata file)', () => {
  const yml = readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8');
  const block = (input: string): string => new RegExp(`\\n  ${input}:\\n((?:    .*\\n)+)`).exec(yml)?.[1] ?? '';

  it('declares no default for an input acmapi.json can supply, so that the config is not shadowed', () => {
    for (const input of ['endpoint', 'customer-id', 'key-type', 'signfile', 'signfile-name', 'renew-before-days', 'path']) {
      expect(block(input), input).toContain('description:');
      expect(block(input), input).not.toMatch(/default:|required: true/);
    }
  });

  it('declares the same defaults as the code for the others', () => {
    const declared = (input: string): string | undefined => /default: '?([^'\n]*)'?/.exec(block(input))?.[1];
    expect(declared('preflight')).toBe(INPUT_DEFAULTS.preflight);
    expect(declared('output')).toBe(INPUT_DEFAULTS.output);
    expect(declared('artifact-name')).toBe(INPUT_DEFAULTS.artifactName);
    expect(declared('commit-message')).toBe(INPUT_DEFAULTS.commitMessage);
    expect(declared('concurrency')).toBe(String(INPUT_DEFAULTS.concurrency));
  });
});
