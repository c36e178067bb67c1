/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY: the client's default transport goes through
 * a real forward proxy on 127.0.0.1, or around it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { json, startAcmApiTestServer } from './helpers/acmapi-test-server.js';
import type { AcmApiTestServer } from './helpers/acmapi-test-server.js';
import { startInterceptingProxy } from '@acmapi/test-utils';
import { startTestProxy } from './helpers/connect-proxy.js';
import type { TestProxy } from './helpers/connect-proxy.js';
import { makeServerCertificate } from './helpers/tls-server-cert.js';
import type { ServerCertificate } from './helpers/tls-server-cert.js';

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const savedEnv = new Map<string, string | undefined>();
const pending = json({ result: 'pending', status: 1, handle_id: 'via-proxy' });

let tlsCert: ServerCertificate;
let proxy: TestProxy;
let server: AcmApiTestServer | undefined;
let client: AcmApiClient | undefined;

function clearProxyEnv(): void {
  for (const name of PROXY_VARS) Reflect.deleteProperty(process.env, name);
}

beforeAll(() => {
  for (const name of PROXY_VARS) savedEnv.set(name, process.env[name]);
  tlsCert = makeServerCertificate();
});

afterAll(() => {
  clearProxyEnv();
  for (const [name, value] of savedEnv) if (value !== undefined) process.env[name] = value;
});

beforeEach(async () => {
  clearProxyEnv();
  proxy = await startTestProxy();
});

afterEach(async () => {
  await client?.close();
  await server?.close();
  await proxy.close();
  client = undefined;
  server = undefined;
});

describe('proxy from the environment', () => {
  it('sends an http: endpoint through HTTP_PROXY', async () => {
    server = await startAcmApiTestServer({ replies: [pending] });
    process.env['HTTP_PROXY'] = proxy.url;
    client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, retries: 0 });
    expect(await client.retrieve('h')).toStrictEqual({ status: 'pending', handleId: 'via-proxy' });
    expect([...proxy.connects, ...proxy.forwarded]).toStrictEqual([
      expect.stringContaining(`127.0.0.1:${server.port}`),
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('tunnels an https: endpoint through HTTPS_PROXY, trusting the endpoint by ca', async () => {
    server = await startAcmApiTestServer({ tls: tlsCert, replies: [pending] });
    process.env['HTTPS_PROXY'] = proxy.url;
    client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, ca: tlsCert.cert, retries: 0 });
    expect(await client.retrieve('h')).toStrictEqual({ status: 'pending', handleId: 'via-proxy' });
    expect(proxy.connects).toStrictEqual([`127.0.0.1:${server.port}`]);
  });

  it('goes around the proxy for hosts in NO_PROXY', async () => {
    server = await startAcmApiTestServer({ replies: [pending] });
    process.env['HTTP_PROXY'] = proxy.url;
    process.env['HTTPS_PROXY'] = proxy.url;
    process.env['NO_PROXY'] = 'localhost,127.0.0.1';
    client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, retries: 0 });
    expect(await client.retrieve('h')).toStrictEqual({ status: 'pending', handleId: 'via-proxy' });
    expect(proxy.connects).toStrictEqual([]);
    expect(proxy.forwarded).toStrictEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('a dispatcher passed in is used as is, ignoring the environment', async () => {
    const { Agent } = await import('undici');
    server = await startAcmApiTestServer({ replies: [pending] });
    process.env['HTTP_PROXY'] = proxy.url;
    const dispatcher = new Agent();
    try {
      client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, dispatcher, retries: 0 });
      expect((await client.retrieve('h')).status).toBe('pending');
      expect(proxy.connects).toStrictEqual([]);
      expect(proxy.forwarded).toStrictEqual([]);
    } finally {
      await client?.close();
      await dispatcher.close();
    }
  });
});

describe('a TLS-intercepting proxy (HTTPS_PROXY re-signing with its own CA)', () => {
  it('untrusted: TRANSPORT_TLS naming the proxy, and saying to trust the proxy\'s CA', async () => {
    server = await startAcmApiTestServer({ tls: tlsCert, replies: [pending] });
    const mitm = await startInterceptingProxy({ upstreamCa: tlsCert.cert });
    try {
      process.env['HTTPS_PROXY'] = mitm.url;
      client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, ca: tlsCert.cert, retries: 0 });
      const error = await client.retrieve('h').catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TransportError', code: 'TRANSPORT_TLS', proxy: mitm.url, retryable: false });
      expect((error as Error).message).toContain(`through the proxy ${mitm.url}`);
      expect((error as { hint: string }).hint).toMatch(/its own CA: trust that CA's certificate/);
      expect(mitm.intercepted).toStrictEqual([`127.0.0.1:${server.port}`]);
      expect(server.requests).toHaveLength(0);
    } finally {
      await mitm.close();
    }
  });

  it('trusted by ca: the call goes through, the proxy having read it', async () => {
    server = await startAcmApiTestServer({ tls: tlsCert, replies: [pending] });
    const mitm = await startInterceptingProxy({ upstreamCa: tlsCert.cert });
    try {
      process.env['HTTPS_PROXY'] = mitm.url;
      client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, ca: mitm.caPem, retries: 0 });
      expect(await client.retrieve('h')).toStrictEqual({ status: 'pending', handleId: 'via-proxy' });
      expect(mitm.intercepted).toStrictEqual([`127.0.0.1:${server.port}`]);
      expect(server.requests).toHaveLength(1);
    } finally {
      await mitm.close();
    }
  });

  it('NO_PROXY: the endpoint is reached directly and trusted by its own CA; a TLS failure then names no proxy', async () => {
    server = await startAcmApiTestServer({ tls: tlsCert, replies: [pending] });
    const mitm = await startInterceptingProxy({ upstreamCa: tlsCert.cert });
    try {
      process.env['HTTPS_PROXY'] = mitm.url;
      process.env['NO_PROXY'] = '127.0.0.1';
      client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, ca: tlsCert.cert, retries: 0 });
      expect(await client.retrieve('h')).toStrictEqual({ status: 'pending', handleId: 'via-proxy' });
      await client.close();
      client = new AcmApiClient({ customerId: 'c1', authToken: 't1', endpoint: server.url, ca: mitm.caPem, retries: 0 });
      expect(await client.retrieve('h').catch((e: unknown) => e)).toMatchObject({ code: 'TRANSPORT_TLS', proxy: undefined });
      expect(mitm.intercepted).toStrictEqual([]);
    } finally {
      await mitm.close();
    }
  });
});

