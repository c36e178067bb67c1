/**
 * AcmApiClient's transport against real sockets on 127.0.0.1: TLS with an extra CA,
 * timeouts per phase, refused ports, endless bodies, aborts and the deadline.
 */
import type { ServerResponse } from 'node:http';
import { rootCertificates } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import type { AcmApiClientOptions, RetryEvent } from '../src/client/client-options.js';
import { AcmApiError, TransportError } from '../src/errors/errors.js';
import { toTransportError, trustedCertificates } from '../src/client/transport.js';
import { closedPort, json, startAcmApiTestServer } from './helpers/acmapi-test-server.js';
import type { AcmApiTestServer, AcmApiTestServerOptions, Reply } from './helpers/acmapi-test-server.js';
import { makeServerCertificate } from './helpers/tls-server-cert.js';
import type { ServerCertificate } from './helpers/tls-server-cert.js';

const TOKEN = 'tok_transport_SECRET_42';
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const savedEnv = new Map<string, string | undefined>();
const pending = json({ result: 'pending', status: 1, handle_id: 'h1' });
const hang: Reply = () => {
  // Never answers.
};

let tlsCert: ServerCertificate;
let server: AcmApiTestServer | undefined;
let client: AcmApiClient | undefined;

beforeAll(() => {
  for (const name of PROXY_VARS) {
    savedEnv.set(name, process.env[name]);
    Reflect.deleteProperty(process.env, name);
  }
  tlsCert = makeServerCertificate();
});

afterAll(() => {
  for (const [name, value] of savedEnv) if (value !== undefined) process.env[name] = value;
});

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(
  serverOptions: AcmApiTestServerOptions,
  options: Partial<AcmApiClientOptions> = {},
): Promise<{ server: AcmApiTestServer; client: AcmApiClient }> {
  server = await startAcmApiTestServer(serverOptions);
  client = new AcmApiClient({ customerId: 'c1', authToken: TOKEN, endpoint: server.url, minRetryDelayMs: 5, maxRetryDelayMs: 20, ...options });
  return { server, client };
}

async function transportError(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected a TransportError');
}

describe('TLS (option ca)', () => {
  it('trusts a private endpoint\'s CA given with ca, besides the default roots', async () => {
    const { client: c } = await setup({ tls: tlsCert, replies: [pending] }, { ca: tlsCert.cert });
    expect(await c.retrieve('h1')).toStrictEqual({ status: 'pending', handleId: 'h1' });
  });

  it('without ca, fails with TRANSPORT_TLS hinting at an extra CA certificate (in neutral words), and does not retry', async () => {
    const { server: s, client: c } = await setup({ tls: tlsCert, replies: [pending] }, { retries: 3 });
    const error = await transportError(c.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_TLS');
    expect(error.answered).toBe(false);
    expect(error.hint).toContain('extra CA certificate for the endpoint');
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/--[a-z]|ACMAPI_/);
    expect(error.retryable).toBe(false);
    expect(s.requests).toHaveLength(0);
    expect(s.connections).toBe(1);
  });

  it('with another CA in ca still rejects the endpoint', async () => {
    const other = makeServerCertificate('someone else');
    const { client: c } = await setup({ tls: tlsCert, replies: [pending] }, { ca: [other.cert] });
    expect((await transportError(c.retrieve('h1'))).code).toBe('TRANSPORT_TLS');
  });

  it('with trustDefaultRoots: false trusts ca alone: the endpoint\'s CA is enough, another CA is not', async () => {
    const { client: c } = await setup({ tls: tlsCert, replies: [pending] }, { ca: tlsCert.cert, trustDefaultRoots: false });
    expect(await c.retrieve('h1')).toStrictEqual({ status: 'pending', handleId: 'h1' });
    await c.close();
    await server?.close();
    const other = makeServerCertificate('someone else');
    const { client: c2 } = await setup({ tls: tlsCert, replies: [pending] }, { ca: [other.cert], trustDefaultRoots: false });
    expect((await transportError(c2.retrieve('h1'))).code).toBe('TRANSPORT_TLS');
  });

  it('the trusted list is the default roots then ca, or ca alone without the default roots', () => {
    const ca = [tlsCert.cert];
    expect(rootCertificates.length).toBeGreaterThan(100);
    expect(trustedCertificates(ca, true)).toStrictEqual([...rootCertificates, tlsCert.cert]);
    expect(trustedCertificates(ca, false)).toStrictEqual([tlsCert.cert]);
  });
});

