import { readFileSync } from 'node:fs';
import {
  CA_ERRORS,
  CaError,
  ERROR_CODES,
  InternalError,
  OptionsError,
  StoreError,
  TransportError,
  type AcmApiError,
  type AcmApiErrorName,
} from '@acmapi/core';
import { describeFailure } from '@acmapi/core/preflight';
import { describe, expect, it } from 'vitest';
import { formatMessage, type Localize } from '../l10n/localize.js';
import { adviceFor, describeError, preflightFailureAdvice } from './advice.js';
import { ExtensionError } from './extension-error.js';

/** Words of the CLI that would mislead a user of the editor: a long flag, an acmapi variable, an acmapi command. */
const CLI_WORDS = /--[a-z]|ACMAPI_[A-Z]|\bacmapi (issue|renew|retrieve|list|check)\b/;

/** A `t` that marks what went through it, so a test sees which words are the extension's (localisable) own. */
const marked: Localize = (message, ...args) => `⟦${formatMessage(message, ...args)}⟧`;

const zhBundle = JSON.parse(readFileSync(new URL('../../l10n/bundle.l10n.zh-cn.json', import.meta.url), 'utf8')) as Record<string, string>;
/** The Simplified Chinese bundle, as `vscode.l10n.t` reads it in a zh-cn window. */
const zh: Localize = (message, ...args) => formatMessage(zhBundle[message] ?? message, ...args);

/** An error with `code`, as the duck-typed guards see it: name and code, and the fields advice may read. */
function withCode(name: AcmApiErrorName, code: string): AcmApiError {
  if (name === 'CaError') {
    const info = Object.values(CA_ERRORS).find((entry) => entry.code === code);
    if (info === undefined) throw new Error(`no CA status for ${code}`);
    return new CaError(info.status, info.status === 107 ? 'a.test' : undefined);
  }
  return Object.assign(new InternalError('m', { hint: 'Core\'s neutral hint.' }), { name, code });
}

const EVERY_CODE = (Object.entries(ERROR_CODES) as [AcmApiErrorName, readonly string[]][]).flatMap(([name, codes]) => codes.map((code) => [name, code] as const));
/**
 * Codes whose advice is core's neutral hint: the webroot's (the extension deploys no signfile),
 * an option's (the hint names its rule), and those the extension never meets (it deletes no
 * certificate, writes no metrics file, sends no notification, and its store keeps every key
 * it generates: the key codes are the Action folder's).
 */
const CORE_HINT_CODES: readonly string[] = [...ERROR_CODES.DeployError, ...ERROR_CODES.ReportError, 'OPTIONS_INVALID', 'STORE_NOT_FOUND', 'STORE_KEY_NOT_KEPT', 'STORE_KEY_MISSING'];

