/**
 * A leaf sent alone (spec §3) gets its chain from its AIA caIssuers URL (RFC 5280 §4.2.2.1):
 * AcmApiClient against a local ACMAPI test server and a local issuer server on 127.0.0.1.
 */
import { createPublicKey } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { verifyCertificate } from '../src/pki/certificate.js';
import { AuthorityInfoAccessExtension, GeneralName } from '../src/pki/x509.js';
import { json, startAcmApiTestServer } from './helpers/acmapi-test-server.js';
import type { AcmApiTestServer, RecordedRequest } from './helpers/acmapi-test-server.js';
import { issueLeaf, makeIntermediate, makeRoot } from './helpers/test-ca.js';
import type { TestIssuer } from './helpers/test-ca.js';

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const savedEnv = new Map<string, string | undefined>();
const DOMAINS = ['example.com'];

let root: TestIssuer;
let csrPem: string;
let privateKeyPem: string;
let servers: AcmApiTestServer[] = [];
let client: AcmApiClient | undefined;

beforeAll(async () => {
  for (const name of PROXY_VARS) {
    savedEnv.set(name, process.env[name]);
    Reflect.deleteProperty(process.env, name);
  }
  root = await makeRoot();
  ({ csrPem, privateKeyPem } = await generateKeyAndCsr({ domains: DOMAINS }));
});

afterAll(() => {
  for (const [name, value] of savedEnv) if (value !== undefined) process.env[name] = value;
});

afterEach(async () => {
  await client?.close();
  await Promise.all(servers.map((s) => s.close()));
  client = undefined;
  servers = [];
});

const aia = (url: string): AuthorityInfoAccessExtension => new AuthorityInfoAccessExtension({ caIssuers: [new GeneralName('url', url)] });

/** An issuer server answering GET /PATH from `files` (DER bytes), 404 for anything else. */
async function issuerServer(files: Record<string, Buffer>): Promise<{ server: AcmApiTestServer; base: string }> {
  const serve = (res: ServerResponse, request: RecordedRequest): void => {
    const body = files[request.url];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(body);
  };
  const server = await startAcmApiTestServer({ replies: [serve] });
  servers.push(server);
  return { server, base: `http://127.0.0.1:${server.port}` };
}

const der = (issuer: TestIssuer): Buffer => Buffer.from(issuer.certificate.rawData);

/** Issues a leaf for the CSR's key with an AIA URL, answers it alone (as PEM), and applies. */
async function applyWithLeafAlone(signer: TestIssuer, caIssuersUrl: string, completeChain?: boolean) {
  const leafPem = await issueLeaf(signer, { domains: DOMAINS, publicKey: createPublicKey(privateKeyPem), extensions: [aia(caIssuersUrl)] });
  const ca = await startAcmApiTestServer({ replies: [json({ result: 'success', status: 0, handle_id: 'h1', certificate: leafPem })] });
  servers.push(ca);
  client = new AcmApiClient({ customerId: 'c1', authToken: 'tok_secret', endpoint: ca.url, ...(completeChain === undefined ? {} : { completeChain }) });
  const result = await client.apply({ domains: DOMAINS, csr: csrPem });
  if (result.status !== 'issued') throw new Error('expected issued');
  return { leafPem, certificate: result.certificate };
}

describe('chain completion from AIA caIssuers', () => {
  it('fetches the intermediate, follows its own AIA to the root, and leaves the root out', async () => {
    const files: Record<string, Buffer> = { '/root.der': der(root) };
    const { server, base } = await issuerServer(files);
    const intermediate = await makeIntermediate(root, 'CN=AIA Intermediate', 'ec-p256', undefined, [aia(`${base}/root.der`)]);
    files['/int.der'] = der(intermediate);
    const { leafPem, certificate } = await applyWithLeafAlone(intermediate, `${base}/int.der`);
    expect(certificate.warnings).toEqual([]);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /int.der', 'GET /root.der']);
    expect(certificate.chainPem).toBe(intermediate.pem);
    expect(certificate.fullchainPem).toBe(leafPem + intermediate.pem);
    expect(certificate.chain.map((c) => c.subject)).toEqual(['CN=AIA Intermediate']);
    // The completed chain passes the same checks as one the CA sent.
    expect(() => {
      verifyCertificate(certificate, { csrPem, domains: DOMAINS });
    }).not.toThrow();
  });

  it('returns the leaf alone with a warning naming the URL when it answers 404', async () => {
    const { base } = await issuerServer({});
    const intermediate = await makeIntermediate(root);
    const { leafPem, certificate } = await applyWithLeafAlone(intermediate, `${base}/missing.der`);
    expect(certificate.chainPem).toBe('');
    expect(certificate.fullchainPem).toBe(leafPem);
    expect(certificate.warnings).toEqual([
      `chain.pem is empty: the CA sent the leaf alone and its issuer could not be fetched from ${base}/missing.der: HTTP 404.`,
    ]);
  });

  it('drops a certificate at the URL that does not sign the leaf, with a warning', async () => {
    const files: Record<string, Buffer> = {};
    const { base } = await issuerServer(files);
    const intermediate = await makeIntermediate(root);
    // Same name, another key: only the signature check can tell.
    files['/int.der'] = der(await makeIntermediate(root));
    const { certificate } = await applyWithLeafAlone(intermediate, `${base}/int.der`);
    expect(certificate.chainPem).toBe('');
    expect(certificate.chain).toEqual([]);
    expect(certificate.warnings).toHaveLength(1);
    expect(certificate.warnings[0]).toMatch(new RegExp(`^The certificate at ${base}/int\\.der was dropped: it does not sign the certificate: .*chain\\.pem is empty`));
  });

  it('stops reading an answer larger than 64 KiB', async () => {
    const { base } = await issuerServer({ '/big.der': Buffer.alloc(70_000, 0x30) });
    const intermediate = await makeIntermediate(root);
    const { certificate } = await applyWithLeafAlone(intermediate, `${base}/big.der`);
    expect(certificate.chainPem).toBe('');
    expect(certificate.warnings).toEqual([
      `chain.pem is empty: the CA sent the leaf alone and its issuer could not be fetched from ${base}/big.der: the answer is larger than 65536 bytes.`,
    ]);
  });

  it('fetches nothing with completeChain: false', async () => {
    const { server, base } = await issuerServer({});
    const intermediate = await makeIntermediate(root);
    const { certificate } = await applyWithLeafAlone(intermediate, `${base}/int.der`, false);
    expect(server.requests).toEqual([]);
    expect(certificate.chainPem).toBe('');
    expect(certificate.warnings).toEqual([]);
  });
});
