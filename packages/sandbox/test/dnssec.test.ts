/**
 * DNSSEC-validated CAA (BR §3.2.2.8: from 2026-03-15 CAA lookups are validated) with real
 * parts: knotd signs the zones (@acmapi/test-dns), unbound validates them against their
 * trust anchors, and the sandbox asks unbound (`validation.dnsServers`), as Boulder does.
 * A bogus answer reaches the sandbox as SERVFAIL, which is never permission to issue.
 */
import { startDnsServer, startSilentDnsServer, startValidatingResolver, type DnsServer, type ValidatingResolver } from '@acmapi/test-dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDnssecState } from '../src/dns/dnssec-query.js';
import { startSandbox, type Sandbox } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr } from './helpers/openssl.js';
import { closedPort, serveSignfile, startHttpServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'dnssec-token-6a1f0e';
const CUSTOMER = { customerId: 'sec', authToken: 'sec-secret', signfile: { content: TOKEN } };
const ALLOW = [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test' }];

let dns: DnsServer;
let validator: ValidatingResolver;
let web: WebServer;
let sandbox: Sandbox;

/** A trust anchor that names no key of the zone: the digest of its DS with one hex digit changed. */
const mismatched = (ds: string): string => ds.replace(/[0-9a-f]{64}$/i, (digest) => `${digest.startsWith('0') ? '1' : '0'}${digest.slice(1)}`);

async function applyFor(domain: string): Promise<{ status: unknown; otherMsg: unknown; detail: string }> {
  const { csrPem } = await makeCsr({ domains: [domain] });
  const answer = await api(sandbox, { customer_id: CUSTOMER.customerId, auth_token: CUSTOMER.authToken, req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
  return { status: answer.json['status'], otherMsg: answer.json['other_msg'], detail: (sandbox.requests.at(-1)?.detail ?? []).join(' | ') };
}

beforeAll(async () => {
  dns = await startDnsServer({ zones: ['test', 'signed.test', 'bogus.test'], signed: ['signed.test', 'bogus.test'] });
  for (const zone of ['signed.test', 'bogus.test']) {
    await dns.set(zone, { CAA: ALLOW });
    await dns.set(`www.${zone}`, { A: ['127.0.0.1'] });
  }
  await dns.set('plain.test', { A: ['127.0.0.1'], CAA: ALLOW });
  validator = await startValidatingResolver({ upstream: dns.address, trustAnchors: [await dns.ds('signed.test'), mismatched(await dns.ds('bogus.test'))] });
  web = await startHttpServer(serveSignfile(TOKEN));
  sandbox = await startSandbox({
    tls: false,
    customers: [CUSTOMER],
    validation: { dnsServers: [validator.address], httpPort: web.port, httpsPort: await closedPort(), dnsTimeoutMs: 2000 },
  });
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
  await web.close();
  await validator.close();
  await dns.close();
});

describe('CAA through a validating resolver (unbound) in front of signed zones', () => {
  it('issues for a correctly signed zone whose CAA names this CA', async () => {
    const secure = await applyFor('www.signed.test');
    expect(secure.status, secure.detail).toBe(0);
    expect(secure.detail).toContain('CAA at signed.test allows this CA');
  });

  it('refuses 109 naming the domain when the zone is bogus: the lookup fails with SERVFAIL from every perspective', async () => {
    const bogus = await applyFor('www.bogus.test');
    expect(bogus).toMatchObject({ status: 109, otherMsg: 'www.bogus.test' });
    // unbound says why (RFC 8914 Extended DNS Error), and the sandbox passes it on: the anchor names no key of the zone.
    expect(bogus.detail).toMatch(/CAA lookup for www\.bogus\.test failed: servfail at www\.bogus\.test \(DNSSEC bogus: (DNSKEY Missing, EDE 9|DNSSEC Bogus, EDE 6)\)/);
    expect(validator.log).toContain('DS hash mismatches key');
    const [caa] = sandbox.validations().at(-1)?.caa ?? [];
    expect(caa?.primary).toMatchObject({ allowed: false, reason: 'lookup-failed', extendedError: { dnssec: true } });
    expect(caa?.remote.map((remote) => remote.reason)).toEqual(Array(5).fill('lookup-failed'));
  });

  it('the same bogus zone asked without validation (the authoritative server itself) issues: the refusal is DNSSEC\'s', async () => {
    const unvalidated = await startSandbox({
      tls: false,
      customers: [CUSTOMER],
      perspectives: 0,
      validation: { dnsServers: [dns.address], httpPort: web.port, httpsPort: await closedPort(), dnsTimeoutMs: 2000 },
    });
    try {
      const { csrPem } = await makeCsr({ domains: ['www.bogus.test'] });
      const answer = await api(unvalidated, { customer_id: CUSTOMER.customerId, auth_token: CUSTOMER.authToken, req_type: 'cert_apply', domain_name: ['www.bogus.test'], csr: csrPem });
      expect(answer.json['status']).toBe(0);
    } finally {
      await closeAgent(unvalidated);
      await unvalidated.close();
    }
  });

  it('issues for an unsigned zone (insecure: no trust anchor above it)', async () => {
    expect(await applyFor('plain.test')).toMatchObject({ status: 0 });
  });
});

describe('validation.requireDnssec: only validated CAA answers (the AD bit)', () => {
  async function strictApply(domain: string, dnsServer: string): Promise<{ status: unknown; otherMsg: unknown; detail: string }> {
    const strict = await startSandbox({
      tls: false,
      customers: [CUSTOMER],
      perspectives: 2,
      validation: { dnsServers: [dnsServer], requireDnssec: true, httpPort: web.port, httpsPort: await closedPort(), dnsTimeoutMs: 2000 },
    });
    try {
      expect(strict.policy().requireDnssec).toBe(true);
      const { csrPem } = await makeCsr({ domains: [domain] });
      const answer = await api(strict, { customer_id: CUSTOMER.customerId, auth_token: CUSTOMER.authToken, req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
      return { status: answer.json['status'], otherMsg: answer.json['other_msg'], detail: (strict.requests.at(-1)?.detail ?? []).join(' | ') };
    } finally {
      await closeAgent(strict);
      await strict.close();
    }
  }

  it('issues for a signed zone: every answer of the climb (NODATA at www, the set at the zone) is validated', async () => {
    const secure = await strictApply('www.signed.test', validator.address);
    expect(secure.status, secure.detail).toBe(0);
  });

  it('refuses 109 for an unsigned zone, and for any zone asked of a server that does not validate', async () => {
    const insecure = await strictApply('plain.test', validator.address);
    expect(insecure).toMatchObject({ status: 109, otherMsg: 'plain.test' });
    expect(insecure.detail).toContain('CAA lookup for plain.test failed: not-validated at plain.test');
    // knotd is authoritative, not a validator: it never sets AD, even for its signed zone.
    expect(await strictApply('www.signed.test', dns.address)).toMatchObject({ status: 109, otherMsg: 'www.signed.test' });
  });
});

describe('queryDnssecState (dns-packet): the AD bit and Extended DNS Errors that node:dns does not show', () => {
  it('reads AD for a secure answer, none for an insecure one or from the authoritative server, and the EDE of a bogus one', async () => {
    const ask = (name: string, server = validator.address) => queryDnssecState(name, server, { timeoutMs: 2000, localAddress: '127.0.0.12' });
    expect(await ask('signed.test')).toEqual({ kind: 'answered', rcode: 'NOERROR', authenticated: true });
    expect(await ask('plain.test')).toEqual({ kind: 'answered', rcode: 'NOERROR', authenticated: false });
    expect(await ask('signed.test', dns.address)).toMatchObject({ kind: 'answered', authenticated: false });
    expect(await ask('bogus.test')).toMatchObject({ kind: 'answered', rcode: 'SERVFAIL', authenticated: false, extendedError: { dnssec: true } });
  });

  it('gives up after the timeout on a server that never answers', async () => {
    const silent = await startSilentDnsServer();
    try {
      expect(await queryDnssecState('signed.test', silent.address, { timeoutMs: 200 })).toEqual({ kind: 'failed', message: `no answer from ${silent.address} in 200 ms` });
    } finally {
      await silent.close();
    }
  });
});
