/**
 * The file method's current rules (BR §3.2.2.4.18) and the subject CN limit (RFC 5280):
 * generated tokens carry 128 bits, a signfile name holding the token is refused, a token
 * older than its maximum age gets 107 with an explanation, and a domain longer than 64
 * characters never becomes the CN (openssl reads the certificate, an independent peer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr, openssl, withFiles } from './helpers/openssl.js';
import { closedPort, startHttpServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'token-rules-7c1d93e2';
const DAY = 86_400_000;

let web: WebServer;
const sandboxes: Sandbox[] = [];

async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox({
    tls: false,
    perspectives: 0,
    ...options,
    validation: { httpPort: web.port, httpsPort: await closedPort(), resolve: { '*': ['127.0.0.1'] } },
  });
  sandboxes.push(sandbox);
  return sandbox;
}

async function applyFor(sandbox: Sandbox, customerId: string, domains: string[]) {
  // openssl refuses a CN over 64 characters, as core's CSR builder leaves it out.
  const { csrPem } = await makeCsr({ domains, cn: domains.find((d) => d.length <= 64) ?? null });
  const answer = await api(sandbox, { customer_id: customerId, auth_token: `${customerId}-secret`, req_type: 'cert_apply', domain_name: domains, csr: csrPem });
  return { json: answer.json, detail: (sandbox.requests.at(-1)?.detail ?? []).join(' | ') };
}

beforeAll(async () => {
  // Serves TOKEN at every signfile name, so only the CA's own rules can refuse.
  web = await startHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(TOKEN);
  });
});

afterAll(async () => {
  for (const sandbox of sandboxes) {
    await closeAgent(sandbox);
    await sandbox.close();
  }
  await web.close();
});

describe('signfile tokens', () => {
  it('generates 128-bit tokens (32 hex digits), a fresh one per customer, when none is configured', async () => {
    const sandbox = await sandboxWith({ customers: [{ customerId: 'a', authToken: 'a-secret', signfile: {} }, { customerId: 'b', authToken: 'b-secret', signfile: {} }] });
    const [a, b] = sandbox.customers.map((c) => c.signfile.content);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('refuses with 107 a signfile name that contains the token, before fetching anything', async () => {
    const sandbox = await sandboxWith({ customers: [{ customerId: 'n', authToken: 'n-secret', signfile: { name: `sf-${TOKEN}.txt`, content: TOKEN } }] });
    const before = web.seen.length;
    const result = await applyFor(sandbox, 'n', ['name.test', 'www.name.test']);
    expect(result.json).toMatchObject({ status: 107, other_msg: 'name.test' });
    expect(result.detail).toContain('the signfile name contains the signfile token');
    expect(result.detail).not.toContain('via 127.0.0.1');
    expect(web.seen.length).toBe(before);
  });

  it('answers 107 with an explanation once the token is older than its maximum age (default 30 days)', async () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const sandbox = await sandboxWith({
      now: () => now,
      customers: [
        { customerId: 'old', authToken: 'old-secret', signfile: { content: TOKEN, issuedAt: '2026-11-01T00:00:00Z' } },
        { customerId: 'week', authToken: 'week-secret', signfile: { content: TOKEN, issuedAt: '2026-11-28T00:00:00Z', maxAgeDays: 7 } },
      ],
    });
    expect((await applyFor(sandbox, 'old', ['age.test'])).json).toMatchObject({ status: 0 });
    now = new Date(Date.parse('2026-12-01T00:00:00Z') + 1000);
    const stale = await applyFor(sandbox, 'old', ['age.test']);
    expect(stale.json).toMatchObject({ status: 107, other_msg: 'age.test' });
    expect(stale.detail).toContain('the signfile token was given out 30 days ago (2026-11-01T00:00:00.000Z); a token is valid for 30 days');
    expect((await applyFor(sandbox, 'week', ['age.test'])).json).toMatchObject({ status: 0 });
    now = new Date(Date.parse('2026-11-28T00:00:00Z') + 8 * DAY);
    expect((await applyFor(sandbox, 'week', ['age.test'])).json).toMatchObject({ status: 107 });
    expect(sandbox.validations().at(-1)?.refusal).toContain('valid for 7 days');
  });

  it('rejects an unreadable issuedAt in the options', async () => {
    await expect(sandboxWith({ customers: [{ customerId: 'x', authToken: 'x-secret', signfile: { content: TOKEN, issuedAt: 'yesterday' } }] })).rejects.toThrow(
      'options.customers[0].signfile.issuedAt: expected an ISO 8601 date-time',
    );
  });
});

describe('subject CN at most 64 characters (RFC 5280 ub-common-name)', () => {
  const long = `${'a'.repeat(60)}.long.test`;

  it('puts the first domain that fits in the CN and keeps a long first domain in the SANs only', async () => {
    const sandbox = await sandboxWith({ customers: [{ customerId: 'cn', authToken: 'cn-secret', signfile: { content: TOKEN } }] });
    const result = await applyFor(sandbox, 'cn', [long, 'short.test']);
    expect(result.json['status'], result.detail).toBe(0);
    const text = await withFiles({ 'leaf.pem': String(result.json['certificate']) }, (path) =>
      openssl(['x509', '-in', path('leaf.pem'), '-noout', '-subject', '-ext', 'subjectAltName']),
    );
    expect(text).toMatch(/subject=CN\s?=\s?short\.test/);
    expect(text).toContain(`DNS:${long}`);
  });

  it('signs an empty subject with a critical SAN when no domain fits', async () => {
    const sandbox = await sandboxWith({ customers: [{ customerId: 'cn2', authToken: 'cn2-secret', signfile: { content: TOKEN } }] });
    const result = await applyFor(sandbox, 'cn2', [long]);
    expect(result.json['status'], result.detail).toBe(0);
    const text = await withFiles({ 'leaf.pem': String(result.json['certificate']) }, (path) =>
      openssl(['x509', '-in', path('leaf.pem'), '-noout', '-subject', '-ext', 'subjectAltName']),
    );
    expect(text).toMatch(/subject=\s*\n/);
    expect(text).toContain('X509v3 Subject Alternative Name: critical');
    expect(text).toContain(`DNS:${long}`);
  });
});

describe('validity profiles', () => {
  it('short gives 6 days; default gives the SC-081 maximum minus a day on the (simulated) issuance date', async () => {
    const at = new Date('2027-06-01T00:00:00Z');
    const customers = [{ customerId: 'p', authToken: 'p-secret', signfile: { content: TOKEN } }];
    const short = await sandboxWith({ validityProfile: 'short', customers, now: () => at, backdateSeconds: 0 });
    const standard = await sandboxWith({ customers, now: () => at, backdateSeconds: 0 });
    for (const [sandbox, days] of [[short, 6], [standard, 99]] as const) {
      const result = await applyFor(sandbox, 'p', ['profile.test']);
      const dates = await withFiles({ 'leaf.pem': String(result.json['certificate']) }, (path) =>
        openssl(['x509', '-in', path('leaf.pem'), '-noout', '-startdate', '-enddate']),
      );
      const start = Date.parse(/notBefore=(.*)/.exec(dates)?.[1] ?? '');
      const end = Date.parse(/notAfter=(.*)/.exec(dates)?.[1] ?? '');
      expect(start).toBe(at.getTime());
      expect((end - start) / DAY).toBe(days);
    }
  });
});
