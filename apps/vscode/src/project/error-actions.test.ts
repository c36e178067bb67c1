import { CaError, ConfigError, ERROR_CODES, OptionsError, TransportError, type AcmApiErrorName } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../l10n/localize.js';
import { fixActionsFor, fixActionTitle } from './error-actions.js';
import { ExtensionError } from './extension-error.js';
import { failurePhrase, signfileFailurePhrase } from './human-words.js';

describe('fixActionsFor (a button that fixes it)', () => {
  it.each([
    [new CaError(102), { kind: 'set-auth-token' }],
    [new ExtensionError('AUTH_TOKEN_MISSING', 'm', 'h'), { kind: 'set-auth-token' }],
    [new TransportError('TRANSPORT_TLS', 'm'), { kind: 'open-setting', setting: 'acmapi.caFile' }],
    [new CaError(107, 'a.test'), { kind: 'check-signfile', domain: 'a.test' }],
    [new OptionsError('m', { option: 'resolve' }), { kind: 'open-setting', setting: 'acmapi.preflight.resolve' }],
    [new CaError(101), { kind: 'open-config' }],
    [new TransportError('TRANSPORT_DNS', 'm'), { kind: 'open-config' }],
    [new ConfigError('CONFIG_NOT_FOUND', 'm'), { kind: 'create-config' }],
  ] as const)('%s: %o first, Show Output last', (error, first) => {
    const actions = fixActionsFor(error);
    expect(actions[0]).toEqual(first);
    expect(actions.at(-1)).toEqual({ kind: 'show-output' });
    expect(actions.length).toBeLessThanOrEqual(3);
  });

  it('anything else still offers the output', () => {
    expect(fixActionsFor(new Error('boom'))).toEqual([{ kind: 'show-output' }]);
    expect(fixActionsFor(undefined)).toEqual([{ kind: 'show-output' }]);
  });

  it('every action has words', () => {
    for (const action of [...fixActionsFor(new CaError(102)), ...fixActionsFor(new TransportError('TRANSPORT_TLS', 'm'))]) expect(fixActionTitle(action, formatMessage)).toMatch(/^[A-Z]/);
  });
});

describe('human phrases for the view (codes stay in tooltips)', () => {
  const codes = Object.values(ERROR_CODES as Record<AcmApiErrorName, readonly string[]>).flat();

  it.each(codes)('%s reads as words, not as the code', (code) => {
    const phrase = failurePhrase(code, formatMessage);
    expect(phrase).not.toContain(code);
    expect(phrase).not.toMatch(/[A-Z]{2,}_[A-Z]/);
    expect(phrase).not.toBe('an unexpected error');
  });

  it('the extension\'s own codes too; a code from a newer core gets a plain phrase', () => {
    expect(failurePhrase('AUTH_TOKEN_MISSING', formatMessage)).toBe('no auth token set');
    expect(failurePhrase('SOMETHING_NEW', formatMessage)).toBe('an unexpected error');
  });

  it('signfile failure kinds read as words', () => {
    expect(signfileFailurePhrase('dns-no-such-name', formatMessage)).toBe('the domain is not in DNS');
    expect(signfileFailurePhrase('content-mismatch', formatMessage)).toBe('another file is served there');
    expect(signfileFailurePhrase('from-a-newer-core', formatMessage)).toBe('the check failed');
  });
});
