import { promises as dns } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayingDnsProxy, startDnsServer, startSilentDnsServer, startValidatingResolver } from '../index.mjs';

/** A resolver that asks only `address` (as core's preflight will), no retries. */
function resolverFor(address, timeout = 1000) {
  const resolver = new dns.Resolver({ timeout, tries: 1 });
  resolver.setServers([address]);
  return resolver;
}

const code = (promise) => promise.then(() => 'answered', (error) => error.code);

describe('startDnsServer (knotd)', () => {
  let server;
  beforeAll(async () => {
    server = await startDnsServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves A, AAAA-only names, CAA with quotes, and a CNAME chain answered in one response', async () => {
    await server.set('www.example.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'ca.test; accounturi="https://x"' }] });
    await server.set('v6.example.test', { AAAA: ['::1'] });
    await server.set('a.example.test', { CNAME: 'b.example.test' });
    await server.set('b.example.test', { CNAME: 'www.example.test' });
    const r = resolverFor(server.address);
    expect(await r.resolve4('www.example.test')).toEqual(['127.0.0.1']);
    expect(await r.resolve6('v6.example.test')).toEqual(['::1']);
    expect(await code(r.resolve4('v6.example.test'))).toBe('ENODATA');
    expect(await r.resolveCaa('www.example.test')).toEqual([{ critical: 0, issue: 'ca.test; accounturi="https://x"' }]);
    expect(await r.resolveCname('a.example.test')).toEqual(['b.example.test']);
    expect(await r.resolve4('a.example.test')).toEqual(['127.0.0.1']);
    expect(await r.resolveCaa('a.example.test')).toEqual([{ critical: 0, issue: 'ca.test; accounturi="https://x"' }]);
  });

  it('set replaces, remove gives NXDOMAIN, names outside the zones are refused', async () => {
    await server.set('gone.test', { A: ['127.0.0.2'] });
    await server.set('gone.test', { A: ['127.0.0.3'] });
    const r = resolverFor(server.address);
    expect(await r.resolve4('gone.test')).toEqual(['127.0.0.3']);
    await server.remove('gone.test');
    expect(await code(r.resolve4('gone.test'))).toBe('ENOTFOUND');
    expect(await code(r.resolve4('nothing.example'))).toBe('EREFUSED');
  });

  it('servfail answers SERVFAIL at and under the name, and only there', async () => {
    await server.set('ok.test', { A: ['127.0.0.1'] });
    await server.set('sub.broken.test', { A: ['127.0.0.1'] });
    await server.servfail('broken.test');
    const r = resolverFor(server.address);
    expect(await code(r.resolve4('broken.test'))).toBe('ESERVFAIL');
    expect(await code(r.resolveCaa('sub.broken.test'))).toBe('ESERVFAIL');
    expect(await r.resolve4('ok.test')).toEqual(['127.0.0.1']);
  });
});

describe('servfail on a served zone itself', () => {
  it('the whole zone answers SERVFAIL', async () => {
    const server = await startDnsServer({ zones: ['apex'] });
    try {
      await server.set('www.apex', { A: ['127.0.0.1'] });
      expect(await resolverFor(server.address).resolve4('www.apex')).toEqual(['127.0.0.1']);
      await server.servfail('apex');
      expect(await code(resolverFor(server.address).resolve4('www.apex'))).toBe('ESERVFAIL');
    } finally {
      await server.close();
    }
  });
});

describe('startSilentDnsServer and startDelayingDnsProxy', () => {
  it('the silent server lets a query time out', async () => {
    const silent = await startSilentDnsServer();
    try {
      expect(await code(resolverFor(silent.address, 300).resolve4('x.test'))).toBe('ETIMEOUT');
    } finally {
      await silent.close();
    }
  });

  it('the proxy passes answers on after the delay', async () => {
    const server = await startDnsServer({ zones: ['example'] });
    const proxy = await startDelayingDnsProxy({ upstream: server.address, delayMs: 150 });
    try {
      await server.set('slow.example', { A: ['127.0.0.9'] });
      const started = performance.now();
      expect(await resolverFor(proxy.address).resolve4('slow.example')).toEqual(['127.0.0.9']);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});

describe('startValidatingResolver (unbound) in front of zones knotd signs', () => {
  let server;
  let resolver;
  let anchors;
  beforeAll(async () => {
    server = await startDnsServer({ zones: ['test', 'signed.test', 'bogus.test'], signed: ['signed.test', 'bogus.test'] });
    await server.set('signed.test', { CAA: [{ flags: 0, tag: 'issue', value: 'ca.test' }] });
    await server.set('www.signed.test', { A: ['127.0.0.1'] });
    await server.set('bogus.test', { CAA: [{ flags: 0, tag: 'issue', value: 'ca.test' }] });
    await server.set('plain.test', { A: ['127.0.0.1'] });
    const good = await server.ds('signed.test');
    // The DS of bogus.test with another digest: a trust anchor that names no key of the zone.
    const real = await server.ds('bogus.test');
    const wrong = real.replace(/[0-9a-f]{64}$/i, (digest) => `${digest[0] === '0' ? '1' : '0'}${digest.slice(1)}`);
    anchors = { good, real, wrong };
    resolver = await startValidatingResolver({ upstream: server.address, trustAnchors: [good, wrong] });
  });
  afterAll(async () => {
    await resolver?.close();
    await server?.close();
  });

  it('ds gives the SHA-256 DS of a signed zone, and refuses an unsigned one', async () => {
    expect(anchors.good).toMatch(/^signed\.test\. DS \d+ 13 2 [0-9a-f]{64}$/);
    expect(anchors.wrong).not.toBe(anchors.real);
    await expect(server.ds('test')).rejects.toThrow('test is not a signed zone');
  });

  it('answers a secure zone and an insecure one, and SERVFAIL for a zone whose key the anchor does not name', async () => {
    const r = resolverFor(resolver.address, 3000);
    expect(await r.resolveCaa('signed.test')).toEqual([{ critical: 0, issue: 'ca.test' }]);
    expect(await r.resolve4('www.signed.test')).toEqual(['127.0.0.1']);
    expect(await r.resolve4('plain.test')).toEqual(['127.0.0.1']);
    expect(await code(r.resolveCaa('bogus.test'))).toBe('ESERVFAIL');
    expect(await code(r.resolveCaa('www.bogus.test'))).toBe('ESERVFAIL');
    expect(resolver.log).toContain('DS hash mismatches key');
    // The authoritative server itself answers: the SERVFAIL is the validator's.
    expect(await resolverFor(server.address).resolveCaa('bogus.test')).toEqual([{ critical: 0, issue: 'ca.test' }]);
  });

  it('validates changes: a record set after start is signed and answered', async () => {
    await server.set('new.signed.test', { A: ['127.0.0.7'] });
    expect(await resolverFor(resolver.address, 3000).resolve4('new.signed.test')).toEqual(['127.0.0.7']);
  });

  it('refuses an anchor that is not a DS or DNSKEY record', async () => {
    await expect(startValidatingResolver({ upstream: server.address, trustAnchors: ['signed.test. "; include: /etc/passwd'] })).rejects.toThrow('not a DS or DNSKEY record');
  });
});
