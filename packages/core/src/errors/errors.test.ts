import { describe, expect, it } from 'vitest';
import {
  AcmApiError,
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
  ReportError,
  StoreError,
  TransportError,
  isAcmApiError,
  isCaError,
  isCertificateError,
  isConfigError,
  isCsrError,
  isDeployError,
  isDomainError,
  isInternalError,
  isOptionsError,
  isPreflightError,
  isProtocolError,
  isReportError,
  isStoreError,
  isTransportError,
  type AcmApiErrorName,
  type CaErrorStatus,
} from './errors.js';

/** One instance of each class, with a code of its own. */
const SAMPLES: Readonly<Record<AcmApiErrorName, AcmApiError>> = {
  CaError: new CaError(109),
  TransportError: new TransportError('TRANSPORT_TIMEOUT', 'slow'),
  ProtocolError: new ProtocolError('PROTOCOL_NOT_JSON', 'html'),
  DomainError: new DomainError('DOMAIN_WILDCARD', 'wildcard'),
  CsrError: new CsrError('KEY_INVALID', 'bad key'),
  CertificateError: new CertificateError('CERT_EXPIRED', 'expired'),
  OptionsError: new OptionsError('bad option'),
  PreflightError: new PreflightError('failed', ['a.test']),
  DeployError: new DeployError('DEPLOY_LOCKED', 'locked'),
  StoreError: new StoreError('STORE_LOCKED', 'locked'),
  ConfigError: new ConfigError('CONFIG_INVALID', 'invalid'),
  ReportError: new ReportError('NOTIFY_FAILED', 'gave up', { endpoint: 'https://hooks.example', statusCode: 503, attempts: 4 }),
  InternalError: new InternalError('cannot happen'),
};

const GUARDS: Readonly<Record<AcmApiErrorName, (error: unknown) => boolean>> = {
  CaError: isCaError,
  TransportError: isTransportError,
  ProtocolError: isProtocolError,
  DomainError: isDomainError,
  CsrError: isCsrError,
  CertificateError: isCertificateError,
  OptionsError: isOptionsError,
  PreflightError: isPreflightError,
  DeployError: isDeployError,
  StoreError: isStoreError,
  ConfigError: isConfigError,
  ReportError: isReportError,
  InternalError: isInternalError,
};

const NAMES = Object.keys(ERROR_CODES) as AcmApiErrorName[];

/**
 * What an error of a second copy of @acmapi/core looks like here: another class (so
 * `instanceof` fails) with the same `name`, `code` and fields.
 */
function fromSecondCopy(original: AcmApiError): Error {
  class CopiedError extends Error {
    override name = original.name;
    readonly code = original.code;
    readonly hint = original.hint;
    readonly retryable = original.retryable;
  }
  return new CopiedError(original.message);
}

describe('error classes', () => {
  it('each sample carries its class name and one of its codes', () => {
    for (const name of NAMES) {
      const sample = SAMPLES[name];
      expect(sample.name).toBe(name);
      expect(ERROR_CODES[name] as readonly string[]).toContain(sample.code);
      expect(sample).toBeInstanceOf(AcmApiError);
    }
  });

  it('hint is optional and retryable defaults to false', () => {
    const plain = new DomainError('DOMAIN_EMPTY', 'empty');
    expect(plain.hint).toBeUndefined();
    expect(plain.retryable).toBe(false);
    const advised = new StoreError('STORE_LOCKED', 'locked', { hint: 'Wait.', retryable: true, certificate: 'shop', path: '/s/shop/.lock' });
    expect(advised).toMatchObject({ hint: 'Wait.', retryable: true, certificate: 'shop', path: '/s/shop/.lock' });
  });

  it('keeps the cause as the standard cause', () => {
    const cause = new Error('socket');
    expect(new TransportError('TRANSPORT_FAILED', 'failed', { cause }).cause).toBe(cause);
  });

  it('InternalError has code INTERNAL and says it is a bug', () => {
    const error = new InternalError('the plan skipped a certificate without a record.');
    expect(error.code).toBe('INTERNAL');
    expect(error.hint).toMatch(/bug/);
  });
});

describe('CaError', () => {
  it.each(Object.values(CA_ERRORS).map((info) => [info.status, info] as const))('%i: message states the status, hint and retryable come from CA_ERRORS', (status, info) => {
    const error = new CaError(status);
    expect(error.code).toBe(info.code);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`The CA answered ${status} (${info.sourceText}).`);
    expect(error.message).not.toContain(info.hint);
    expect(error.hint).toBe(info.hint);
    expect(error.retryable).toBe(status === 111);
  });

  it('107 names the domain; a retrieve keeps the handle', () => {
    const error = new CaError(107, 'a.test', { handleId: 'h-1' });
    expect(error.message).toBe('The CA answered 107 (domain verify error for a.test).');
    expect(error).toMatchObject({ domain: 'a.test', handleId: 'h-1' });
  });

  it('the statuses 101–111 are the table\'s keys, each with its own code', () => {
    const statuses = Object.keys(CA_ERRORS).map(Number) as CaErrorStatus[];
    expect(statuses).toStrictEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);
    expect(statuses.map((status) => CA_ERRORS[status].code)).toStrictEqual([...ERROR_CODES.CaError]);
  });
});

describe('type guards', () => {
  it.each(NAMES)('%s: its guard accepts its own instances and no other class', (name) => {
    for (const other of NAMES) expect(GUARDS[name](SAMPLES[other]), `${name} guard on ${other}`).toBe(other === name);
  });

  it.each(NAMES)('%s: its guard and isAcmApiError accept an error of a second copy of the package', (name) => {
    const copy = fromSecondCopy(SAMPLES[name]);
    expect(copy).not.toBeInstanceOf(AcmApiError);
    expect(GUARDS[name](copy)).toBe(true);
    expect(isAcmApiError(copy)).toBe(true);
    for (const other of NAMES.filter((candidate) => candidate !== name)) expect(GUARDS[other](copy)).toBe(false);
  });

  it.each(NAMES)('%s: its guard accepts a structural copy (a JSON round trip, as across a worker or a process)', (name) => {
    const copy: unknown = JSON.parse(JSON.stringify(SAMPLES[name]));
    expect(GUARDS[name](copy)).toBe(true);
    expect(isAcmApiError(copy)).toBe(true);
  });

  it('accepts every code of a class, and refuses a name with another class\'s code', () => {
    for (const name of NAMES) {
      for (const code of ERROR_CODES[name]) expect(GUARDS[name]({ name, code }), `${name} ${code}`).toBe(true);
    }
    expect(isCaError({ name: 'CaError', code: 'TRANSPORT_TIMEOUT' })).toBe(false);
    expect(isTransportError({ name: 'CaError', code: 'TRANSPORT_TIMEOUT' })).toBe(false);
    expect(isAcmApiError({ name: 'CaError', code: 'TRANSPORT_TIMEOUT' })).toBe(false);
  });

  it('refuses look-alikes: a bare Error, an unknown code, a missing name, non-objects', () => {
    for (const candidate of [
      new Error('x'),
      Object.assign(new Error('x'), { code: 'ENOENT' }),
      { name: 'StoreError', code: 'STORE_GONE' },
      { code: 'STORE_LOCKED' },
      { name: 'StoreError', code: 1 },
      'StoreError',
      undefined,
      null,
    ]) {
      expect(isAcmApiError(candidate)).toBe(false);
      expect(isStoreError(candidate)).toBe(false);
    }
  });
});