describe('timeouts per phase', () => {
  it('a server that never answers is TRANSPORT_TIMEOUT phase headers, retried since nothing came back', async () => {
    const events: RetryEvent[] = [];
    const { server: s, client: c } = await setup({ replies: [hang] }, { headersTimeoutMs: 200, retries: 1, onRetry: (e) => events.push(e) });
    const error = await transportError(c.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_TIMEOUT');
    expect(error.phase).toBe('headers');
    expect(error.answered).toBe(false);
    expect(error.message).toContain('200 ms');
    expect(error.limitMs).toBe(200);
    expect(error.retryable).toBe(true);
    expect(s.requests).toHaveLength(2);
    expect(events).toHaveLength(1);
  });

  it('a body that stalls midway is TRANSPORT_TIMEOUT phase body, answered, not retried', async () => {
    const stall: Reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":"pending",');
    };
    const { server: s, client: c } = await setup({ replies: [stall] }, { bodyTimeoutMs: 200, retries: 3 });
    const error = await transportError(c.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_TIMEOUT');
    expect(error.phase).toBe('body');
    expect(error.answered).toBe(true);
    expect(s.requests).toHaveLength(1);
  });

  it('the overall deadline bounds the call, retries included: TRANSPORT_TIMEOUT phase deadline', async () => {
    const { server: s, client: c } = await setup({ replies: [hang] }, { headersTimeoutMs: 60_000, deadlineMs: 300, retries: 3 });
    const error = await transportError(c.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_TIMEOUT');
    expect(error.phase).toBe('deadline');
    expect(s.requests).toHaveLength(1);
  });
});

describe('connection failures', () => {
  it('a refused port is TRANSPORT_REFUSED, retried before giving up', async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    client = new AcmApiClient({
      customerId: 'c1', authToken: TOKEN, endpoint: `http://127.0.0.1:${port}/`, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
      onRetry: (e) => events.push(e),
    });
    const error = await transportError(client.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_REFUSED');
    expect(error.answered).toBe(false);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(events.map((e) => e.error.code)).toStrictEqual(['TRANSPORT_REFUSED', 'TRANSPORT_REFUSED']);
  });

  it.each([
    ['ENOTFOUND', 'TRANSPORT_DNS'],
    ['EAI_AGAIN', 'TRANSPORT_DNS'],
    ['ECONNRESET', 'TRANSPORT_FAILED'],
    ['CERT_HAS_EXPIRED', 'TRANSPORT_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TRANSPORT_TLS'],
    ['UND_ERR_CONNECT_TIMEOUT', 'TRANSPORT_TIMEOUT'],
  ])('maps a socket error %s (wrapped as undici does) to %s', (socketCode, code) => {
    const cause = Object.assign(new Error(`socket says ${socketCode}`), { code: socketCode });
    const error = toTransportError(Object.assign(new Error('fetch failed', { cause }), { code: 'UND_ERR_SOCKET' }), {
      options: {
        url: new URL('https://user:pw@acmapi.example/path?q=1'), body: '', dispatcher: undefined as never,
        connectTimeoutMs: 1, headersTimeoutMs: 1, bodyTimeoutMs: 1, maxBodyBytes: 1,
      },
      answered: false,
    });
    expect(error.code).toBe(code);
    expect(error.message).toContain('https://acmapi.example/path');
    expect(error.message).not.toContain('pw');
  });
});

describe('the body cap (maxBodyBytes)', () => {
  it('stops reading an endless body past 1 MiB and closes the connection', async () => {
    let written = 0;
    let closed: () => void = () => undefined;
    const closedPromise = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const endless: Reply = (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => {
        closed();
      });
      pump();
    };
    const { server: s, client: c } = await setup({ replies: [endless] }, { retries: 3 });
    let error: unknown;
    try {
      await c.retrieve('h1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AcmApiError);
    expect((error as AcmApiError).code).toBe('PROTOCOL_BODY_TOO_LARGE');
    await closedPromise;
    // Closed by the client: the server could not push more than the cap plus socket buffers.
    expect(written).toBeLessThan(16 * 1_048_576);
    expect(s.requests).toHaveLength(1);
  });

  it('rejects from Content-Length before reading the body', async () => {
    const announced: Reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1_048_576) });
      res.write('{');
    };
    const { client: c } = await setup({ replies: [announced] }, { bodyTimeoutMs: 20_000 });
    let code: string | undefined;
    try {
      await c.retrieve('h1');
    } catch (error) {
      code = (error as AcmApiError).code;
    }
    expect(code).toBe('PROTOCOL_BODY_TOO_LARGE');
  });

  it('honours a smaller maxBodyBytes', async () => {
    const { client: c } = await setup({ replies: [json({ result: 'pending', status: 1, handle_id: 'h'.repeat(200) })] }, { maxBodyBytes: 100 });
    let code: string | undefined;
    try {
      await c.retrieve('h1');
    } catch (error) {
      code = (error as AcmApiError).code;
    }
    expect(code).toBe('PROTOCOL_BODY_TOO_LARGE');
  });
});

describe('the caller\'s signal', () => {
  it('aborts a call in flight: TRANSPORT_ABORTED, not retried', async () => {
    const { server: s, client: c } = await setup({ replies: [hang] }, { retries: 3 });
    const controller = new AbortController();
    const call = c.retrieve('h1', { signal: controller.signal });
    while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = await transportError(call);
    expect(error.code).toBe('TRANSPORT_ABORTED');
    expect(s.requests).toHaveLength(1);
  });

  it('aborts the wait between retries', async () => {
    const controller = new AbortController();
    const { server: s, client: c } = await setup(
      { replies: [json({ result: 'error', status: 111 }, { headers: { 'retry-after': '30' } })] },
      { maxRetryDelayMs: 30_000, onRetry: () => { controller.abort(); } },
    );
    const error = await transportError(c.retrieve('h1', { signal: controller.signal }));
    expect(error.code).toBe('TRANSPORT_ABORTED');
    expect(s.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const { server: s, client: c } = await setup({ replies: [pending] });
    const error = await transportError(c.retrieve('h1', { signal: AbortSignal.abort() }));
    expect(error.code).toBe('TRANSPORT_ABORTED');
    expect(s.requests).toHaveLength(0);
  });
});