describe('adviceFor (the extension\'s words)', () => {
  it.each(EVERY_CODE)('%s %s gets advice, none in the CLI\'s words', (name, code) => {
    const advice = adviceFor(withCode(name, code), marked) ?? '';
    expect(advice.length).toBeGreaterThan(10);
    expect(advice).not.toMatch(CLI_WORDS);
    if (!CORE_HINT_CODES.includes(code)) expect(advice).toMatch(/^⟦.*⟧$/s);
  });

  it.each(Object.values(CA_ERRORS).map((info) => [info.status, info.code] as const))('CA %i (%s): localised advice, translated into Simplified Chinese', (_status, code) => {
    const error = withCode('CaError', code);
    expect(adviceFor(error, marked)).toMatch(/^⟦.*⟧$/s);
    const chinese = adviceFor(error, zh) ?? '';
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(chinese).not.toBe(adviceFor(error, formatMessage));
  });

  it.each([
    ['CaError', 'CA_CUSTOMER_ID_REJECTED', '"customerId" in acmapi.json'],
    ['CaError', 'CA_AUTH_TOKEN_REJECTED', '"acmapi: Set Auth Token"'],
    ['CaError', 'CA_DOMAIN_VERIFY_FAILED', 'signfile of a.test: run "acmapi: Check Signfile"'],
    ['TransportError', 'TRANSPORT_TLS', 'set acmapi.caFile'],
    ['TransportError', 'TRANSPORT_TIMEOUT', '"endpoint" in acmapi.json'],
    ['TransportError', 'TRANSPORT_REFUSED', '"endpoint" in acmapi.json'],
    ['TransportError', 'TRANSPORT_DNS', '"endpoint" in acmapi.json'],
    ['StoreError', 'STORE_LOCKED', 'another window'],
    ['PreflightError', 'PREFLIGHT_FAILED', 'acmapi.preflight.mode'],
    ['ConfigError', 'CONFIG_NOT_FOUND', '"acmapi: Create acmapi.json"'],
  ] as const)('%s %s names %s', (name, code, words) => {
    expect(adviceFor(withCode(name, code), formatMessage)).toContain(words);
  });

  it('a pending application: the Retrieve Pending command, with its handle', () => {
    expect(adviceFor(new StoreError('STORE_PENDING_EXISTS', 'm', { handleId: 'h-7' }), formatMessage)).toContain('Application h-7 is pending at the CA: run "acmapi: Retrieve Pending"');
  });

  it('a bad DNS override names the setting acmapi.preflight.resolve', () => {
    expect(adviceFor(new OptionsError('m', { option: 'resolve' }), formatMessage)).toContain('acmapi.preflight.resolve');
    expect(adviceFor(new OptionsError('m', { option: 'days', hint: 'Give a number.' }), formatMessage)).toBe('Give a number.');
  });

  it('a code this extension does not know (a newer core) falls back to core\'s neutral hint', () => {
    expect(adviceFor(Object.assign(new InternalError('m', { hint: 'Neutral.' }), { code: 'SOMETHING_NEW' }), marked)).toBe('Neutral.');
  });

  it('a domain missing from DNS: the setting acmapi.preflight.resolve; an IIS 404 keeps core\'s hint', () => {
    const dns = describeFailure({ kind: 'dns-no-such-name', domain: 'a.test', code: 'ENOTFOUND' });
    expect(preflightFailureAdvice(dns, formatMessage)).toContain('acmapi.preflight.resolve');
    const iis = describeFailure({ kind: 'http-status', domain: 'a.test', status: 404, server: 'Microsoft-IIS/10.0' });
    expect(preflightFailureAdvice(iis, marked)).toBe(iis.hint);
  });
});

describe('describeError', () => {
  it('core\'s message, the extension\'s advice, the code', () => {
    const error = new TransportError('TRANSPORT_TLS', 'The TLS connection to https://acmapi.example/ failed (SELF_SIGNED_CERT_IN_CHAIN: x).');
    expect(describeError(error, formatMessage)).toBe(`${error.message} ${adviceFor(error, formatMessage) ?? ''} [TRANSPORT_TLS]`);
  });

  it('an error of a second copy of @acmapi/core is described by its code', () => {
    const copy = Object.assign(new Error('The CA answered 102 (auth_token error).'), { name: 'CaError', code: 'CA_AUTH_TOKEN_REJECTED' });
    expect(describeError(copy, formatMessage)).toContain('"acmapi: Set Auth Token"');
  });

  it('the extension\'s own errors and anything else', () => {
    expect(describeError(new ExtensionError('AUTH_TOKEN_MISSING', 'No auth token.', 'Set one.'), formatMessage)).toBe('No auth token. Set one.');
    expect(describeError(new Error('boom'), formatMessage)).toBe('boom');
  });

  it('TRANSPORT_TLS through a proxy names the proxy and how to trust its CA', () => {
    const error = new TransportError('TRANSPORT_TLS', 'The TLS connection to https://acmapi.example/ through the proxy http://proxy.corp:3128 failed (x).', { proxy: 'http://proxy.corp:3128' });
    expect(adviceFor(error, formatMessage)).toMatch(/proxy http:\/\/proxy\.corp:3128 .*acmapi\.caFile.*NO_PROXY/);
  });
});

