import {
  CA_ERRORS,
  CaError,
  CertificateError,
  ConfigError,
  CsrError,
  DeployError,
  DomainError,
  ERROR_CODES,
  InternalError,
  OptionsError,
  PreflightError,
  ProtocolError,
  StoreError,
  ReportError,
  TransportError,
  type AcmApiError,
  type AcmApiErrorName,
} from '@acmapi/core';
import { describeFailure } from '@acmapi/core/preflight';
import { describe, expect, it } from 'vitest';
import { adviceFor, preflightFailureAdvice } from './advice.js';
import { describeError } from './describe-error.js';

/** The CLI's own words: a long flag, an environment variable of acmapi, an acmapi command. */
const CLI_WORDS = /--[a-z]|ACMAPI_[A-Z]|\bacmapi (issue|renew|retrieve|list|check)\b/;

/** An error of class `name` with `code`, as core throws it. */
function sample(name: AcmApiErrorName, code: string): AcmApiError {
  const c = code as never;
  switch (name) {
    case 'CaError': {
      const info = Object.values(CA_ERRORS).find((entry) => entry.code === code);
      if (info === undefined) throw new Error(`no CA status for ${code}`);
      return new CaError(info.status, info.status === 107 ? 'a.test' : undefined);
    }
    case 'TransportError':
      return new TransportError(c, 'm', { phase: 'deadline' });
    case 'ProtocolError':
      return new ProtocolError(c, 'm');
    case 'DomainError':
      return new DomainError(c, 'm');
    case 'CsrError':
      return new CsrError(c, 'm');
    case 'CertificateError':
      return new CertificateError(c, 'm');
    case 'OptionsError':
      return new OptionsError('m');
    case 'PreflightError':
      return new PreflightError('m', ['a.test']);
    case 'DeployError':
      return new DeployError(c, 'm');
    case 'StoreError':
      return new StoreError(c, 'm');
    case 'ConfigError':
      return new ConfigError(c, 'm');
    case 'ReportError':
      return new ReportError(c, 'm');
    case 'InternalError':
      return new InternalError('m');
  }
}

const EVERY_CODE = (Object.entries(ERROR_CODES) as [AcmApiErrorName, readonly string[]][]).flatMap(([name, codes]) => codes.map((code) => [name, code] as const));

