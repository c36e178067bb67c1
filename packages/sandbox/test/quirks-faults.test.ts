/**
 * Answer quirks of the source document (spec §3) and Pebble-style faults, over the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr, openssl, withFiles } from './helpers/openssl.js';

const AUTH = { customer_id: 'demo', auth_token: 'demo-token', req_type: 'cert_apply' };
const started: Sandbox[] = [];

async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox({ tls: false, validation: { enabled: false }, ...options });
  started.push(sandbox);
  return sandbox;
}

afterEach(async () => {
  for (const sandbox of started.splice(0)) {
    await closeAgent(sandbox);
    await sandbox.close();
  }
});

async function applyDemo(sandbox: Sandbox, domain = 'quirk.example.test'): Promise<{ json: Record<string, unknown>; text: string; keyPem: string }> {
  const { csrPem, keyPem } = await makeCsr({ domains: [domain] });
  const answer = await api(sandbox, { ...AUTH, domain_name: [domain], csr: csrPem });
  return { json: answer.json, text: answer.text, keyPem };
}

describe('quirks', () => {
  it('paddedKeys: keys with a trailing space and string values with a leading space, as the source examples', async () => {
    const { json } = await applyDemo(await sandboxWith({ quirks: { paddedKeys: true } }));
    expect(Object.keys(json).sort()).toEqual(['certificate ', 'handle_id ', 'result ', 'status ']);
    expect(json['result ']).toBe(' success');
    expect(json['status ']).toBe(0);
    expect(String(json['handle_id '])).toMatch(/^ handle_/);
  });

  it('statusAsString: status as a numeric string, also for errors', async () => {
    const sandbox = await sandboxWith({ quirks: { statusAsString: true } });
    expect((await applyDemo(sandbox)).text).toMatch(/"status":"0"/);
    const error = await api(sandbox, { ...AUTH, customer_id: 'nobody' });
    expect(error.json).toEqual({ result: 'error', status: '101' });
  });

  it('certificateFormat pem: the leaf alone', async () => {
    const { json } = await applyDemo(await sandboxWith({ quirks: { certificateFormat: 'pem' } }));
    const certificate = String(json['certificate']);
    expect(certificate.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });

  it('certificateFormat der-base64: bare base64 of the DER leaf, which openssl reads as DER', async () => {
    const { json } = await applyDemo(await sandboxWith({ quirks: { certificateFormat: 'der-base64' } }));
    const certificate = String(json['certificate']);
    expect(certificate).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await withFiles({ 'leaf.der': Buffer.from(certificate, 'base64') }, async (path) => {
      expect(await openssl(['x509', '-inform', 'DER', '-in', path('leaf.der'), '-noout', '-ext', 'subjectAltName'])).toContain(
        'DNS:quirk.example.test',
      );
    });
  });

  it('accepts requests in the source document\'s padded style ("customer_id ", " cert_apply")', async () => {
    const sandbox = await sandboxWith({});
    const { csrPem } = await makeCsr({ domains: ['padded.example.test'] });
    const answer = await api(sandbox, {
      'customer_id ': ' demo ',
      'auth_token ': ' demo-token',
      req_type: ' cert_apply',
      domain_name: [' padded.example.test '],
      csr: ` ${csrPem}`,
    });
    expect(answer.json).toMatchObject({ result: 'success', status: 0 });
  });
});

describe('faults and validity', () => {
  it('wrongKeyShare 1: the certificate is for another key than the CSR\'s (for testing client-side checks)', async () => {
    const sandbox = await sandboxWith({ faults: { wrongKeyShare: 1 } });
    const { json, keyPem } = await applyDemo(sandbox);
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(String(json['certificate']))?.[0] ?? '';
    await withFiles({ 'leaf.pem': `${leaf}\n`, 'key.pem': keyPem }, async (path) => {
      const certKey = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-pubkey']);
      expect(certKey).toContain('PUBLIC KEY');
      expect(certKey).not.toBe(await openssl(['pkey', '-in', path('key.pem'), '-pubout']));
    });
    expect(sandbox.applications()[0]?.wrongKey).toBe(true);
  });

  it('delayMs: answers no sooner than the delay', async () => {
    const sandbox = await sandboxWith({ faults: { delayMs: 400 } });
    const started = Date.now();
    const answer = await api(sandbox, { ...AUTH, customer_id: 'nobody' });
    expect(answer.json['status']).toBe(101);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('validitySeconds: a short-lived certificate, notBefore backdated by backdateSeconds', async () => {
    const sandbox = await sandboxWith({ validitySeconds: 600, backdateSeconds: 120, quirks: { certificateFormat: 'pem' } });
    const { json } = await applyDemo(sandbox);
    await withFiles({ 'leaf.pem': String(json['certificate']) }, async (path) => {
      const dates = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-startdate', '-enddate']);
      const start = Date.parse(/notBefore=(.*)/.exec(dates)?.[1] ?? '');
      const end = Date.parse(/notAfter=(.*)/.exec(dates)?.[1] ?? '');
      expect((end - start) / 1000).toBeGreaterThanOrEqual(719);
      expect((end - start) / 1000).toBeLessThanOrEqual(721);
    });
  });

  it('validation.enabled false: issues without fetching any signfile', async () => {
    const sandbox = await sandboxWith({ validation: { enabled: false, httpPort: 1 } });
    expect((await applyDemo(sandbox, 'nowhere.example.test')).json['status']).toBe(0);
  });
});
