import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateChain } from '@acmapi/core';
import { makeTempDir, runOpenssl } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { existingCertificateDecision } from './existing-certificate.js';

const DAY = 86_400_000;
let temp: TempDir;
let certPem: string;
let notBefore: Date;
let notAfter: Date;

beforeAll(async () => {
  // A 90-day certificate made by openssl (an independent peer), naming two domains.
  temp = await makeTempDir('acmapi-action-renewal-');
  const out = join(temp.path, 'cert.pem');
  await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(temp.path, 'key.pem'), '-out', out, '-days', '90', '-subj', '/CN=example.test', '-addext', 'subjectAltName=DNS:example.test,DNS:www.example.test']);
  certPem = (await runOpenssl(['x509', '-in', out])).stdout;
  ({ notBefore, notAfter } = parseCertificateChain(certPem).leaf);
});
afterAll(async () => {
  await temp.cleanup();
});

const at = (daysAfterIssue: number): Date => new Date(notBefore.getTime() + daysAfterIssue * DAY);

describe('existingCertificateDecision', () => {
  it('without renew-before-days, is due when less than a third of the lifetime is left (core needsRenewal)', () => {
    const early = existingCertificateDecision(certPem, ['example.test'], undefined, at(10));
    expect(early).toMatchObject({ due: false, notAfter, serial: expect.stringMatching(/^[0-9a-f]+$/) as string });
    expect(early.reason).toMatch(/valid for 80 more days; renewal is due from .* \(less than a third of its lifetime left\)/);
    const late = existingCertificateDecision(certPem, ['example.test', 'www.example.test'], undefined, at(61));
    expect(late).toMatchObject({ due: true, reason: 'the existing certificate expires in 29 days (less than a third of its lifetime left)' });
  });

  it('honours renew-before-days either way', () => {
    expect(existingCertificateDecision(certPem, ['example.test'], 5, at(61)).due).toBe(false);
    expect(existingCertificateDecision(certPem, ['example.test'], 85, at(10))).toMatchObject({ due: true, reason: 'the existing certificate expires in 80 days (renew-before-days 85)' });
    expect(existingCertificateDecision(certPem, ['example.test'], 0, new Date(notAfter.getTime() + DAY))).toMatchObject({ due: true, reason: `the existing certificate expired on ${notAfter.toISOString()}` });
  });

  it('is due when a requested domain is missing, or the file does not parse', () => {
    expect(existingCertificateDecision(certPem, ['example.test', 'api.example.test'], 30, at(1))).toMatchObject({ due: true, reason: 'the existing certificate does not name api.example.test' });
    expect(existingCertificateDecision('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', ['example.test'], 30, at(1))).toEqual({ due: true, reason: 'the existing certificate does not parse' });
  });
});
