import { CaError, CertificateError, CsrError, DeployError, DomainError, PreflightError, ProtocolError, TransportError } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { LocalIoError, UsageError } from './cli-errors.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';

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
    expect(exitCodeFor(new TransportError('TRANSPORT_TIMEOUT', 'x'))).toBe(5);
    expect(exitCodeFor(new ProtocolError('PROTOCOL_NOT_JSON', 'x'))).toBe(6);
    expect(exitCodeFor(new CertificateError('CERT_KEY_MISMATCH', 'x'))).toBe(6);
    expect(exitCodeFor(new LocalIoError('write', '/x', Object.assign(new Error('e'), { code: 'EACCES' })))).toBe(7);
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new PreflightError('x', ['a.test']))).toBe(8);
    expect(exitCodeFor(new DeployError('DEPLOY_LOCKED', 'x'))).toBe(7);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });

  it('has distinct codes', () => {
    const values = Object.values(EXIT_CODES);
    expect(new Set(values).size).toBe(values.length);
  });
});
