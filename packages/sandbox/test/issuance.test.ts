/**
 * Issuance end to end over HTTPS, with the certificate checked by the real openssl
 * binary (an independent peer): chain, SANs, EKU, serial size, AIA, policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';
import { api, call, closeAgent } from './helpers/api.js';
import { makeCsr, openssl, withFiles } from './helpers/openssl.js';
import { closedPort, serveSignfile, startHttpServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'issuance-signfile-token-5f1c';

let sandbox: Sandbox;
let site: WebServer;

beforeAll(async () => {
  site = await startHttpServer(serveSignfile(`  ${TOKEN}\n`));
  sandbox = await startSandbox({
    customers: [{ customerId: 'platform-1', authToken: 'secret-token-1', signfile: { content: TOKEN } }],
    validation: { httpPort: site.port, httpsPort: await closedPort() },
  });
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
  await site.close();
});

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

describe('issuance', () => {
  it('issues a DV certificate that openssl verifies against the sandbox CA, with the profile of a public CA', async () => {
    const domains = ['www.example.test', 'example.test'];
    const { csrPem, keyPem } = await makeCsr({ domains, key: 'rsa:2048' });
    const answer = await api(sandbox, {
      customer_id: 'platform-1',
      auth_token: 'secret-token-1',
      req_type: 'cert_apply',
      domain_name: domains,
      csr: csrPem,
    });
    expect(answer.httpStatus).toBe(200);
    expect(answer.json).toMatchObject({ result: 'success', status: 0 });
    expect(answer.json['handle_id']).toMatch(/^handle_[0-9a-f]{32}$/);
    const parts = splitPem(String(answer.json['certificate']));
    expect(parts).toHaveLength(2);
    const [leaf = '', intermediate = ''] = parts;
    expect(intermediate.trim()).toBe(sandbox.caCertificates.intermediatePem.trim());

    await withFiles(
      { 'root.pem': sandbox.caCertificates.rootPem, 'inter.pem': intermediate, 'leaf.pem': leaf, 'key.pem': keyPem },
      async (path) => {
        const verified = await openssl(['verify', '-CAfile', path('root.pem'), '-untrusted', path('inter.pem'), '-purpose', 'sslserver', path('leaf.pem')]);
        expect(verified).toContain(': OK');
        const text = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-text']);
        expect(text).toMatch(/DNS:www\.example\.test, DNS:example\.test/);
        expect(text).toMatch(/Subject: CN ?= ?www\.example\.test/);
        expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Server Authentication\n/);
        expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment/);
        expect(text).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:FALSE/);
        expect(text).toContain('X509v3 Subject Key Identifier');
        expect(text).toContain('X509v3 Authority Key Identifier');
        expect(text).toContain(`CA Issuers - URI:${sandbox.caUrls.intermediateDer}`);
        expect(text).toContain('Policy: 2.23.140.1.2.1');
        const serial = (await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-serial'])).trim().replace(/^serial=/, '');
        expect(BigInt(`0x${serial}`) >= 2n ** 64n).toBe(true);
        // the certificate is for the CSR's key
        const certKey = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-pubkey']);
        const ownKey = await openssl(['pkey', '-in', path('key.pem'), '-pubout']);
        expect(certKey).toBe(ownKey);
        // validity by default: the BR maximum on the issuance date minus one day (ballot SC-081,
        // written out here apart from the sandbox's table), notBefore backdated
        const sc081 = [['2029-03-15', 47], ['2027-03-15', 100], ['2026-03-15', 200]] as const;
        const maximum = sc081.find(([from]) => Date.now() >= Date.parse(`${from}T00:00:00Z`))?.[1] ?? 398;
        const dates = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-startdate', '-enddate']);
        const start = Date.parse(/notBefore=(.*)/.exec(dates)?.[1] ?? '');
        const end = Date.parse(/notAfter=(.*)/.exec(dates)?.[1] ?? '');
        expect(start).toBeLessThan(Date.now() - 30_000);
        expect(Math.round((end - Date.now()) / 86_400_000)).toBe(maximum - 1);
      },
    );
    expect(sandbox.applications()).toEqual([
      expect.objectContaining({ customerId: 'platform-1', domains, state: 'issued' }),
    ]);
    // Each domain was fetched by the primary perspective and by the 5 remote perspectives
    // (BR §3.2.2.9), each from its own source address, as the web server saw them.
    const sources = ['127.0.0.1', '127.0.0.10', '127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'];
    for (const host of ['example.test', 'www.example.test']) {
      expect(site.seen.filter((s) => s.host === host).map((s) => s.source).sort()).toEqual(sources);
    }
    expect(site.seen).toHaveLength(12);
  });

  it('gives an EC key a certificate without keyEncipherment, and retrieves an issued application again by handle', async () => {
    const { csrPem } = await makeCsr({ domains: ['ec.example.test'], key: 'ec:P-384' });
    const first = await api(sandbox, {
      customer_id: 'platform-1',
      auth_token: 'secret-token-1',
      req_type: 'cert_apply',
      domain_name: ['EC.Example.Test.'],
      csr: csrPem,
    });
    expect(first.json).toMatchObject({ result: 'success', status: 0 });
    const again = await api(sandbox, { customer_id: 'platform-1', auth_token: 'secret-token-1', handle_id: first.json['handle_id'] });
    expect(again.json).toEqual(first.json);
    const leaf = splitPem(String(first.json['certificate']))[0] ?? '';
    await withFiles({ 'leaf.pem': leaf }, async (path) => {
      const text = await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-text']);
      expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature\n/);
      expect(text).toContain('DNS:ec.example.test');
    });
  });

  it('serves its CA certificates as PEM and DER at the documented URLs, the DER the same certificate as the PEM', async () => {
    const rootPem = await call(sandbox, '/ca/root.pem');
    expect(rootPem.text).toBe(sandbox.caCertificates.rootPem);
    const interPem = await call(sandbox, '/ca/intermediate.pem');
    expect(interPem.text).toBe(sandbox.caCertificates.intermediatePem);
    const der = await fetchDer(sandbox, '/ca/intermediate.der');
    await withFiles({ 'inter.der': der, 'root.pem': sandbox.caCertificates.rootPem }, async (path) => {
      const pem = await openssl(['x509', '-inform', 'DER', '-in', path('inter.der')]);
      expect(pem.trim()).toBe(sandbox.caCertificates.intermediatePem.trim());
      const text = await openssl(['x509', '-in', path('root.pem'), '-noout', '-text']);
      expect(text).toMatch(/CA:TRUE/);
    });
    expect(sandbox.caBundlePem).toBe(sandbox.caCertificates.rootPem);
  });

  it('serves HTTPS with a certificate for 127.0.0.1 that chains to its root (openssl s_client verifies it)', async () => {
    const port = new URL(sandbox.url).port;
    await withFiles({ 'root.pem': sandbox.caCertificates.rootPem }, async (path) => {
      // -brief prints the verification result on stderr; -verify_return_error makes a bad chain fail the command
      await expect(
        openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', path('root.pem'), '-verify_ip', '127.0.0.1', '-verify_return_error', '-brief']),
      ).resolves.toBeTypeOf('string');
      await expect(
        openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', path('root.pem'), '-verify_hostname', 'elsewhere.test', '-verify_return_error', '-brief']),
      ).rejects.toThrow(/verify|mismatch/i);
    });
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

async function fetchDer(sb: Sandbox, path: string): Promise<Buffer> {
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connect: { ca: sb.caBundlePem } });
  try {
    const answer = await request(new URL(path, sb.url), { dispatcher: agent });
    expect(answer.headers['content-type']).toBe('application/pkix-cert');
    return Buffer.from(await answer.body.arrayBuffer());
  } finally {
    await agent.close();
  }
}
