// The preflight against small real servers on loopback: one that accepts and
// never answers, one that refuses, an IIS-like 404, and acmapi's own signfile server.
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@acmapi/test-utils';
import { PreflightError } from '../src/index.js';
import { serveSignfile } from '../src/deploy/index.js';
import { enforcePreflight, preflight } from '../src/preflight/index.js';
import type { PreflightOptions, PreflightResolver } from '../src/preflight/index.js';

const signfile = { name: 'signfile', content: 'acmapi-token-0123456789abcdef' };
const noDns: PreflightResolver = {
  resolve4: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })),
  resolve6: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })),
};
const base = (port: number): PreflightOptions => ({
  domains: ['a.test'],
  signfile,
  resolve: [{ domain: 'a.test', addresses: ['127.0.0.1'] }],
  httpPort: port,
  httpsPort: port,
  resolver: noDns,
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: NetServer | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Accepts every connection and never sends a byte. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return port;
}

describe('preflight timeouts and failures', () => {
  it('a server that accepts and never answers times out within the configured bounds', async () => {
    const port = await silentServer();
    const started = Date.now();
    const result = await preflight({ ...base(port), connectTimeoutMs: 400, headersTimeoutMs: 400, bodyTimeoutMs: 400, deadlineMs: 10_000 });
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    const [http, https] = result.domains[0]?.addresses[0]?.schemes ?? [];
    // http: the TCP connection is up, the answer never comes; https: the TLS handshake never finishes.
    expect(http?.failure).toMatchObject({ kind: 'timeout', phase: 'headers' });
    expect(http?.failure?.message).toContain('(400 ms)');
    expect(https?.failure).toMatchObject({ kind: 'timeout', phase: 'connect' });
    // Both schemes ran in parallel: well under the sum of the limits plus slack.
    expect(elapsed).toBeLessThan(2_500);
  });

  it('the overall deadline stops a slow preflight', async () => {
    const port = await silentServer();
    const started = Date.now();
    const result = await preflight({ ...base(port), schemes: ['http'], headersTimeoutMs: 20_000, deadlineMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'timeout', phase: 'deadline' });
  });

  it('a closed port is connection-refused', async () => {
    const port = await freePort();
    const result = await preflight({ ...base(port), schemes: ['http'] });
    expect(result.domains[0]?.failure?.kind).toBe('connection-refused');
  });

  it('a name that does not resolve is dns-no-such-name, and strict mode refuses to apply', async () => {
    const result = await preflight({ ...base(1), domains: ['missing.test'], mode: 'strict' });
    expect(result).toMatchObject({ ok: false, mode: 'strict', domains: [{ domain: 'missing.test', ok: false, addresses: [], failure: { kind: 'dns-no-such-name' } }] });
    expect(() => {
      enforcePreflight(result);
    }).toThrow(PreflightError);
    expect(() => {
      enforcePreflight({ ...result, mode: 'warn' });
    }).not.toThrow();
  });

  it('a 404 from Microsoft-IIS offers the web.config remedy', async () => {
    const server = createHttpServer((_request, response) => {
      response.writeHead(404, { server: 'Microsoft-IIS/10.0', 'content-type': 'text/html' }).end('<html><body>404</body></html>');
    });
    const port = await listen(server);
    cleanups.push(() => new Promise((resolve) => server.close(() => { resolve(); })));
    const result = await preflight({ ...base(port), schemes: ['http'] });
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'http-status', status: 404, remedy: 'iis-web-config' });
    expect(result.domains[0]?.failure?.hint).toContain('web.config');
  });

  it('fails a body over maxBodyBytes even when its start holds the token, reading no more than the cap', async () => {
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // The token first, then 4 MiB of filler: the reference CA refuses such an answer, so must the preflight.
      const body = Buffer.concat([Buffer.from(signfile.content), Buffer.alloc(4 * 1024 * 1024, 0x61)]);
      response.end(body);
    });
    const port = await listen(server);
    cleanups.push(() => new Promise((resolve) => server.close(() => { resolve(); })));
    const result = await preflight({ ...base(port), schemes: ['http'], maxBodyBytes: 1024 });
    const outcome = result.domains[0]?.addresses[0]?.schemes[0];
    expect(outcome?.hops[0]?.bodyTruncated).toBe(true);
    expect(outcome?.failure).toMatchObject({ kind: 'body-too-large' });
    expect(outcome?.failure?.message).toContain('more than 1024 bytes');
    expect(result.domains[0]?.ok).toBe(false);
  });

  it('the deadline also bounds a DNS resolver that never answers', async () => {
    const hanging: PreflightResolver = { resolve4: () => new Promise(() => undefined), resolve6: () => new Promise(() => undefined) };
    const result = await preflight({ ...base(1), domains: ['slow-dns.test'], resolver: hanging, deadlineMs: 200 });
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'dns-timeout', message: expect.stringContaining('ETIMEOUT') as unknown });
  });

  it('mode off checks nothing', async () => {
    expect(await preflight({ ...base(1), mode: 'off' })).toEqual({ ok: true, mode: 'off', domains: [] });
  });
});

