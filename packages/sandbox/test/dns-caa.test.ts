/**
 * CAA (BR §3.2.2.8, RFC 8659, RFC 8657) and DNS through a REAL DNS server (Knot DNS from
 * @acmapi/test-dns): the sandbox asks only `validation.dnsServers`, refuses with 109 naming
 * the domain when CAA forbids or cannot be looked up, and resolves addresses (A, AAAA,
 * CNAME chains) there for the signfile check.
 */
import { startDnsServer, startSilentDnsServer, type DnsServer } from '@acmapi/test-dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr } from './helpers/openssl.js';
import { closedPort, serveSignfile, startHttpServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'dns-caa-token-0b7e4d';
const CUSTOMER = { customerId: 'caa-1', authToken: 'caa-secret-1', signfile: { content: TOKEN } };
const ACCOUNT = 'https://sandbox.acmapi.test/customer/caa-1';

let dns: DnsServer;
let silent: { address: string; close(): Promise<void> };
let web: WebServer;
let sandbox: Sandbox;

async function sandboxWith(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    tls: false,
    customers: [CUSTOMER],
    perspectives: 2,
    ...options,
    validation: { dnsServers: [dns.address], httpPort: web.port, httpsPort: await closedPort(), dnsTimeoutMs: 500, ...options.validation },
  });
}

async function applyFor(target: Sandbox, domains: string[]): Promise<{ status: unknown; otherMsg: unknown; detail: string }> {
  const { csrPem } = await makeCsr({ domains });
  const answer = await api(target, { customer_id: CUSTOMER.customerId, auth_token: CUSTOMER.authToken, req_type: 'cert_apply', domain_name: domains, csr: csrPem });
  return { status: answer.json['status'], otherMsg: answer.json['other_msg'], detail: (target.requests.at(-1)?.detail ?? []).join(' | ') };
}

beforeAll(async () => {
  dns = await startDnsServer();
  silent = await startSilentDnsServer();
  // '::' takes IPv4 and IPv6: AAAA-only names are served too.
  web = await startHttpServer(serveSignfile(TOKEN), '::');
  const v4 = { A: ['127.0.0.1'] };
  await dns.set('plain.test', v4);
  await dns.set('allow.test', { CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test' }] });
  await dns.set('www.allow.test', v4);
  await dns.set('deny.test', { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }], A: ['127.0.0.1'] });
  await dns.set('www.deny.test', v4);
  await dns.set('critical.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test' }, { flags: 128, tag: 'tbs', value: 'x' }] });
  await dns.set('account.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: `sandbox.acmapi.test; accounturi=${ACCOUNT}` }] });
  await dns.set('otheraccount.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test; accounturi=https://sandbox.acmapi.test/customer/else' }] });
  await dns.set('method.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test; validationmethods=dns-01' }] });
  await dns.set('methodok.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test; validationmethods=http-01,acmapi-file' }] });
  await dns.set('target.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'other-ca.test' }] });
  await dns.set('alias.test', { CNAME: 'target.test' });
  await dns.set('chain1.test', { CNAME: 'chain2.test' });
  await dns.set('chain2.test', { CNAME: 'plain.test' });
  await dns.set('six.test', { AAAA: ['::1'] });
  await dns.set('iodef.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'iodef', value: 'mailto:security@iodef.test' }] });
  await dns.servfail('broken.test');
  sandbox = await sandboxWith();
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
  await web.close();
  await silent.close();
  await dns.close();
});

