// The preflight against a REAL DNS server (Knot DNS, @acmapi/test-dns) on loopback: CAA
// climbing, CNAME chains, AAAA-only names, NXDOMAIN vs SERVFAIL, a resolver that times out,
// two resolvers that disagree. The signfile is served by a small HTTP server on loopback
// (IPv4 and IPv6), dialled through httpPort.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, startSilentDnsServer } from '@acmapi/test-dns';
import type { DnsServer } from '@acmapi/test-dns';
import { lookupCaa, preflight } from '../src/preflight/index.js';
import type { PreflightOptions } from '../src/preflight/index.js';
import { dnsServerResolver } from '../src/preflight/dns-servers.js';

const token = 'acmapi-dns-token-5f0c2a9e77d14b3c';
let dns: DnsServer;
let httpPort: number;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const site = createServer((request, response) => {
    response.writeHead(request.url === '/.well-known/pki-validation/signfile' ? 200 : 404, { 'content-type': 'text/plain' }).end(token);
  });
  // '::' with dual stack: the same port answers on 127.0.0.1 and ::1.
  await new Promise<void>((resolve) => site.listen(0, '::', resolve));
  httpPort = (site.address() as AddressInfo).port;
  closers.push(() => new Promise((resolve) => site.close(() => { resolve(); })));
  dns = await startDnsServer({ zones: ['test', 'other', 'www.cut.test'] });
  closers.push(() => dns.close());
  await dns.set('allowed.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'wosign.com' }] });
  await dns.set('locked.test', { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
  await dns.set('www.locked.test', { A: ['127.0.0.1'] });
  await dns.set('critical.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'wosign.com' }, { flags: 128, tag: 'tbs', value: 'x' }] });
  await dns.set('www.chain.test', { CNAME: 'hop.chain.test' });
  await dns.set('hop.chain.test', { CNAME: 'edge.chain.test' });
  await dns.set('edge.chain.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'digicert.com' }] });
  await dns.set('www.far.test', { CNAME: 'edge.other' });
  await dns.set('edge.other', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'digicert.com' }] });
  await dns.set('v6only.test', { AAAA: ['::1'] });
  await dns.set('loop1.test', { CNAME: 'loop2.other' });
  await dns.set('loop2.other', { CNAME: 'loop1.test' });
  await dns.set('account.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'wosign.com; accounturi=https://ca.test/customer/7' }] });
  await dns.set('www.cut.test', { A: ['127.0.0.1'] });
  await dns.servfail('broken.test');
  // cut.test (the parent of the zone www.cut.test) fails, www.cut.test itself answers.
  await dns.servfail('cut.test');
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const options = (domains: string[], extra: Partial<PreflightOptions> = {}): PreflightOptions => ({
  domains,
  signfile: { name: 'signfile', content: token },
  schemes: ['http'],
  httpPort,
  dnsServers: [dns.address],
  dnsTimeoutMs: 500,
  ...extra,
});

describe('preflight with CAA against a real DNS server', () => {
  it('a CAA record naming the CA allows, and the record that decided is reported', async () => {
    const result = await preflight(options(['allowed.test']));
    expect(result.ok).toBe(true);
    expect(result.domains[0]?.caa).toMatchObject({ ok: true, reason: 'allowed', at: 'allowed.test', record: { flags: 0, tag: 'issue', value: 'wosign.com' } });
  });

  it('CAA at the parent that names another CA refuses, naming where and whom', async () => {
    const result = await preflight(options(['www.locked.test']));
    const domain = result.domains[0];
    expect(domain?.ok).toBe(false);
    expect(domain?.failure?.kind).toBe('caa-forbids');
    expect(domain?.failure?.message).toBe('CAA at locked.test allows only letsencrypt.org, not wosign.com.');
    // The signfile itself is served: only CAA refuses.
    expect(domain?.addresses[0]?.ok).toBe(true);
  });

  it('caaIdentities changes who is allowed', async () => {
    const result = await preflight(options(['www.locked.test'], { caaIdentities: ['letsencrypt.org'] }));
    expect(result.ok).toBe(true);
  });

  it('an unknown critical tag refuses', async () => {
    const result = await preflight(options(['critical.test']));
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'caa-critical-unknown-tag', caa: { record: { flags: 128, tag: 'tbs' } } });
  });

  it('RFC 8657 accounturi of another account refuses', async () => {
    const result = await preflight(options(['account.test'], { caaAccountUri: 'https://ca.test/customer/42' }));
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'caa-forbids', caa: { refusal: 'accounturi-mismatch' } });
    expect((await preflight(options(['account.test'], { caaAccountUri: 'https://ca.test/customer/7' }))).ok).toBe(true);
  });

  it('a CNAME chain: addresses and CAA come from its end', async () => {
    const result = await preflight(options(['www.chain.test']));
    const domain = result.domains[0];
    expect(domain?.addresses.map((address) => address.address)).toEqual(['127.0.0.1']);
    expect(domain?.failure?.kind).toBe('caa-forbids');
    expect(domain?.failure?.message).toBe('CAA at www.chain.test (via CNAME hop.chain.test) allows only digicert.com, not wosign.com.');
  });

  it('a CNAME into another zone (an authoritative server does not follow it): CAA follows it hop by hop', async () => {
    const [first] = await lookupCaa('www.far.test', dnsServerResolver([dns.address]));
    expect(first).toEqual({ domain: 'www.far.test', records: [{ flags: 0, tag: 'issue', value: 'digicert.com' }], via: ['edge.other'] });
  });

  it('a CNAME loop is a failed lookup (what a recursive resolver answers with SERVFAIL), not an empty set', async () => {
    const [first] = await lookupCaa('loop1.test', dnsServerResolver([dns.address]));
    expect(first).toEqual({ domain: 'loop1.test', failed: 'dns-error', code: 'ECNAMELOOP' });
    const result = await preflight(options(['loop1.test']));
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'caa-lookup-failed', code: 'ECNAMELOOP' });
  });

  it('a name with only AAAA is checked over IPv6', async () => {
    const result = await preflight(options(['v6only.test']));
    expect(result.domains[0]?.addresses).toMatchObject([{ address: '::1', family: 6, ok: true }]);
    expect(result.domains[0]?.caa).toMatchObject({ ok: true, reason: 'no-caa' });
    expect(result.ok).toBe(true);
  });

  it('NXDOMAIN: the domain fails as not existing, while its CAA climb (NXDOMAIN too) is no failure', async () => {
    const result = await preflight(options(['nothing.here.test']));
    expect(result.domains[0]?.failure?.kind).toBe('dns-no-such-name');
    expect(result.domains[0]?.caa).toMatchObject({ ok: true, reason: 'no-caa' });
    const climb = await lookupCaa('nothing.here.test', dnsServerResolver([dns.address]));
    expect(climb).toEqual([
      { domain: 'nothing.here.test', records: [] },
      { domain: 'here.test', records: [] },
      { domain: 'test', records: [] },
    ]);
  });

  it('SERVFAIL for the name: a CAA lookup failure, never permission', async () => {
    const result = await preflight(options(['www.broken.test']));
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'caa-lookup-failed', code: 'ESERVFAIL' });
  });

  it('SERVFAIL at a parent only: the name resolves and serves, yet CAA fails', async () => {
    const result = await preflight(options(['www.cut.test']));
    const domain = result.domains[0];
    expect(domain?.addresses[0]?.ok).toBe(true);
    expect(domain?.failure).toMatchObject({ kind: 'caa-lookup-failed', code: 'ESERVFAIL', caa: { at: 'cut.test', failure: 'dns-servfail' } });
  });

  it('a DNS server that never answers: timeouts, within the DNS limits', async () => {
    const silent = await startSilentDnsServer();
    try {
      const started = Date.now();
      const result = await preflight(options(['allowed.test'], { dnsServers: [silent.address], dnsTimeoutMs: 200 }));
      expect(result.domains[0]?.failure).toMatchObject({ kind: 'caa-lookup-failed', code: 'ETIMEOUT', caa: { failure: 'dns-timeout' } });
      expect(result.domains[0]?.addresses).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('two DNS servers that disagree about the addresses: a split-horizon warning', async () => {
    const inside = await startDnsServer();
    try {
      await inside.set('allowed.test', { A: ['127.0.0.2'], CAA: [{ flags: 0, tag: 'issue', value: 'wosign.com' }] });
      const result = await preflight(options(['allowed.test'], { dnsServers: [dns.address, inside.address] }));
      const domain = result.domains[0];
      expect(domain?.resolversDisagree).toEqual([
        { server: dns.address, addresses: ['127.0.0.1'] },
        { server: inside.address, addresses: ['127.0.0.2'] },
      ]);
      expect(domain?.warnings.some((warning) => warning.startsWith('The DNS servers disagree about allowed.test'))).toBe(true);
      const agreeing = await preflight(options(['allowed.test'], { dnsServers: [dns.address, dns.address] }));
      expect(agreeing.domains[0]?.resolversDisagree).toBeUndefined();
    } finally {
      await inside.close();
    }
  });

  it('a signfile name that contains the token is refused before any fetch (BR 3.2.2.4.18)', async () => {
    const result = await preflight(options(['allowed.test'], { signfile: { name: `x-${token}`, content: token } }));
    expect(result.domains[0]).toMatchObject({ ok: false, addresses: [], failure: { kind: 'signfile-name-contains-token' } });
  });
});
