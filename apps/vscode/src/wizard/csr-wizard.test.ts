import { describe, expect, it } from 'vitest';
import { KEY_TYPES } from '@acmapi/core';
import { formatMessage as t } from '../l10n/localize.js';
import { CSR_WIZARD_STEPS, defaultOutputFolder, keyTypeChoices, parseSubjectInput, stepNumber, stepTitle, normalisationNote, validateDomainsInput, validateOutputFolder } from './csr-wizard.js';

describe('validateDomainsInput', () => {
  it('normalises as spec §4 says and removes duplicates', () => {
    expect(validateDomainsInput(' Example.COM., www.example.com  example.com\nBücher.example ', t)).toEqual({
      ok: true,
      value: ['example.com', 'www.example.com', 'xn--bcher-kva.example'],
    });
  });

  it('refuses wildcards, IP addresses and invalid names, naming the input', () => {
    expect(validateDomainsInput('*.example.com', t)).toEqual({ ok: false, message: expect.stringContaining('*.example.com is a wildcard') as string });
    expect(validateDomainsInput('example.com, 192.0.2.1', t)).toEqual({ ok: false, message: expect.stringContaining('192.0.2.1 is an IP address') as string });
    expect(validateDomainsInput('localhost', t)).toEqual({ ok: false, message: expect.stringContaining('localhost is not a valid domain name') as string });
    expect(validateDomainsInput('bad_label.example.com', t).ok).toBe(false);
  });

  it('refuses nothing and more than five distinct domains', () => {
    expect(validateDomainsInput('  , ', t).ok).toBe(false);
    expect(validateDomainsInput('a.test b.test c.test d.test e.test', t).ok).toBe(true);
    expect(validateDomainsInput('a.test b.test c.test d.test e.test f.test', t)).toEqual({ ok: false, message: '6 domains given; at most 5 fit in one certificate.' });
    // Duplicates do not count twice.
    expect(validateDomainsInput('a.test b.test c.test d.test e.test A.TEST', t).ok).toBe(true);
  });
});

describe('keyTypeChoices', () => {
  it('offers every key type core allows, the default (ec-p256) first', () => {
    const choices = keyTypeChoices(t);
    expect(choices[0]?.keyType).toBe('ec-p256');
    expect(choices.map((choice) => choice.keyType).sort()).toEqual([...KEY_TYPES].sort());
  });
});

describe('parseSubjectInput', () => {
  it('skips an empty subject', () => {
    expect(parseSubjectInput('   ', t)).toEqual({ ok: true, value: undefined });
  });

  it('parses KEY=value pairs into core\'s CsrSubject', () => {
    expect(parseSubjectInput('O=Example Ltd, c=CN, ST=Beijing, L=Haidian, OU=Ops, emailAddress=ops@example.com', t)).toEqual({
      ok: true,
      value: { organization: 'Example Ltd', country: 'CN', state: 'Beijing', locality: 'Haidian', organizationalUnit: 'Ops', emailAddress: 'ops@example.com' },
    });
  });

  it('refuses unknown keys, repeated keys, bad countries, long values and pairs without =', () => {
    expect(parseSubjectInput('CN=example.com', t).ok).toBe(false);
    expect(parseSubjectInput('O=a, O=b', t).ok).toBe(false);
    expect(parseSubjectInput('C=China', t)).toEqual({ ok: false, message: 'C must be two capital letters (ISO 3166-1), e.g. CN.' });
    expect(parseSubjectInput(`O=${'x'.repeat(65)}`, t).ok).toBe(false);
    expect(parseSubjectInput('Example Ltd', t).ok).toBe(false);
    expect(parseSubjectInput('E=not an address', t).ok).toBe(false);
  });
});

describe('output folder', () => {
  it('suggests csr/<first domain> and resolves relative folders against the workspace', () => {
    expect(defaultOutputFolder(['example.com', 'www.example.com'])).toBe('csr/example.com');
    expect(validateOutputFolder('csr/example.com', '/work/site', t)).toEqual({ ok: true, value: '/work/site/csr/example.com' });
    expect(validateOutputFolder('./keys/../csr', '/work/site', t)).toEqual({ ok: true, value: '/work/site/csr' });
    expect(validateOutputFolder('  ', '/work/site', t).ok).toBe(false);
  });
});

describe('stepTitle and stepNumber', () => {
  it('refuses absolute folders and folders outside the workspace (issue 12)', () => {
    for (const outside of ['/etc/ssl/site', '../outside', 'csr/../../outside', '..', '.', 'C:\\keys']) {
      const verdict = validateOutputFolder(outside, '/work/site', t);
      expect(verdict.ok, outside).toBe(false);
    }
    expect(validateOutputFolder('../outside', '/work/site', t)).toMatchObject({ message: expect.stringContaining('not inside the workspace') as unknown });
  });

  it('shows the normalised domains only when normalisation changed the input (IDN to punycode)', () => {
    const typed = 'Bücher.example, www.example.com.';
    const verdict = validateDomainsInput(typed, t);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(normalisationNote(typed, verdict.value, t)).toBe('Will be requested as: xn--bcher-kva.example, www.example.com');
    expect(normalisationNote('a.example, b.example', ['a.example', 'b.example'], t)).toBeUndefined();
  });

  it('name each step and number it for the counter', () => {
    expect(stepTitle('domains', t)).toBe('Create CSR: domains');
    expect(stepTitle('subject', t)).toBe('Create CSR: subject (optional)');
    expect(CSR_WIZARD_STEPS.map(stepNumber)).toEqual([1, 2, 3, 4]);
  });
});
