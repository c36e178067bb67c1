import { CaError, CertificateError, ConfigError, CsrError, DeployError, DomainError, InternalError, OptionsError, PreflightError, ProtocolError, ReportError, StoreError, TransportError } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { LocalIoError, UsageError } from '../flags/cli-errors.js';
import { exitCodeFor } from './exit-code-for.js';
import { EXIT_CODES } from './exit-codes.js';

describe('exitCodeFor', () => {
  it('maps CA statuses 101–110 to 4 and 111 to 5', () => {
    for (const status of [101, 102, 103, 104, 105, 106, 107, 108, 109, 110] as const) {
      expect(exitCodeFor(new CaError(status))).toBe(EXIT_CODES.REJECTED);
    }
    expect(exitCodeFor(new CaError(111))).toBe(EXIT_CODES.UNAVAILABLE);
  });

  it('maps local rejections, transport, protocol, certificate, I/O and usage errors', () => {
    expect(exitCodeFor(new DomainError('DOMAIN_WILDCARD', 'x'))).toBe(4);
    expect(exitCodeFor(new CsrError('CSR_KEY_NOT_ALLOWED', 'x'))).toBe(4);
    expect(exitCodeFor(new CsrError('KEY_CSR_MISMATCH', 'x'))).toBe(2);
    expect(exitCodeFor(new CsrError('KEY_REQUIRED', 'x'))).toBe(2);
    expect(exitCodeFor(new TransportError('TRANSPORT_TIMEOUT', 'x'))).toBe(5);
    expect(exitCodeFor(new ProtocolError('PROTOCOL_NOT_JSON', 'x'))).toBe(6);
    expect(exitCodeFor(new CertificateError('CERT_KEY_MISMATCH', 'x'))).toBe(6);
    expect(exitCodeFor(new LocalIoError('write', '/x', Object.assign(new Error('e'), { code: 'EACCES' })))).toBe(7);
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new PreflightError('x', ['a.test']))).toBe(8);
    expect(exitCodeFor(new DeployError('DEPLOY_LOCKED', 'x'))).toBe(7);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });

  it('maps store and project-file errors: locked 9, damaged store 7, the rest usage 2', () => {
    expect(exitCodeFor(new StoreError('STORE_LOCKED', 'x'))).toBe(EXIT_CODES.LOCKED);
    expect(exitCodeFor(new StoreError('STORE_CORRUPT', 'x'))).toBe(EXIT_CODES.LOCAL_IO);
    expect(exitCodeFor(new StoreError('STORE_IO', 'x'))).toBe(EXIT_CODES.LOCAL_IO);
    expect(exitCodeFor(new StoreError('STORE_PENDING_EXISTS', 'x'))).toBe(EXIT_CODES.USAGE);
    expect(exitCodeFor(new StoreError('STORE_NAME_INVALID', 'x'))).toBe(EXIT_CODES.USAGE);
    expect(exitCodeFor(new ConfigError('CONFIG_INVALID', 'x'))).toBe(EXIT_CODES.USAGE);
    expect(exitCodeFor(new OptionsError('x', { option: 'signfile' }))).toBe(EXIT_CODES.USAGE);
  });

  it('maps an error of a second copy of @acmapi/core by its name and code, and INTERNAL to 1', () => {
    expect(exitCodeFor({ name: 'StoreError', code: 'STORE_LOCKED', message: 'x' })).toBe(EXIT_CODES.LOCKED);
    expect(exitCodeFor({ name: 'CaError', code: 'CA_UNKNOWN_ERROR', message: 'x' })).toBe(EXIT_CODES.UNAVAILABLE);
    expect(exitCodeFor({ name: 'PreflightError', code: 'PREFLIGHT_FAILED', message: 'x' })).toBe(EXIT_CODES.PREFLIGHT_FAILED);
    expect(exitCodeFor(new InternalError('x'))).toBe(EXIT_CODES.UNEXPECTED);
  });

  it('maps a failed deploy step (install targets, hooks) and a failed report to 10, the webroot\'s deploy errors to 7', () => {
    for (const code of ['DEPLOY_HOOK_FAILED', 'DEPLOY_INSTALL_FAILED', 'DEPLOY_KEY_MISSING', 'DEPLOY_OWNER_UNKNOWN'] as const) {
      expect(exitCodeFor(new DeployError(code, 'x')), code).toBe(EXIT_CODES.DEPLOY_FAILED);
    }
    expect(exitCodeFor(new ReportError('METRICS_WRITE_FAILED', 'x'))).toBe(10);
    expect(exitCodeFor(new DeployError('DEPLOY_FAILED', 'x'))).toBe(EXIT_CODES.LOCAL_IO);
  });

  it('has distinct codes', () => {
    const values = Object.values(EXIT_CODES);
    expect(new Set(values).size).toBe(values.length);
  });
});