describe('preflight redirects and concurrency against a node server', () => {
  /** Answers by Host: endless redirects, a redirect to an unknown host, a 303; counts requests in flight. */
  async function redirectServer(): Promise<{ port: number; maxInFlight: () => number }> {
    let inFlight = 0;
    let max = 0;
    const server = createHttpServer((request, response) => {
      inFlight++;
      max = Math.max(max, inFlight);
      setTimeout(() => {
        inFlight--;
        const host = (request.headers.host ?? '').split(':')[0];
        const url = request.url ?? '/';
        if (host === 'endless.test') {
          const n = Number(/hop=(\d+)/.exec(url)?.[1] ?? '0');
          response.writeHead(302, { location: `/.well-known/pki-validation/signfile?hop=${n + 1}` }).end();
        } else if (host === 'away.test') {
          response.writeHead(301, { location: `http://unknown.test${url}` }).end();
        } else if (host === 'see-other.test') {
          response.writeHead(303, { location: `http://see-other.test/x` }).end();
        } else {
          response.writeHead(200, { 'content-type': 'text/plain' }).end(signfile.content);
        }
      }, 30);
    });
    const port = await listen(server);
    cleanups.push(() => new Promise((resolve) => server.close(() => { resolve(); })));
    return { port, maxInFlight: () => max };
  }

  it('stops after 10 redirects with too-many-redirects', async () => {
    const { port } = await redirectServer();
    const result = await preflight({ ...base(port), domains: ['endless.test'], schemes: ['http'], resolve: [{ domain: 'endless.test', addresses: ['127.0.0.1'] }] });
    const outcome = result.domains[0]?.addresses[0]?.schemes[0];
    expect(outcome?.failure?.kind).toBe('too-many-redirects');
    expect(outcome?.hops).toHaveLength(11);
  });

  it('resolves a redirect to another host, and fails with its DNS failure when it has none', async () => {
    const { port } = await redirectServer();
    const result = await preflight({ ...base(port), domains: ['away.test'], schemes: ['http'], resolve: [{ domain: 'away.test', addresses: ['127.0.0.1'] }] });
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'dns-no-such-name', url: 'http://unknown.test/.well-known/pki-validation/signfile' });
  });

  it('refuses a 303 redirect, naming the status', async () => {
    const { port } = await redirectServer();
    const result = await preflight({ ...base(port), domains: ['see-other.test'], schemes: ['http'], resolve: [{ domain: 'see-other.test', addresses: ['127.0.0.1'] }] });
    expect(result.domains[0]?.failure).toMatchObject({ kind: 'redirect-not-allowed', redirect: { reason: 'status', status: 303 } });
  });

  it('never has more requests in flight than the concurrency bound', async () => {
    const { port, maxInFlight } = await redirectServer();
    const domains = ['a.test', 'b.test', 'c.test', 'd.test', 'e.test', 'f.test', 'g.test', 'h.test'];
    const result = await preflight({
      ...base(port),
      domains,
      schemes: ['http'],
      resolve: domains.map((domain) => ({ domain, addresses: ['127.0.0.1'] })),
      concurrency: 3,
    });
    expect(result.ok).toBe(true);
    expect(result.domains.flatMap((d) => d.addresses)).toHaveLength(8);
    expect(maxInFlight()).toBe(3);
  });
});

describe('preflight against serveSignfile', () => {
  it('the standalone signfile server passes exactly, on every address it listens on', async () => {
    const v4 = await serveSignfile({ host: '127.0.0.1', signfile });
    cleanups.push(() => v4.close());
    const v6 = await serveSignfile({ host: '::1', port: v4.port, signfile });
    cleanups.push(() => v6.close());
    const result = await preflight({
      ...base(v4.port),
      schemes: ['http'],
      resolve: [{ domain: 'a.test', addresses: ['127.0.0.1', '::1'] }],
    });
    expect(result.ok).toBe(true);
    expect(result.domains[0]?.addresses.map((a) => [a.address, a.schemes[0]?.content?.kind])).toEqual([['127.0.0.1', 'exact'], ['::1', 'exact']]);
  });
});