describe('CAA through a real DNS server', () => {
  it('issues when no CAA exists up the tree, and when a parent names this CA (tree climbing)', async () => {
    expect(await applyFor(sandbox, ['plain.test'])).toMatchObject({ status: 0 });
    const allowed = await applyFor(sandbox, ['www.allow.test']);
    expect(allowed).toMatchObject({ status: 0 });
    expect(allowed.detail).toContain('CAA at allow.test allows this CA');
  });

  it('refuses with 109 naming the domain when a parent allows only another CA', async () => {
    const result = await applyFor(sandbox, ['plain.test', 'www.deny.test']);
    expect(result).toMatchObject({ status: 109, otherMsg: 'www.deny.test' });
    expect(result.detail).toContain('CAA at deny.test does not allow this CA (0 issue "letsencrypt.org")');
  });

  it('refuses a critical record with an unknown tag', async () => {
    const result = await applyFor(sandbox, ['critical.test']);
    expect(result).toMatchObject({ status: 109, otherMsg: 'critical.test' });
    expect(result.detail).toContain('critical record with an unknown tag (128 tbs "x")');
  });

  it('enforces RFC 8657 accounturi and validationmethods', async () => {
    expect(await applyFor(sandbox, ['account.test'])).toMatchObject({ status: 0 });
    expect(await applyFor(sandbox, ['otheraccount.test'])).toMatchObject({ status: 109, otherMsg: 'otheraccount.test' });
    expect(await applyFor(sandbox, ['method.test'])).toMatchObject({ status: 109, otherMsg: 'method.test' });
    expect(await applyFor(sandbox, ['methodok.test'])).toMatchObject({ status: 0 });
  });

  it("follows a CNAME to its target's CAA", async () => {
    const result = await applyFor(sandbox, ['alias.test']);
    expect(result).toMatchObject({ status: 109, otherMsg: 'alias.test' });
    expect(result.detail).toContain('other-ca.test');
  });

  it('refuses when the lookup answers SERVFAIL or times out: never permission to issue', async () => {
    const servfail = await applyFor(sandbox, ['www.broken.test']);
    expect(servfail).toMatchObject({ status: 109, otherMsg: 'www.broken.test' });
    expect(servfail.detail).toContain('CAA lookup for www.broken.test failed: servfail');
    const mute = await sandboxWith({ validation: { dnsServers: [silent.address], dnsTimeoutMs: 300 } });
    try {
      const timeout = await applyFor(mute, ['plain.test']);
      expect(timeout).toMatchObject({ status: 109, otherMsg: 'plain.test' });
      expect(timeout.detail).toContain('failed: timeout');
    } finally {
      await closeAgent(mute);
      await mute.close();
    }
  });

  it('reports iodef and shows every CAA result in the admin view of validations', async () => {
    expect(await applyFor(sandbox, ['iodef.test'])).toMatchObject({ status: 0 });
    const last = sandbox.validations().at(-1);
    const seen = { domain: 'iodef.test', allowed: true, reason: 'no-issue-property', foundAt: 'iodef.test', iodef: ['mailto:security@iodef.test'], dnsServers: [dns.address] };
    expect(last?.caa).toEqual([
      {
        domain: 'iodef.test',
        allowed: true,
        primary: { ...seen, perspective: 'primary', source: 'system' },
        remote: [
          { ...seen, perspective: 0, source: '127.0.0.10' },
          { ...seen, perspective: 1, source: '127.0.0.11' },
        ],
        remoteFailures: 0,
        allowedFailures: 1,
      },
    ]);
  });

  it('honours configured caaIdentities', async () => {
    const other = await sandboxWith({ caaIdentities: ['letsencrypt.org'] });
    try {
      expect(await applyFor(other, ['www.deny.test'])).toMatchObject({ status: 0 });
      expect(await applyFor(other, ['www.allow.test'])).toMatchObject({ status: 109, otherMsg: 'www.allow.test' });
    } finally {
      await closeAgent(other);
      await other.close();
    }
  });
});

describe('addresses through a real DNS server', () => {
  it('follows a CNAME chain to the A record', async () => {
    expect(await applyFor(sandbox, ['chain1.test'])).toMatchObject({ status: 0 });
  });

  it('validates a name with only AAAA over IPv6', async () => {
    const result = await applyFor(sandbox, ['six.test']);
    expect(result).toMatchObject({ status: 0 });
    expect(result.detail).toContain('via ::1: ok');
  });

  it('fails 107 for NXDOMAIN (no CAA is not an error; no address is)', async () => {
    const result = await applyFor(sandbox, ['missing.test']);
    expect(result).toMatchObject({ status: 107, otherMsg: 'missing.test' });
    expect(result.detail).toContain('missing.test does not exist (NXDOMAIN)');
  });
});
