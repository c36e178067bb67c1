// The preflight's CAA check through a DNSSEC-validating resolver (BR 3.2.2.8: from 2026-03-15
// a CA's CAA lookups are validated): knotd signs the zones (@acmapi/test-dns), unbound
// validates them against their trust anchors, and the preflight asks unbound (`dnsServers`,
// as `--dns-server` does). A bogus zone is a CAA lookup failure, as the CA will find it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, startValidatingResolver } from '@acmapi/test-dns';
import type { DnsServer, ValidatingResolver } from '@acmapi/test-dns';
import { preflight } from '../src/preflight/index.js';
import type { PreflightOptions } from '../src/preflight/index.js';

const token = 'acmapi-dnssec-token-3e9b51c0a2';
const allow = [{ flags: 0, tag: 'issue', value: 'wosign.com' }];
let dns: DnsServer;
let validator: ValidatingResolver;
let httpPort: number;
const closers: (() => Promise<void>)[] = [];

/** A trust anchor that names no key of the zone: the digest of its DS with one hex digit changed. */
const mismatched = (ds: string): string => ds.replace(/[0-9a-f]{64}$/i, (digest) => `${digest.startsWith('0') ? '1' : '0'}${digest.slice(1)}`);

beforeAll(async () => {
  const site = createServer((request, response) => {
    response.writeHead(request.url === '/.well-known/pki-validation/signfile' ? 200 : 404, { 'content-type': 'text/plain' }).end(token);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  httpPort = (site.address() as AddressInfo).port;
  closers.push(() => new Promise((resolve) => site.close(() => { resolve(); })));
  dns = await startDnsServer({ zones: ['test', 'signed.test', 'bogus.test'], signed: ['signed.test', 'bogus.test'] });
  closers.push(() => dns.close());
  for (const zone of ['signed.test', 'bogus.test']) {
    await dns.set(zone, { CAA: allow });
    await dns.set(`www.${zone}`, { A: ['127.0.0.1'] });
  }
  await dns.set('plain.test', { A: ['127.0.0.1'], CAA: allow });
  validator = await startValidatingResolver({ upstream: dns.address, trustAnchors: [await dns.ds('signed.test'), mismatched(await dns.ds('bogus.test'))] });
  closers.push(() => validator.close());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const options = (domains: string[], dnsServers = [validator.address]): PreflightOptions => ({
  domains,
  signfile: { name: 'signfile', content: token },
  schemes: ['http'],
  httpPort,
  dnsServers,
  dnsTimeoutMs: 2000,
});

describe('preflight CAA through a validating resolver (unbound) in front of signed zones', () => {
  it('a correctly signed zone whose CAA names the CA passes', async () => {
    const result = await preflight(options(['www.signed.test']));
    expect(result.ok).toBe(true);
    expect(result.domains[0]?.caa).toMatchObject({ ok: true, reason: 'allowed', at: 'signed.test' });
  });

  it('a bogus zone is a CAA lookup failure for that domain (SERVFAIL from the validator), as the CA will find it', async () => {
    const result = await preflight(options(['www.bogus.test']));
    const domain = result.domains[0];
    expect(result.ok).toBe(false);
    expect(domain?.caa).toMatchObject({ ok: false, reason: 'caa-lookup-failed', at: 'www.bogus.test', code: 'ESERVFAIL' });
    expect(domain?.domain).toBe('www.bogus.test');
    expect(domain?.failure).toMatchObject({ kind: 'caa-lookup-failed', code: 'ESERVFAIL' });
    expect(domain?.failure?.message).toContain('www.bogus.test');
    expect(validator.log).toContain('DS hash mismatches key');
    // Asked without validation, the same zone passes: the failure is DNSSEC's.
    expect((await preflight(options(['www.bogus.test'], [dns.address]))).ok).toBe(true);
  });

  it('an unsigned zone (insecure: no trust anchor above it) passes', async () => {
    expect((await preflight(options(['plain.test']))).ok).toBe(true);
  });
});