describe('adviceFor (the CLI\'s words)', () => {
  it.each(EVERY_CODE)('%s %s gets advice', (name, code) => {
    expect(adviceFor(sample(name, code))?.length ?? 0).toBeGreaterThan(20);
  });

  it.each(Object.values(CA_ERRORS).map((info) => [info.status, info.code] as const))('CA %i (%s): advice in the CLI\'s words, not core\'s neutral hint', (status, code) => {
    const error = sample('CaError', code);
    const advice = adviceFor(error) ?? '';
    expect(advice).toMatch(CLI_WORDS);
    expect(advice).not.toBe(error.hint);
    expect(CA_ERRORS[status].hint).not.toMatch(CLI_WORDS);
  });

  it.each([
    ['CaError', 'CA_CUSTOMER_ID_REJECTED', '--customer-id or ACMAPI_CUSTOMER_ID'],
    ['CaError', 'CA_AUTH_TOKEN_REJECTED', '--auth-token or ACMAPI_AUTH_TOKEN'],
    ['CaError', 'CA_DOMAIN_VERIFY_FAILED', 'acmapi check -d a.test'],
    ['CaError', 'CA_UNKNOWN_ERROR', '--retries'],
    ['TransportError', 'TRANSPORT_TLS', '--ca-file or ACMAPI_CA_FILE'],
    ['TransportError', 'TRANSPORT_TIMEOUT', 'raise --timeout'],
    ['TransportError', 'TRANSPORT_REFUSED', '--endpoint'],
    ['TransportError', 'TRANSPORT_DNS', '--endpoint'],
    ['StoreError', 'STORE_LOCKED', '--lock-wait'],
    ['StoreError', 'STORE_PENDING_EXISTS', '--force'],
    ['StoreError', 'STORE_NAME_INVALID', '--name'],
    ['PreflightError', 'PREFLIGHT_FAILED', '--preflight warn'],
    ['DeployError', 'DEPLOY_FAILED', '--webroot'],
    ['ConfigError', 'CONFIG_NOT_FOUND', '--config'],
  ] as const)('%s %s names %s', (name, code, words) => {
    expect(adviceFor(sample(name, code))).toContain(words);
  });

  it('a pending application: retrieve it by its handle, or --force', () => {
    const pending = new StoreError('STORE_PENDING_EXISTS', 'm', { certificate: 'shop', handleId: 'h-7' });
    expect(adviceFor(pending)).toContain('acmapi retrieve h-7');
    const prepared = new StoreError('STORE_PENDING_EXISTS', 'm', { certificate: 'shop' });
    expect(adviceFor(prepared)).toContain('acmapi renew shop');
    expect(adviceFor(prepared)).toContain('--force');
  });

  it('a TLS failure names --ca-file; a timeout by phase names --timeout only where it helps', () => {
    expect(adviceFor(new TransportError('TRANSPORT_TIMEOUT', 'm', { phase: 'headers' }))).toContain('--timeout');
    expect(adviceFor(new TransportError('TRANSPORT_TIMEOUT', 'm', { phase: 'connect' }))).not.toContain('--timeout');
  });

  it('a strict preflight: each failure with the CLI\'s remedy (--resolve, --iis), then --preflight warn', () => {
    const dns = describeFailure({ kind: 'dns-no-such-name', domain: 'a.test', code: 'ENOTFOUND' });
    const iis = describeFailure({ kind: 'http-status', domain: 'b.test', status: 404, server: 'Microsoft-IIS/10.0' });
    const plain = describeFailure({ kind: 'connection-refused', domain: 'c.test' });
    const error = new PreflightError('m', ['a.test', 'b.test', 'c.test'], {
      failures: [
        { domain: 'a.test', failure: dns },
        { domain: 'b.test', failure: iis },
        { domain: 'c.test', failure: plain },
      ],
    });
    const lines = (adviceFor(error) ?? '').split('\n');
    expect(lines[0]).toBe('a.test: Create the A/AAAA records for the domain (or fix its spelling); for split-horizon DNS pass --resolve DOMAIN:ADDRESS.');
    expect(lines[1]).toContain('b.test: IIS serves no file without an extension by default: run with --iis');
    expect(lines[2]).toBe(`c.test: ${plain.hint}`);
    expect(lines[3]).toContain('--preflight warn');
    expect(preflightFailureAdvice('c.test', plain)).toBe(plain.hint);
  });

  it('a bad DNS override names --resolve', () => {
    expect(adviceFor(new OptionsError('m', { option: 'resolve' }))).toContain('--resolve DOMAIN:ADDRESS');
    expect(adviceFor(new OptionsError('m', { option: 'days', hint: 'Give a number.' }))).toBe('Give a number.');
  });

  it('a code this CLI does not know (a newer core) falls back to core\'s neutral hint', () => {
    const newer = Object.assign(new InternalError('m', { hint: 'Neutral words.' }), { code: 'SOMETHING_NEW' });
    expect(adviceFor(newer)).toBe('Neutral words.');
  });
});

describe('describeError', () => {
  it('keeps the CA\'s message as it is and gives the CLI\'s advice as the hint', () => {
    const described = describeError(new CaError(102));
    expect(described).toStrictEqual({
      code: 'CA_AUTH_TOKEN_REJECTED',
      status: 102,
      message: 'The CA answered 102 (auth_token error).',
      hint: adviceFor(new CaError(102)),
      retryable: false,
    });
  });

  it('carries the domain of 107 and the handle of a pending application', () => {
    expect(describeError(new CaError(107, 'a.test'))).toMatchObject({ status: 107, domain: 'a.test' });
    expect(describeError(new StoreError('STORE_PENDING_EXISTS', 'm', { handleId: 'h-7' }))).toMatchObject({ handleId: 'h-7', retryable: false });
  });

  it('recognises an error of a second copy of @acmapi/core by its name and code', () => {
    class CopiedCaError extends Error {
      override name = 'CaError';
      readonly code = 'CA_REFUSED';
      readonly status = 109;
      readonly retryable = false;
    }
    expect(describeError(new CopiedCaError('The CA answered 109 (refused).'))).toMatchObject({ code: 'CA_REFUSED', status: 109, hint: adviceFor(new CaError(109)) });
  });
});
