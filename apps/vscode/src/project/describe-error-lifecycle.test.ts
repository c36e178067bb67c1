import { describe, expect, it } from 'vitest';
import { CaError, checkKeySource, checkSignfilePhase, generateKeyAndCsr, PreflightError } from '@acmapi/core';
import { formatMessage } from '../l10n/localize.js';
import { describeError } from './advice.js';
import { ExtensionError } from './extension-error.js';

/** What `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('describeError for the lifecycle\'s errors', () => {
  it('names acmapi.json\'s "key" field for core\'s KEY_REQUIRED (a CSR without its private key)', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['example.test'], keyType: 'ec-p256' });
    const error = thrown(() => {
      checkKeySource({ kind: 'csr', csrPem }, { domains: ['example.test'], requirePrivateKey: true });
    });
    const text = describeError(error, formatMessage);
    expect(text).toContain('"key"');
    expect(text).toContain('privkey.pem');
    expect(text).toMatch(/\[KEY_REQUIRED\]$/);
  });

  it('says which domains failed a strict preflight and that nothing was sent', () => {
    const text = describeError(new PreflightError('The signfile check failed for a.example.test, b.example.test.', ['a.example.test', 'b.example.test']), formatMessage);
    expect(text).toContain('a.example.test, b.example.test');
    expect(text).toContain('acmapi.preflight.mode');
    expect(text).toMatch(/\[PREFLIGHT_FAILED\]$/);
  });

  it('points a strict preflight without a signfile at signfile.path and the mode setting', () => {
    const error = thrown(() => {
      checkSignfilePhase({ preflight: 'strict' });
    });
    const text = describeError(error, formatMessage);
    expect(text).toContain('signfile.path');
    expect(text).toContain('acmapi.preflight.mode');
    expect(text).toMatch(/\[OPTIONS_INVALID\]$/);
  });

  it('says what the CA answered in the extension\'s own (localisable) sentence, the advice and the code', () => {
    const error = new CaError(109);
    const text = describeError(error, formatMessage);
    expect(text.startsWith('The CA answered 109: refused by the CA.')).toBe(true);
    expect(text).toMatch(/\[CA_REFUSED\]$/);
  });

  it('shows the extension\'s own errors with what to do', () => {
    expect(describeError(new ExtensionError('AUTH_TOKEN_MISSING', 'No auth token.', 'Set one.'), formatMessage)).toBe('No auth token. Set one.');
    expect(describeError(new Error('plain'), formatMessage)).toBe('plain');
    expect(describeError('text', formatMessage)).toBe('text');
  });
});
