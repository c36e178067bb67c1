/**
 * Every ACMAPI error status 101–111, each produced over the wire for its reason (spec §3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { corruptCsrSignature, makeCsr } from './helpers/openssl.js';
import { closedPort, serveSignfile, startHttpServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'codes-token-93ab';
const AUTH = { customer_id: 'alpha', auth_token: 'alpha-secret' };

let sandbox: Sandbox;
let site: WebServer;
let goodCsr: string;

beforeAll(async () => {
  // only ok.example.test (and refused ones) serve the signfile; others get 404
  site = await startHttpServer((request, response) => {
    if (request.headers.host === 'unverified.example.test') {
      response.writeHead(404);
      response.end();
      return;
    }
    serveSignfile(TOKEN)(request, response);
  });
  sandbox = await startSandbox({
    customers: [
      { customerId: 'alpha', authToken: 'alpha-secret', signfile: { content: TOKEN } },
      { customerId: 'beta', authToken: 'beta-secret', signfile: { content: 'beta-token' } },
      { customerId: 'faraway', authToken: 'faraway-secret', signfile: { content: 'x' }, allowedIps: ['192.0.2.0/24'] },
    ],
    refuse: ['*.refused.test', 'blocked.example'],
    validation: { httpPort: site.port, httpsPort: await closedPort(), connectTimeoutMs: 2000 },
  });
  goodCsr = (await makeCsr({ domains: ['ok.example.test'] })).csrPem;
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
  await site.close();
});

function apply(fields: Record<string, unknown>): ReturnType<typeof api> {
  return api(sandbox, { ...AUTH, req_type: 'cert_apply', domain_name: ['ok.example.test'], csr: goodCsr, ...fields });
}

async function statusOf(fields: Record<string, unknown>): Promise<unknown> {
  const answer = await apply(fields);
  expect(answer.httpStatus).toBe(200);
  expect(answer.json['result']).toBe('error');
  expect(answer.json).not.toHaveProperty('handle_id');
  return answer.json['status'];
}

describe('authentication: 101, 110, 102 in that order', () => {
  it('101 for an unknown customer id, even with a wrong token', async () => {
    expect(await statusOf({ customer_id: 'nobody', auth_token: 'x' })).toBe(101);
  });

  it('101 when customer_id is missing or not a string', async () => {
    expect(await statusOf({ customer_id: undefined })).toBe(101);
    expect(await statusOf({ customer_id: 42 })).toBe(101);
  });

  it('110 for a caller outside the allow-list, checked before the token', async () => {
    expect(await statusOf({ customer_id: 'faraway', auth_token: 'wrong' })).toBe(110);
    expect(await statusOf({ customer_id: 'faraway', auth_token: 'faraway-secret' })).toBe(110);
  });

  it("102 for a wrong token, a missing token, and another customer's token", async () => {
    expect(await statusOf({ auth_token: 'alpha-secreT' })).toBe(102);
    expect(await statusOf({ auth_token: undefined })).toBe(102);
    expect(await statusOf({ auth_token: 'beta-secret' })).toBe(102);
  });

  it('never records the auth token or the CSR in the request log', async () => {
    await apply({ auth_token: 'wrong-token-value' });
    const log = JSON.stringify(sandbox.requests);
    expect(log).not.toContain('alpha-secret');
    expect(log).not.toContain('wrong-token-value');
    expect(log).not.toContain('CERTIFICATE REQUEST');
  });
});

describe('request shape', () => {
  it('103 when req_type is missing or not cert_apply in an apply', async () => {
    expect(await statusOf({ req_type: undefined })).toBe(103);
    expect(await statusOf({ req_type: 'cert_renew' })).toBe(103);
  });

  it('103 when req_type is wrong in a retrieve, but a retrieve without req_type is accepted (spec §2)', async () => {
    const answer = await api(sandbox, { ...AUTH, req_type: 'cert_get', handle_id: 'handle_x' });
    expect(answer.json['status']).toBe(103);
    const noType = await api(sandbox, { ...AUTH, handle_id: 'handle_0123' });
    expect(noType.json['status']).toBe(108);
  });

  it('105 for wildcards, IP addresses, invalid names and a missing domain list', async () => {
    expect(await statusOf({ domain_name: ['*.example.test'] })).toBe(105);
    expect(await statusOf({ domain_name: ['192.0.2.1'] })).toBe(105);
    expect(await statusOf({ domain_name: ['bad_name.example.test'] })).toBe(105);
    expect(await statusOf({ domain_name: ['localhost'] })).toBe(105);
    expect(await statusOf({ domain_name: [] })).toBe(105);
    expect(await statusOf({ domain_name: 'ok.example.test' })).toBe(105);
  });

  it('106 for more than five distinct domains, but five plus duplicates are fine', async () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${l}.example.test`);
    expect(await statusOf({ domain_name: six })).toBe(106);
    const fiveWithDuplicates = [...six.slice(0, 5), 'A.example.test', 'b.example.test.'];
    // gets past 106 to the CSR check (the CSR names only ok.example.test)
    expect(await statusOf({ domain_name: fiveWithDuplicates })).toBe(104);
  });
});

describe('CSR checks: 104', () => {
  it('104 for a missing or unparsable CSR', async () => {
    expect(await statusOf({ csr: undefined })).toBe(104);
    expect(await statusOf({ csr: 'not a csr' })).toBe(104);
    expect(await statusOf({ csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' })).toBe(104);
  });

  it('104 for a CSR whose signature was forged by flipping a byte', async () => {
    const forged = corruptCsrSignature(goodCsr);
    expect(forged).not.toBe(goodCsr);
    expect(await statusOf({ csr: forged })).toBe(104);
    expect(sandbox.requests.at(-1)?.detail).toEqual(['CSR signature does not verify']);
  });

  it('104 for weak or disallowed keys: RSA-1024, RSA-2560, EC P-521', async () => {
    for (const key of ['rsa:1024', 'rsa:2560', 'ec:P-521'] as const) {
      const { csrPem } = await makeCsr({ domains: ['ok.example.test'], key });
      expect(await statusOf({ csr: csrPem }), key).toBe(104);
      expect(sandbox.requests.at(-1)?.detail?.[0]).toMatch(/^disallowed key/);
    }
  });

  it('104 when the CSR names differ from the requested domains: extra, missing, or a CN outside the SANs', async () => {
    const extra = await makeCsr({ domains: ['ok.example.test', 'other.example.test'] });
    expect(await statusOf({ csr: extra.csrPem })).toBe(104);
    expect(await statusOf({ domain_name: ['ok.example.test', 'two.example.test'] })).toBe(104);
    const cnOutside = await makeCsr({ domains: ['ok.example.test'], cn: 'elsewhere.example.test', sans: ['ok.example.test'] });
    expect(await statusOf({ csr: cnOutside.csrPem })).toBe(104);
  });

  it('accepts a CSR whose names differ only in case from the requested domains', async () => {
    const upper = await makeCsr({ domains: ['OK.Example.TEST'] });
    const answer = await apply({ csr: upper.csrPem });
    expect(answer.json['status']).toBe(0);
  });
});

describe('policy, validation, handles', () => {
  it('109 for a domain on the refusal list, by wildcard pattern or exact name, before any validation', async () => {
    const before = site.seen.length;
    for (const domain of ['www.refused.test', 'blocked.example']) {
      const { csrPem } = await makeCsr({ domains: [domain] });
      expect(await statusOf({ domain_name: [domain], csr: csrPem }), domain).toBe(109);
    }
    expect(site.seen.length).toBe(before);
  });

  it('107 with other_msg = the domain whose signfile check failed', async () => {
    const domains = ['ok.example.test', 'unverified.example.test'];
    const { csrPem } = await makeCsr({ domains });
    const answer = await apply({ domain_name: domains, csr: csrPem });
    expect(answer.json).toEqual({ result: 'error', status: 107, other_msg: 'unverified.example.test' });
  });

  it('107 when the signfile holds another customer\'s token', async () => {
    const { csrPem } = await makeCsr({ domains: ['ok.example.test'] });
    const answer = await api(sandbox, {
      customer_id: 'beta',
      auth_token: 'beta-secret',
      req_type: 'cert_apply',
      domain_name: ['ok.example.test'],
      csr: csrPem,
    });
    expect(answer.json).toEqual({ result: 'error', status: 107, other_msg: 'ok.example.test' });
  });

  it("108 for an unknown handle and for another customer's handle", async () => {
    const issued = await apply({});
    expect(issued.json['status']).toBe(0);
    const handle = String(issued.json['handle_id']);
    expect((await api(sandbox, { ...AUTH, req_type: 'cert_apply', handle_id: `${handle}0` })).json['status']).toBe(108);
    const stolen = await api(sandbox, { customer_id: 'beta', auth_token: 'beta-secret', req_type: 'cert_apply', handle_id: handle });
    expect(stolen.json).toEqual({ result: 'error', status: 108 });
    expect((await api(sandbox, { ...AUTH, req_type: 'cert_apply', handle_id: handle })).json['status']).toBe(0);
  });

  it('111 for a body that is not JSON, with HTTP 400', async () => {
    const answer = await api(sandbox, '{"customer_id": "alpha",');
    expect(answer.httpStatus).toBe(400);
    expect(answer.json).toEqual({ result: 'error', status: 111 });
    const array = await api(sandbox, '[1,2]');
    expect(array.httpStatus).toBe(400);
  });
});

describe('111 by fault injection', () => {
  it('answers 111 to every authenticated call with unknownErrorShare 1, and auth errors still come first', async () => {
    const faulty = await startSandbox({ tls: false, faults: { unknownErrorShare: 1 }, validation: { enabled: false } });
    try {
      const demo = { customer_id: 'demo', auth_token: 'demo-token', req_type: 'cert_apply', domain_name: ['a.example.test'], csr: goodCsr };
      expect((await api(faulty, demo)).json).toEqual({ result: 'error', status: 111 });
      expect((await api(faulty, { ...demo, auth_token: 'nope' })).json['status']).toBe(102);
      expect(faulty.applications()).toEqual([]);
    } finally {
      await closeAgent(faulty);
      await faulty.close();
    }
  });
});
