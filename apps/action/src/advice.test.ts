import {
  CA_ERRORS,
  CaError,
  ERROR_CODES,
  InternalError,
  OptionsError,
  PreflightError,
  StoreError,
  TransportError,
  type AcmApiError,
  type AcmApiErrorName,
} from '@acmapi/core';
import { describeFailure } from '@acmapi/core/preflight';
import { describe, expect, it } from 'vitest';
import { adviceFor, describeAcmApiError, preflightFailureAdvice } from './advice.js';

/** The Action's own words: one of its inputs, the workflow, the runner. */
const ACTION_WORDS = /\b(customer-id|auth-token|endpoint|ca-file|csr|private-key|key-type|domains|preflight|wait|config|path|name|certificates) input\b|input preflight: warn|\bworkflow\b|\brunner('s)?\b/;
/** Words of the CLI that would mislead a workflow author: a long flag, an acmapi variable, an acmapi command. */
const CLI_WORDS = /--[a-z]|ACMAPI_[A-Z]|\bacmapi (issue|renew|retrieve|list|check)\b/;

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

describe('adviceFor (the Action\'s words)', () => {
  it.each(EVERY_CODE)('%s %s gets advice, none in the CLI\'s words', (name, code) => {
    const advice = adviceFor(withCode(name, code)) ?? '';
    expect(advice.length).toBeGreaterThan(10);
    expect(advice).not.toMatch(CLI_WORDS);
  });

  it.each(Object.values(CA_ERRORS).map((info) => [info.status, info.code] as const))('CA %i (%s): advice names an input, the workflow or the runner', (_status, code) => {
    const error = withCode('CaError', code);
    expect(adviceFor(error)).toMatch(ACTION_WORDS);
    expect(adviceFor(error)).not.toBe(error.hint);
  });

  it.each([
    ['CaError', 'CA_CUSTOMER_ID_REJECTED', 'customer-id input'],
    ['CaError', 'CA_AUTH_TOKEN_REJECTED', 'auth-token input'],
    ['CaError', 'CA_DOMAIN_VERIFY_FAILED', 'http://a.test/.well-known/pki-validation/'],
    ['TransportError', 'TRANSPORT_TLS', 'ca-file input'],
    ['TransportError', 'TRANSPORT_TIMEOUT', 're-run the workflow'],
    ['TransportError', 'TRANSPORT_REFUSED', 'endpoint input'],
    ['TransportError', 'TRANSPORT_DNS', 'endpoint input'],
    ['StoreError', 'STORE_LOCKED', 'concurrency group'],
    ['StoreError', 'STORE_PENDING_EXISTS', 'wait input'],
    ['StoreError', 'STORE_KEY_NOT_KEPT', 'Set the key-passphrase input'],
    ['StoreError', 'STORE_KEY_MISSING', 'key-passphrase input'],
    ['PreflightError', 'PREFLIGHT_FAILED', 'preflight: warn'],
    ['ConfigError', 'CONFIG_INVALID', 'auth-token input'],
  ] as const)('%s %s names %s', (name, code, words) => {
    expect(adviceFor(withCode(name, code))).toContain(words);
  });

  it('an option error keeps core\'s hint; a code this Action does not know falls back to it', () => {
    expect(adviceFor(new OptionsError('m', { hint: 'Give a number.' }))).toBe('Give a number.');
    expect(adviceFor(Object.assign(new InternalError('m', { hint: 'Neutral.' }), { code: 'SOMETHING_NEW' }))).toBe('Neutral.');
  });

  it('a preflight remedy in the Action\'s words: no DNS override input, so preflight: warn', () => {
    const dns = describeFailure({ kind: 'dns-no-such-name', domain: 'a.test', code: 'ENOTFOUND' });
    expect(preflightFailureAdvice(dns)).toContain('preflight: warn');
    expect(preflightFailureAdvice(dns)).not.toMatch(CLI_WORDS);
    const iis = describeFailure({ kind: 'http-status', domain: 'a.test', status: 404, server: 'Microsoft-IIS/10.0' });
    expect(preflightFailureAdvice(iis)).toBe(iis.hint);
  });
});

describe('describeAcmApiError', () => {
  it('core\'s message (facts), then the Action\'s advice', () => {
    expect(describeAcmApiError(new CaError(102))).toBe(`The CA answered 102 (auth_token error). ${adviceFor(new CaError(102)) ?? ''}`);
  });

  it('puts the advice on its own line after a message of several lines', () => {
    const error = new PreflightError('The signfile preflight failed for a.test, so nothing was sent to the CA (mode strict):\n- a.test does not exist in DNS.', ['a.test']);
    expect(describeAcmApiError(error).split('\n').at(-1)).toBe(adviceFor(error));
  });

  it('a transport failure reads as one sentence pair', () => {
    const error = new TransportError('TRANSPORT_TLS', 'The TLS connection to https://acmapi.example/ failed (SELF_SIGNED_CERT_IN_CHAIN: x).');
    expect(describeAcmApiError(error)).toContain('failed (SELF_SIGNED_CERT_IN_CHAIN: x). Check the endpoint input');
  });

  it('a pending application of a store names no CLI command', () => {
    expect(describeAcmApiError(new StoreError('STORE_PENDING_EXISTS', 'm', { handleId: 'h-1' }))).not.toMatch(CLI_WORDS);
  });

  it('TRANSPORT_TLS through a proxy: names the proxy and how to trust its CA', () => {
    const error = new TransportError('TRANSPORT_TLS', 'The TLS connection to https://acmapi.example/ through the proxy http://proxy.corp:3128 failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE: x).', { proxy: 'http://proxy.corp:3128' });
    expect(describeAcmApiError(error)).toMatch(/runner's proxy http:\/\/proxy\.corp:3128 .*ca-file input.*NODE_EXTRA_CA_CERTS.*NO_PROXY/);
  });
});

