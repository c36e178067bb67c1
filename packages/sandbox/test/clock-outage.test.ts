/**
 * The sandbox's injected clock (issued certificates dated by it, the CA valid across years of
 * it) and its outages, as a client sees them over HTTPS; dates checked with openssl.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '@acmapi/core';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr, openssl, withFiles } from './helpers/openssl.js';

const DAY_MS = 86_400_000;
const AUTH = { customer_id: 'demo', auth_token: 'demo-token', req_type: 'cert_apply' };
const started: Sandbox[] = [];

async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox({ validation: { enabled: false }, ...options });
  started.push(sandbox);
  return sandbox;
}

afterEach(async () => {
  for (const sandbox of started.splice(0)) {
    await closeAgent(sandbox);
    await sandbox.close();
  }
});

/** openssl's `-dates` of a PEM certificate as Dates. */
async function datesOf(pem: string): Promise<{ notBefore: Date; notAfter: Date }> {
  return withFiles({ 'cert.pem': pem }, async (path) => {
    const text = await openssl(['x509', '-in', path('cert.pem'), '-noout', '-dates']);
    const field = (name: string): Date => new Date(/^(\w+)=(.+)$/m.exec(text.split('\n').find((line) => line.startsWith(name)) ?? '')?.[2] ?? 'invalid');
    return { notBefore: field('notBefore'), notAfter: field('notAfter') };
  });
}

function firstCertificate(bundle: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(bundle);
  if (match === null) throw new Error('no certificate in the answer');
  return match[0];
}

describe('now: the CA clock', () => {
  it('dates issued certificates by the injected clock, and its CA certificates stay valid across two simulated years', async () => {
    let now = new Date(Date.now() + 400 * DAY_MS);
    const sandbox = await sandboxWith({ now: () => now, validityDays: 90, backdateSeconds: 60 });
    const apply = async (domain: string): Promise<string> => {
      const { csrPem } = await makeCsr({ domains: [domain] });
      const answer = await api(sandbox, { ...AUTH, domain_name: [domain], csr: csrPem });
      expect(answer.json['status']).toBe(0);
      return String(answer.json['certificate']);
    };
    const first = await datesOf(firstCertificate(await apply('clock-1.example.test')));
    expect(first.notBefore.getTime()).toBe(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
    expect(first.notAfter.getTime()).toBe(Math.floor((now.getTime() + 90 * DAY_MS) / 1000) * 1000);
    expect(sandbox.applications().at(-1)?.issuedAt).toEqual(now);

    now = new Date(now.getTime() + 2 * 365 * DAY_MS);
    const bundle = await apply('clock-2.example.test');
    const later = await datesOf(firstCertificate(bundle));
    expect(later.notAfter.getTime()).toBe(Math.floor((now.getTime() + 90 * DAY_MS) / 1000) * 1000);
    expect(sandbox.requests.at(-1)?.at).toEqual(now);
    // openssl checks the whole chain at the last simulated moment the certificate lives.
    await withFiles({ 'root.pem': sandbox.caCertificates.rootPem, 'intermediate.pem': sandbox.caCertificates.intermediatePem, 'leaf.pem': firstCertificate(bundle) }, async (path) => {
      const attime = String(Math.floor(later.notAfter.getTime() / 1000) - 1);
      expect(await openssl(['verify', '-attime', attime, '-CAfile', path('root.pem'), '-untrusted', path('intermediate.pem'), path('leaf.pem')])).toContain('OK');
      // ... and the intermediate already at the real now (the HTTPS certificate chains to it).
      const realNow = String(Math.floor(Date.now() / 1000));
      expect(await openssl(['verify', '-attime', realNow, '-CAfile', path('root.pem'), path('intermediate.pem')])).toContain('OK');
    });
  });

  it('is programmatic only: a configuration value that is not a function is refused', async () => {
    await expect(startSandbox({ now: '2030-01-01' as unknown as () => Date })).rejects.toMatchObject({ code: 'OPTIONS_INVALID', message: expect.stringContaining('options.now') as unknown });
  });
});

describe('setOutage', () => {
  it('http-503: every request gets HTTP 503 with Retry-After, the client reports the CA unavailable (TRANSPORT_FAILED), and service resumes', async () => {
    const sandbox = await sandboxWith({});
    sandbox.setOutage('http-503');
    const answer = await api(sandbox, { ...AUTH, domain_name: ['outage.example.test'], csr: 'x' });
    expect(answer.httpStatus).toBe(503);
    expect(answer.headers['retry-after']).toBe('3600');
    expect(answer.text).toContain('503 Service Temporarily Unavailable');
    const client = new AcmApiClient({ customerId: 'demo', authToken: 'demo-token', endpoint: sandbox.url, ca: sandbox.caBundlePem, retries: 0 });
    try {
      const { csrPem } = await makeCsr({ domains: ['outage.example.test'] });
      await expect(client.apply({ domains: ['outage.example.test'], csr: csrPem })).rejects.toMatchObject({ code: 'TRANSPORT_FAILED', httpStatus: 503 });
      expect(sandbox.requests).toHaveLength(0);
      expect(sandbox.outageRejections).toBe(2);
      sandbox.setOutage(false);
      await expect(client.apply({ domains: ['outage.example.test'], csr: csrPem })).resolves.toMatchObject({ status: 'issued' });
      expect(sandbox.requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('connection-reset: the connection closes without an answer, a transport failure before any answer', async () => {
    const sandbox = await sandboxWith({});
    sandbox.setOutage('connection-reset');
    const client = new AcmApiClient({ customerId: 'demo', authToken: 'demo-token', endpoint: sandbox.url, ca: sandbox.caBundlePem, retries: 0 });
    try {
      const { csrPem } = await makeCsr({ domains: ['reset.example.test'] });
      await expect(client.apply({ domains: ['reset.example.test'], csr: csrPem })).rejects.toMatchObject({ name: 'TransportError', answered: false });
      expect(sandbox.outageRejections).toBe(1);
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      await client.close();
    }
  });
});
