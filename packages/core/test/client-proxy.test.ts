/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY: the client's default transport goes through
 * a real forward proxy on 127.0.0.1, or around it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { json, startAcmApiTestServer } from './helpers/acmapi-test-server.js';
import type { AcmApiTestServer } from './helpers/acmapi-test-server.js';
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
